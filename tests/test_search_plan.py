"""The search pipeline's rules: one mark filter, the query parsed once into one plan, one
choice of engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader.domain.mark_filter import MarkFilter
from reader.domain.views import VIEW_STATUSES, View
from reader.library.library import Library
from reader.library.listing import count_facets, list_papers
from reader.search.engine import FastEngine, FirstAnswer, Scope, WhooshEngine, search_engine
from reader.search.facets import in_view
from reader.search.highlight import Highlight
from reader.search.query import parse_query, split_filters

from support.app import SIZE, make_app, ready, settle, wait_until

FIXTURES = Path(__file__).parent / "fixtures" / "digests"

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


# -- the query parsed once -------------------------------------------------------------------


class ParseCounter:
    """Counts parse_query calls, wherever a module took the name from."""

    def __init__(self, monkeypatch) -> None:
        import sys

        from reader.search import query

        self.texts: list[str] = []
        real = query.parse_query

        def counted(raw, *args, **kwargs):
            self.texts.append(raw)
            return real(raw, *args, **kwargs)

        for name, module in list(sys.modules.items()):
            if name.startswith("reader") and getattr(module, "parse_query", None) is real:
                monkeypatch.setattr(module, "parse_query", counted)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan")
    library = Library([FIXTURES], root / "cache")
    library.sync()
    yield library
    library.close()


@pytest.mark.parametrize("view", [View.ALL, View.UNREAD, View.STARRED])
@pytest.mark.parametrize("text", ["quantizati", "quantization ", "is:unread quant", "tag:x note:y model", ""])
def test_a_search_from_the_box_parses_its_text_once(library, monkeypatch, view, text):
    counter = ParseCounter(monkeypatch)
    shown = library.view()
    read = frozenset(shown.order[:1])
    listing = list_papers(library, shown, text, view, None, read, frozenset(), rows_shown=5)
    count_facets(library, shown, listing, read, frozenset())
    assert counter.texts == [text]


def test_the_plan_searched_as_typed_finds_what_the_search_did_before(library):
    for text in ["quantizati", "quantization", "effici", "is:unread model"]:
        plan = library.plan(text)
        assert plan.stems_checked
        assert library.search(plan).ids == library.search(parse_query(text)).ids
        assert Highlight.of(plan) == Highlight.of(parse_query(text))  # stems found are not marked


async def test_typing_a_key_in_the_search_box_parses_the_text_once(home, fixture_digests, monkeypatch):  # noqa: F811
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        counter = ParseCounter(monkeypatch)
        await pilot.press("slash", "q")
        await wait_until(pilot, lambda: screen.search_text == "q")
        await settle(pilot)
        assert counter.texts == ["q"]


# -- one choice of engine --------------------------------------------------------------------


def test_both_engines_find_the_same_papers_in_a_scope(library):
    assert library.fast.loaded
    order = library.view().order
    query = parse_query("model OR quantization ").query
    everything = WhooshEngine(library.index).matching(query, Scope())
    assert len(everything.ids) > 3
    members, excluded = frozenset(everything.ids[:-1]), frozenset(everything.ids[:1])
    for scope in [Scope(), Scope(members), Scope(None, excluded), Scope(members, excluded)]:
        whoosh = WhooshEngine(library.index).matching(query, scope)
        fast = FastEngine(library.fast, order).matching(query, scope)
        assert fast is not None and set(fast.ids) == set(whoosh.ids)
        assert set(whoosh.ids) == {pid for pid in everything.ids if scope.test() is None or scope.test()(pid)}
        assert search_engine(library.index, library.fast, order).matching(query, scope).ids == fast.ids


class Declines:
    def matching(self, query, scope, limit=None, cancel=None):
        return None


def test_a_query_the_fast_engine_declines_is_answered_by_whoosh(library):
    query = parse_query("model ").query
    answered = FirstAnswer(Declines(), WhooshEngine(library.index)).matching(query, Scope())
    assert answered.ids == WhooshEngine(library.index).matching(query, Scope()).ids != []


def test_similar_papers_are_ranked_by_the_same_engine_choice(library, monkeypatch):
    from reader.search import similar

    pid = library.view().order[0]
    with_fast = similar.similar_papers(library, pid, limit=3)
    monkeypatch.setattr(type(library.fast), "loaded", property(lambda fast: False))
    without_fast = similar.similar_papers(library, pid, limit=3)
    assert {found.id for found in without_fast} == {found.id for found in with_fast} != set()



@pytest.mark.parametrize(("typed", "status"), [
    ("NOT is:starred", "unstarred"), ("-is:starred", "unstarred"), ("NOT is:read", "unread"), ("-is:unread", "read"),
])
def test_a_negated_status_filter_keeps_the_opposite_papers(typed, status):
    rest, statuses, digests, notices = split_filters(f'digest:"Mar 14" {typed} model')
    assert (rest.split(), statuses, digests, notices) == (["model"], [status], ["Mar 14"], [])


def test_a_negated_unknown_status_is_named_in_a_notice():
    rest, statuses, _, notices = split_filters("-is:bogus model")
    assert rest.split() == ["model"] and statuses == []
    assert notices and "is:bogus" in notices[0]
