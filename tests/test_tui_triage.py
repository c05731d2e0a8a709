"""The triage rules the reader follows (views, marks, counts, cursor moves, the read clock,
links, the session: reader/domain), without a terminal."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from reader.domain.counts import digest_counts, retally, tally, view_counts
from reader.domain.cursor_moves import after_mark, step_unread
from reader.domain.library_view import DigestInfo, LibraryView, PaperSummary
from reader.domain.links import SCHOLAR_SEARCH, clipboard_text, is_web_link, link_to_open
from reader.domain.marks import Marks, to_mark_read
from reader.domain.models import Mark
from reader.domain.read_clock import ReadClock
from reader.domain.session import Session
from reader.domain.views import View, within
from reader.search.highlight import Highlight, with_view
from reader.search.query import parse_query

IDS = ["a", "b", "c", "d", "e"]


def library_view() -> LibraryView:
    digests = [
        DigestInfo(1, "/d/2025-03-17.txt", "Mar 17", date(2025, 3, 17), 3, ()),
        DigestInfo(2, "/d/2025-03-14.txt", "Mar 14", date(2025, 3, 14), 3, ()),
    ]
    papers = {
        pid: PaperSummary(
            pid, f"Paper {pid}", date(2025, 3, 17 if pid in "abc" else 14), (1,) if pid in "abc" else (2,)
        )
        for pid in IDS
    }
    papers["c"] = PaperSummary("c", "Paper c", date(2025, 3, 17), (1, 2))
    return LibraryView(digests, papers, IDS, {1: frozenset("abc"), 2: frozenset("cde")})


def test_views_add_their_status_filter_to_the_query():
    assert with_view(parse_query("gpu"), View.ALL).statuses == ()
    assert with_view(parse_query("gpu"), View.UNREAD).statuses == ("unread",)
    assert with_view(parse_query("gpu is:starred"), View.UNREAD).statuses == ("starred", "unread")
    assert with_view(parse_query("is:unread"), View.UNREAD).statuses == ("unread",)  # not twice


def test_within_a_digest_keeps_the_order():
    assert within(["e", "c", "a"], frozenset("abc")) == ["c", "a"]
    assert within(["e", "c"], None) == ["e", "c"]


def test_counts_per_view_and_per_digest_ignore_marks_of_unknown_papers():
    view = library_view()
    counts = view_counts(view, frozenset({"a", "c", "gone"}), frozenset({"e", "gone"}))
    assert (counts.total, counts.unread, counts.starred) == (5, 3, 1)
    assert digest_counts(view, frozenset({"a", "c"})) == {1: (1, 3), 2: (2, 3)}


def test_next_and_previous_unread_skip_read_papers_and_stop_at_the_ends():
    read = {"b", "c"}
    assert step_unread(IDS, 0, read) == 3
    assert step_unread(IDS, 3, read, -1) == 0
    assert step_unread(IDS, 4, read) is None
    assert step_unread(IDS, 0, read, -1) is None
    assert step_unread([], 0, read) is None


def test_read_and_next_moves_one_row_and_stays_on_the_last():
    assert after_mark(0, 5) == 1
    assert after_mark(4, 5) == 4
    assert after_mark(0, 0) == 0


def test_mark_all_read_changes_only_unread_papers_in_list_order():
    assert to_mark_read(["c", "a", "b"], {"a"}) == ["c", "b"]


def test_the_clock_runs_only_for_a_paper_the_user_moved_to_while_looking():
    idle = ReadClock()
    assert not idle.moved_to("a", by_user=False, looking=True).running(2.0, set())  # start-up, search
    moved = idle.moved_to("a", by_user=True, looking=True)
    assert moved.running(2.0, set())
    assert not moved.running(None, set())  # read_on_open = "never"
    assert not moved.running(2.0, {"a"})  # already read
    assert not idle.moved_to("a", by_user=True, looking=False).running(2.0, set())  # from the search box
    assert moved.moved_to("a", by_user=False, looking=True) is moved  # kept through a refilter
    assert not moved.moved_to("b", by_user=False, looking=True).running(2.0, set())  # a jump, a new search
    assert not moved.moved_to(None, by_user=True, looking=True).running(2.0, set())


def test_leaving_stops_the_clock_and_coming_back_starts_it_again():
    moved = ReadClock().moved_to("a", by_user=True, looking=True)
    away = moved.attention(False)
    assert not away.running(2.0, set())
    assert away.attention(True) == moved
    assert not ReadClock().attention(True).running(2.0, set())  # nothing was moved to


def test_a_mark_by_hand_or_undo_ends_the_clock_until_the_next_move():
    moved = ReadClock().moved_to("a", by_user=True, looking=True)
    assert moved.marked(["b"]) is moved
    ended = moved.marked(["a", "b"])
    assert not ended.running(2.0, set()) and not ended.attention(True).running(2.0, set())
    assert ended.moved_to("a", by_user=True, looking=True).running(2.0, set())


def test_marks_change_without_touching_the_old_value():
    marks = Marks(frozenset({"a"}), frozenset())
    read = marks.with_read(["b"], True)
    assert read.read == {"a", "b"} and marks.read == {"a"}
    assert read.with_read(["a"], False).read == {"b"}
    assert marks.with_starred(["c"], True).starred == {"c"}
    assert read != Marks(read.read, read.starred)  # compared by identity: every new value is news
    patched = read.patched({"a": Mark(read=False, starred=True), "z": Mark(read=True)})
    assert patched.read == {"b", "z"} and patched.starred == {"a"}


@pytest.mark.parametrize(
    ("url", "web"),
    [
        ("https://github.com/x/y", True),
        ("http://example.org", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("ftp://host/file", False),
    ],
)
def test_only_http_links_count_as_web_links(url, web):
    assert is_web_link(url) is web


def test_o_opens_the_first_web_link_else_a_scholar_search_for_the_title():
    assert link_to_open("T", ("file:///x", "https://a.org/p", "https://b.org")) == "https://a.org/p"
    url = link_to_open("Mélange: GPU & [serving]", ())
    assert url.startswith(SCHOLAR_SEARCH)
    assert parse_qs(urlsplit(url).query)["q"] == ["Mélange: GPU & [serving]"]


def test_y_copies_title_and_first_web_link():
    assert clipboard_text("T", ("https://a.org",)) == "T\nhttps://a.org"
    assert clipboard_text("T", ()) == "T"


def test_the_session_round_trips_and_damage_gives_the_default():
    session = Session("gpu", View.STARRED, "/d/2025-03-17.txt", "abc123")
    assert Session.from_json(session.to_json()) == session
    assert Session.from_json(None) == Session()
    assert Session.from_json({"view": "sideways", "query": 3, "selected": ""}) == Session()
    assert Session.from_json(["not", "a", "dict"]) == Session()


def test_highlight_marks_query_words_with_the_search_analysis():
    highlight = Highlight.of(parse_query("melange quantized"))
    text = "Mélange uses quantization"
    assert [text[s:e] for s, e in highlight.spans(text)] == ["Mélange", "quantization"]
    assert not Highlight.of(parse_query("is:unread"))
    assert Highlight().spans(text) == []


def test_retally_after_a_few_changes_equals_counting_again():
    view = library_view()
    old = Marks(frozenset({"a"}), frozenset({"b"}))
    new = old.with_read(["c", "a"], True).with_starred(["e"], True)
    new = new.with_read(["a"], False)
    changed = ["a", "c", "e", "unknown"]
    assert retally(tally(view, old), view, old, new, changed) == tally(view, new)
