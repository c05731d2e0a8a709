"""Snippets for the list's second line and live facet counts: pure core functions."""

from reader.domain.triage import View
from reader.search.facets import facet_counts
from reader.search.highlight import Highlight
from reader.search.query import parse_query
from reader.search.snippets import ELLIPSIS, SnippetCache, best_window, make_snippet, make_snippets


def highlight(text: str) -> Highlight:
    return Highlight.of(parse_query(text + " "))


def matched(snippet) -> list[str]:
    return [snippet.text[a:b] for a, b in snippet.spans]


FILLER = "We describe the setting in detail. " * 8


def test_snippet_shows_the_densest_cluster_of_matches_with_ellipses():
    abstract = FILLER + "Sparse experts make quantized inference cheap. " + FILLER
    snippet = make_snippet(abstract, highlight("experts quantization"), width=80)
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    assert matched(snippet) == ["experts", "quantized"]  # stems match, as in search
    assert len(snippet.text) <= 80 + 2 * len(ELLIPSIS)


def test_snippet_prefers_the_window_with_more_distinct_terms():
    abstract = "Experts here. " + FILLER + "Experts and routing together. " + FILLER
    snippet = make_snippet(abstract, highlight("experts routing"), width=60)
    assert "routing" in matched(snippet)
    assert "Experts here" not in snippet.text


def test_snippet_is_one_line_and_spans_survive_collapsed_whitespace():
    abstract = "Line one\n\nwith   gaps\tand a  match:  diffusion models."
    snippet = make_snippet(abstract, highlight("diffusion"))
    assert "\n" not in snippet.text and "  " not in snippet.text and "\t" not in snippet.text
    assert matched(snippet) == ["diffusion"]


def test_snippet_without_a_match_in_the_abstract_is_its_opening():
    snippet = make_snippet("A title-only match. " + FILLER, highlight("zebra"), width=40)
    assert snippet.text.startswith("A title-only match.")
    assert snippet.spans == ()


def test_snippet_of_an_empty_abstract_is_empty():
    assert make_snippet("", highlight("anything")).text == ""


def test_untrusted_markup_in_the_abstract_is_kept_as_text():
    snippet = make_snippet("See [bold]experts[/bold] [Erdos, 1945].", highlight("experts"))
    assert snippet.text == "See [bold]experts[/bold] [Erdos, 1945]."
    assert matched(snippet) == ["experts"]


def test_best_window_is_the_first_match_when_all_are_equal():
    text = "alpha beta alpha"
    assert best_window(text, [(0, 5), (11, 16)], 4) == 0
    assert best_window(text, [], 10) == 0


def test_cache_is_keyed_by_paper_and_query_and_bounded():
    cache = SnippetCache(size=2)
    first, second = highlight("experts"), highlight("routing")
    cache.put(first, make_snippets({"a": "experts", "b": "routing"}, first))
    assert cache.get("a", first) is not None
    assert cache.get("a", second) is None
    assert cache.missing(["a", "b", "c"], first) == ["c"]
    cache.put(second, make_snippets({"a": "routing"}, second))
    assert cache.get("a", first) is None  # the oldest went
    assert set(cache.for_ids(["a", "b"], second)) == {"a"}


MEMBERS = {1: frozenset({"a", "b", "c"}), 2: frozenset({"c", "d"}), 3: frozenset({"e"})}
READ = frozenset({"a", "d"})
STARRED = frozenset({"c"})


def test_facets_count_each_view_and_digest_from_the_hit_set():
    facets = facet_counts(["a", "c", "d"], View.ALL, None, MEMBERS, READ, STARRED)
    assert facets.views == {View.ALL: 3, View.UNREAD: 1, View.STARRED: 1}
    assert facets.digests == {1: 2, 2: 2, 3: 0}


def test_facets_count_views_inside_the_chosen_digest_and_digests_inside_the_view():
    facets = facet_counts(["a", "c", "d"], View.UNREAD, MEMBERS[2], MEMBERS, READ, STARRED)
    assert facets.views == {View.ALL: 2, View.UNREAD: 1, View.STARRED: 1}
    assert facets.digests == {1: 1, 2: 1, 3: 0}  # only the unread hit "c" counts


def test_facets_of_no_hits_are_zero():
    facets = facet_counts([], View.STARRED, None, MEMBERS, READ, STARRED)
    assert set(facets.views.values()) == {0} and set(facets.digests.values()) == {0}


def test_match_spans_find_what_the_highlight_finds():
    from reader.search.snippets import match_spans

    text = ("Mélange of quantized experts, the QUANTIZATION of learners and learning-rate "
            "schedules; is it the best? Diffusion.models and e.g. re-ranking.")
    for query in ("quantization", "melange learn", "learn", "diffusion model", "the best", "re", "rank"):
        wanted = highlight(query)
        assert match_spans(text, wanted) == wanted.spans(text), query
    assert match_spans(text, highlight("quantization"))  # not vacuous


def test_opening_page_is_the_top_or_the_page_ending_at_the_kept_paper():
    from reader.library.listing import opening_page

    ids = [str(number) for number in range(10)]
    assert opening_page(ids, None, 3) == ["0", "1", "2"]
    assert opening_page(ids, "1", 3) == ["0", "1", "2"]
    assert opening_page(ids, "7", 3) == ["5", "6", "7"]
    assert opening_page(ids, "gone", 3) == ["0", "1", "2"]
    assert opening_page(ids, "7", 0) == []


def test_list_papers_narrows_to_the_view_snippets_the_opening_rows_and_counts_facets(tmp_path):
    from pathlib import Path

    from reader.library.library import Library
    from reader.library.listing import count_facets, list_papers

    library = Library([Path(__file__).parent / "fixtures" / "digests"], tmp_path / "index")
    library.sync()
    try:
        view = library.view()
        everything = list_papers(library, view, "quantization", View.ALL, None, frozenset(), frozenset(), rows_shown=1)
        assert len(everything.ids) == 2
        assert count_facets(library, view, everything, frozenset(), frozenset()).views[View.ALL] == 2
        first, second = everything.ids
        assert list(everything.snippets) == [first]  # only the rows on screen
        snippet = everything.snippets[first]
        assert "quantization" in [snippet.text[a:b].lower() for a, b in snippet.spans]
        read = frozenset({first})
        unread = list_papers(library, view, "quantization", View.UNREAD, None, read, frozenset(), rows_shown=5)
        assert unread.ids == [second]
        facets = count_facets(library, view, unread, read, frozenset())
        assert facets.views == {View.ALL: 2, View.UNREAD: 1, View.STARRED: 0}
        assert sum(facets.digests.values()) == 1  # digests count the hits in the view
        cache = SnippetCache()
        cache.put(unread.highlight, unread.snippets)
        again = list_papers(
            library, view, "quantization", View.UNREAD, None, read, frozenset(), rows_shown=5, cache=cache
        )
        assert again.snippets[second] is unread.snippets[second]  # taken from the cache
        plain = list_papers(library, view, "", View.UNREAD, None, read, frozenset(), rows_shown=5)
        assert count_facets(library, view, plain, read, frozenset()) is None
        assert plain.snippets == {} and first not in plain.ids
    finally:
        library.close()
