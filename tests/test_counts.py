"""The filter pane's numbers (core): a digest's new / seen counted over the papers the view
lists, the New view's hits, papers with any tag, and what normalising did to a typed tag."""

from __future__ import annotations

from reader.domain.annotations import Annotations
from reader.domain.tags import ANY_TAG, parse_tag_edit, tag_title
from reader.domain.views import View
from reader.library.mute import without_muted
from reader.library.provenance import DigestNews, provenance
from reader.search.facets import facet_counts

from support.views import small_view


def test_a_digests_new_and_seen_count_the_papers_the_view_lists():
    view = small_view()  # Mar 17 (a, b, c), Mar 14 (c, d, d again), undated (d, e)
    found = provenance(view)
    news = found.news_in(view)
    # a paper listed twice in one digest is one paper there, as in the digest's unread / total
    assert news == {1: DigestNews(2, 1), 2: DigestNews(2, 0), 3: DigestNews(1, 1)}
    assert all(news[digest].entries == len(view.papers_in_digest[digest]) for digest in news)
    muted = found.news_in(without_muted(view, frozenset("c")), frozenset("c"))
    assert muted == {1: DigestNews(2, 0), 2: DigestNews(1, 0), 3: DigestNews(1, 1)}
    assert provenance(view).news_in(view, frozenset("c")) == news  # shown after all: counted
    assert found.news_in(view) is news  # counted once per view


def test_the_new_views_hits_are_the_hits_among_its_papers():
    members = {1: frozenset("abc"), 2: frozenset("cd")}
    facets = facet_counts(["a", "c", "d"], View.ALL, None, members, frozenset(), frozenset())
    assert facets.new_hits(frozenset("abd")) == 2
    inside = facet_counts(["a", "c", "d"], View.ALL, members[2], members, frozenset(), frozenset())
    assert inside.new_hits(frozenset("abd")) == 1  # only d is in the chosen digest


def test_any_tag_is_every_paper_with_a_tag():
    annotations = Annotations({"p1": ("moe", "rl"), "p2": ("moe", "survey")}, {"p3": "a note"})
    assert annotations.tagged == 2 and len(annotations.counts) == 3
    assert annotations.ids_with_tag(ANY_TAG) == {"p1", "p2"}
    assert tag_title(ANY_TAG) == "any tag" and tag_title("moe") == "#moe"


def test_a_tag_edit_says_what_normalising_changed():
    assert parse_tag_edit("Bad!Tag").changes() == "Tag `Bad!Tag` saved as `badtag`"
    edit = parse_tag_edit("moe Bad!Tag -Old!")
    assert edit.add == ("moe", "badtag") and edit.remove == ("old",)
    assert edit.changes() == "Tags `Bad!Tag` saved as `badtag`; `Old!` removed as `old`"
    assert parse_tag_edit("moe -rl").changes() == ""
