"""The search pipeline's rules: one mark filter, the query parsed once into one plan, one
choice of engine."""

from __future__ import annotations

from reader.domain.mark_filter import MarkFilter
from reader.domain.triage import VIEW_STATUSES, View
from reader.search.facets import in_view

READ = frozenset({"a", "b"})
STARRED = frozenset({"b", "c"})
PAPERS = ["a", "b", "c", "d"]


def kept(*statuses: str) -> list[str]:
    return [pid for pid in PAPERS if MarkFilter.of(statuses, READ, STARRED).allows(pid)]


def test_each_status_keeps_or_drops_its_marks():
    assert kept() == PAPERS
    assert kept("read") == ["a", "b"]
    assert kept("unread") == ["c", "d"]
    assert kept("starred") == ["b", "c"]
    assert kept("unstarred") == ["a", "d"]
    assert kept("unread", "starred") == ["c"]
    assert kept("read", "unread") == []


def test_every_form_of_the_filter_agrees():
    for statuses in [(), ("read",), ("unread",), ("starred",), ("unstarred",), ("unread", "unstarred"),
                     ("read", "starred"), ("unread", "unread")]:
        marks = MarkFilter.of(statuses, READ, STARRED)
        expected = kept(*statuses)
        test = marks.test()
        assert [pid for pid in PAPERS if test is None or test(pid)] == expected
        assert sorted(marks.kept(frozenset(PAPERS))) == expected
        members = marks.narrowed(None)
        listed = [pid for pid in PAPERS if members is None or pid in members]
        assert list(marks.without_refused(listed)) == expected
        assert [pid for pid in listed if pid not in marks.excluded()] == expected


def test_the_marks_own_sets_are_handed_on_when_one_decides():
    # the fast index caches a bitset per set object: a copy would cost a rebuild per search
    assert MarkFilter.of(("unread",), READ, STARRED).excluded() is READ
    assert MarkFilter.of(("starred",), READ, STARRED).narrowed(None) is STARRED
    assert MarkFilter.of(("unread", "unread"), READ, STARRED).excluded() is READ


def test_a_views_hits_follow_the_same_rule():
    hits = frozenset(PAPERS)
    for view in View:
        assert sorted(in_view(hits, view, READ, STARRED)) == kept(*VIEW_STATUSES[view])
