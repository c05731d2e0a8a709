"""Selecting by a search (T) and the bulk actions beyond read and star: ;t tags, ;m mutes by
title, ;e exports, K marks the papers above read and ;o those of older digests. The rules in
plain Python, the multi-paper writes in the state file, then the keys in the reader, down to
what is saved on disk and one undo for it all."""

from __future__ import annotations

import json
from datetime import date

from reader.domain.library_view import DigestInfo, LibraryView, PaperSummary
from reader.domain.older import above_cursor, in_older_digests, reference_digest
from reader.library.mute import parse_rule
from reader.library.mute_titles import MAX_TITLE_RULES, title_rule, title_rules
from reader.state.store import StateStore, state_path
from reader.tui.screens.bulk import BulkKeyScreen
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.export import ExportScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.mute import MuteScreen
from reader.tui.screens.select_query import SelectQueryScreen
from reader.tui.screens.tags import TagScreen
from textual.widgets import Input

from support.app import SIZE, make_app, ready, saved_marks, search, settle, text_in, toasts, wait_until
from support.cli import write_digest

# -- the rules ---------------------------------------------------------------------------------


def test_above_the_cursor_means_the_unread_unstarred_papers_listed_before_it():
    listed = ["a", "b", "c", "d", "e"]
    assert above_cursor(listed, 4, read={"b"}, starred={"c"}) == ["a", "d"]
    assert above_cursor(listed, 0, read=set(), starred=set()) == []


def view_of_three_digests() -> LibraryView:
    digests = [
        DigestInfo(3, "c.txt", "Mar 17", date(2025, 3, 17), 2, ()),
        DigestInfo(2, "b.txt", "Mar 14", date(2025, 3, 14), 2, ()),
        DigestInfo(1, "a.txt", "Mar 11", date(2025, 3, 11), 2, ()),
        DigestInfo(4, "x.txt", "undated", None, 1, ()),
    ]
    papers = {
        "new": PaperSummary("new", "New", date(2025, 3, 17), (3,)),
        "back": PaperSummary("back", "Came back", date(2025, 3, 17), (3, 1)),  # news again on Mar 17
        "mid": PaperSummary("mid", "Middle", date(2025, 3, 14), (2,)),
        "old": PaperSummary("old", "Old", date(2025, 3, 11), (1,)),
        "starred": PaperSummary("starred", "Starred", date(2025, 3, 11), (1,)),
        "nodate": PaperSummary("nodate", "No date", None, (4,)),
    }
    members = {3: frozenset({"new", "back"}), 2: frozenset({"mid"}), 1: frozenset({"back", "old", "starred"}),
               4: frozenset({"nodate"})}
    return LibraryView(digests, papers, list(papers), members)


def test_older_digests_are_those_dated_before_and_a_paper_that_came_back_stays():
    view = view_of_three_digests()
    assert in_older_digests(view, date(2025, 3, 17), read=set(), starred={"starred"}) == ["mid", "old"]
    assert in_older_digests(view, date(2025, 3, 14), read={"old"}, starred=set()) == ["starred"]


def test_older_is_measured_from_the_digest_chosen_else_the_papers_newest_digest():
    view = view_of_three_digests()
    assert reference_digest(view, 2, "new").label == "Mar 14"
    assert reference_digest(view, None, "back").label == "Mar 17"
    assert reference_digest(view, None, None) is None


def test_a_title_becomes_a_rule_of_its_words_only_whatever_it_holds():
    for title in ['Say "NOT" (or) is:read [/] title:x', "[bold]Mixture-of-Experts: 3.5x faster?", "A*B tests"]:
        rule = title_rule(title)
        assert rule is not None and rule.startswith('title:"') and rule.endswith('"')
        inner = rule[len('title:"') : -1]
        assert '"' not in inner and ":" not in inner and "[" not in inner and "(" not in inner
        assert parse_rule(rule).query is not None
    assert title_rule("The A") is None  # only stop words and one letter: nothing to match
    assert title_rules(["X y zebra", "X y zebra", "..."]) == (['title:"x y zebra"'], 1)


def test_many_papers_tagged_in_one_action_and_one_undo(tmp_path):
    with StateStore(tmp_path / "state.sqlite3") as state:
        state.change_tags("b", add=["moe"])
        changed = state.change_tags_of(["a", "b", "c"], add=["moe", "rl"])
        assert changed == {"a": (("moe", "rl"), ()), "b": (("rl",), ()), "c": (("moe", "rl"), ())}
        assert state.change_tags_of(["a", "b"], add=["moe"]) == {}  # no change, no journal entry
        result = state.undo()
        assert result.description == "tag 3 papers +moe +rl" and set(result.paper_ids) == {"a", "b", "c"}
        assert state.all_tags() == {"b": ("moe",)}


def test_many_mute_rules_added_in_one_action_and_one_undo(tmp_path):
    with StateStore(tmp_path / "state.sqlite3") as state:
        state.add_mute_rule('title:"one"')
        added = state.add_mute_rules(['title:"one"', 'title:"two"', 'title:"three"'], "mute 3 papers by title")
        assert added == ['title:"two"', 'title:"three"']
        assert state.add_mute_rules(['title:"two"'], "again") == []
        result = state.undo()
        assert result.description == "mute 3 papers by title"
        assert set(result.mute_rules) == {'title:"two"', 'title:"three"'}
        assert state.mute_rules() == ['title:"one"']


# -- in the reader -----------------------------------------------------------------------------


def chosen(screen: MainScreen) -> set[str]:
    return set(screen.model.selection.ids)


def messages(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def state_of(home):
    return StateStore(state_path(home / "data", "default"))


async def bulk(pilot, key: str, then=MainScreen) -> None:
    await pilot.press("semicolon")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BulkKeyScreen))
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, then))
    await settle(pilot)


async def select_matching(pilot, query: str) -> None:
    await pilot.press("T")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SelectQueryScreen))
    await pilot.press(*query, "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await settle(pilot)


async def answer(pilot, key: str) -> str:
    """Answer the confirmation shown; returns its question."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    question = pilot.app.screen.question
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await settle(pilot)
    return question


async def test_T_selects_the_listed_papers_a_search_matches(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        await search(pilot, "quantization")
        matching = set(screen.paper_list.rows.ids)
        await pilot.press("escape", "escape")  # out of the box, then the search goes: every paper again
        await settle(pilot)
        assert screen.paper_list.row_count == 16 and len(matching) == 2
        first = screen.paper_list.highlighted
        await pilot.press("v")  # selected before: stays so
        await select_matching(pilot, "quantization")
        assert chosen(screen) == matching | {first}
        assert "Selected 2 papers matching “quantization”." in messages(pilot.app)
        assert screen.paper_list.border_title.endswith(f"· {len(matching | {first})} selected")


async def test_T_with_no_match_selects_nothing_and_says_so(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        await select_matching(pilot, "zygomorphic")
        assert chosen(screen) == set()
        assert "No paper here matches “zygomorphic”." in messages(pilot.app)


async def test_T_only_looks_at_the_papers_listed(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        await search(pilot, "scaling")
        await pilot.press("escape")  # the list keeps the search; T looks inside it
        await settle(pilot)
        listed = set(screen.paper_list.rows.ids)
        await select_matching(pilot, "quantization")
        assert chosen(screen) and chosen(screen) <= listed and len(chosen(screen)) == 1


async def test_T_reads_what_is_typed_as_text_never_markup(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        await select_matching(pilot, "[/]")
        assert chosen(screen) == set()  # no word to search for: nothing matches, not everything
        await wait_until(pilot, lambda: "No paper here matches “[/]”." in toasts(pilot.app))
        await select_matching(pilot, "[bold]x")  # one abstract says "bold"
        assert len(chosen(screen)) == 1
        await wait_until(pilot, lambda: "Selected 1 paper matching “[bold]x”." in toasts(pilot.app))
        assert pilot.app.is_running


async def test_semicolon_t_tags_the_selection_and_one_u_untags_it(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.press("j", "t")  # row 1 carries a tag already
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"moe", "enter")
        await settle(pilot)
        await pilot.press("k", "v", "v", "v")  # rows 0, 1, 2
        await bulk(pilot, "t", TagScreen)
        dialog = pilot.app.screen
        assert "3 papers selected" in text_in(pilot.app, dialog) and "Tags on all: none" in text_in(pilot.app, dialog)
        await pilot.press(*"moe rl", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot)
        with state_of(home) as state:
            assert state.all_tags() == {pid: ("moe", "rl") for pid in ids[:3]}
        assert screen.model.annotations.tags[ids[2]] == ("moe", "rl")
        assert "Tagged 3 papers +moe +rl. u undoes it." in messages(pilot.app)
        await pilot.press("u")
        await settle(pilot)
        with state_of(home) as state:
            assert state.all_tags() == {ids[1]: ("moe",)}
        assert dict(screen.model.annotations.tags) == {ids[1]: ("moe",)}


async def test_semicolon_t_with_nothing_selected_tags_the_current_paper(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await bulk(pilot, "t", TagScreen)
        assert screen.model.paper_title(paper) in text_in(pilot.app, pilot.app.screen)
        await pilot.press(*"moe", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot)
        with state_of(home) as state:
            assert state.all_tags() == {paper: ("moe",)}
        assert "Tagged 1 paper +moe" in messages(pilot.app)


async def test_semicolon_m_mutes_the_selected_titles_and_one_u_brings_them_back(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.press("v", "j", "v")  # rows 0 and 2
        await bulk(pilot, "m", ConfirmScreen)
        assert await answer(pilot, "n") == "Mute 2 papers by title?"
        with state_of(home) as state:
            assert state.mute_rules() == []  # cancelled: nothing
        await bulk(pilot, "m", ConfirmScreen)
        await answer(pilot, "y")
        await wait_until(pilot, lambda: screen.paper_list.row_count == 14)
        listed = set(screen.paper_list.rows.ids)
        assert ids[0] not in listed and ids[2] not in listed and ids[1] in listed
        with state_of(home) as state:
            assert len(state.mute_rules()) == 2
        assert "Muted 2 titles. u undoes it" in messages(pilot.app)
        await pilot.press("u")
        await settle(pilot)
        await wait_until(pilot, lambda: screen.paper_list.row_count == 16)
        with state_of(home) as state:
            assert state.mute_rules() == []


async def test_semicolon_m_with_nothing_selected_offers_the_current_papers_title(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await bulk(pilot, "m", MuteScreen)
        rule = pilot.app.screen.query_one("#mute-query", Input).value
        assert rule == title_rule(screen.model.paper_title(paper))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await wait_until(pilot, lambda: screen.paper_list.row_count == 15)
        assert paper not in screen.paper_list.rows.ids
        with state_of(home) as state:
            assert state.mute_rules() == [rule]


async def export_to(pilot, target) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
    await settle(pilot)
    await pilot.press("down", "enter")  # Markdown -> JSON
    assert pilot.app.screen.fmt == "json"
    await pilot.press("tab")
    pilot.app.screen.query_one("#export-path", Input).value = str(target)
    await pilot.press("enter")
    await wait_until(pilot, target.exists)
    await settle(pilot)


async def test_semicolon_e_exports_the_selection(home, fixture_digests, tmp_path):
    target = tmp_path / "chosen.json"
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.press("v", "v", "j", "v")  # rows 0, 1 and 3
        await bulk(pilot, "e", ExportScreen)
        assert "Export the selection: 3 papers" in text_in(pilot.app, pilot.app.screen)
        await export_to(pilot, target)
        exported = json.loads(target.read_text(encoding="utf-8"))
        assert [paper["id"] for paper in exported] == [ids[0], ids[1], ids[3]]
        assert "Exported 3 papers to" in messages(pilot.app)


async def test_semicolon_e_with_nothing_selected_exports_the_current_paper(home, fixture_digests, tmp_path):
    target = tmp_path / "one.json"
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await bulk(pilot, "e", ExportScreen)
        assert "Export this paper: 1 paper" in text_in(pilot.app, pilot.app.screen)
        await export_to(pilot, target)
        assert [item["id"] for item in json.loads(target.read_text(encoding="utf-8"))] == [paper]


async def test_K_marks_the_papers_above_read_keeps_starred_ones_and_asks_first(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.press("j", "s", "j", "r", "j", "j", "j")  # row 1 starred, row 2 read, cursor on 5
        await settle(pilot)
        await pilot.press("K")
        assert await answer(pilot, "n") == "Mark 3 papers above this one read?"
        assert saved_marks(home) == ({ids[2]}, {ids[1]})  # cancelled: nothing
        await pilot.press("K")
        await answer(pilot, "y")
        assert saved_marks(home) == ({ids[0], ids[2], ids[3], ids[4]}, {ids[1]})
        assert screen.marks.read == {ids[0], ids[2], ids[3], ids[4]}
        assert "Marked 3 papers read. u undoes it." in messages(pilot.app)
        await pilot.press("u")
        await settle(pilot)
        assert saved_marks(home) == ({ids[2]}, {ids[1]}) and screen.marks.read == {ids[2]}


async def test_K_on_the_first_paper_has_nothing_to_mark(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("K")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen) and "No paper above this one." in messages(pilot.app)


def older_than(view: LibraryView, day: date) -> set[str]:
    dates = {info.id: info.date for info in view.digests}
    return {pid for pid, paper in view.papers.items() if all(dates[d] < day for d in paper.digest_ids)}


async def test_semicolon_o_marks_older_digests_read_keeps_starred_and_one_u_undoes(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        view = screen.library_view
        current = view.papers[screen.paper_list.highlighted]
        newest = view.digest(current.digest_ids[0])
        older = older_than(view, newest.date)
        assert 0 < len(older) < 16
        starred = sorted(older)[0]
        screen.jump_to(starred)
        await settle(pilot)
        await pilot.press("s", "g")  # one older paper starred, back to the top (the newest digest)
        await settle(pilot)
        await bulk(pilot, "o", ConfirmScreen)
        assert await answer(pilot, "n") == f"Mark {len(older) - 1} papers of older digests read?"
        assert saved_marks(home) == (frozenset(), {starred})
        await bulk(pilot, "o", ConfirmScreen)
        await answer(pilot, "y")
        assert saved_marks(home) == (older - {starred}, {starred})
        assert f"Marked {len(older) - 1} papers read. u undoes it." in messages(pilot.app)
        await pilot.press("u")
        await settle(pilot)
        assert saved_marks(home) == (frozenset(), {starred}) and not screen.marks.read


async def test_semicolon_o_counts_from_the_digest_chosen(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        view = screen.library_view
        middle = sorted((info for info in view.digests), key=lambda info: info.date)[1]
        screen.digest_id = middle.id
        await settle(pilot)
        older = older_than(view, middle.date)
        await bulk(pilot, "o", ConfirmScreen)
        await answer(pilot, "y")
        assert saved_marks(home)[0] == older and 0 < len(older)


async def test_a_hundred_papers_tagged_at_once_and_one_u_takes_them_all_back(home, tmp_path):
    folder = tmp_path / "digests"
    folder.mkdir()
    titles = [f"Sparse routing study number {n} for mixture models" for n in range(100)]
    write_digest(folder / "2026-09-01.txt", "Sep 1", titles)
    async with make_app(folder).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        listed = set(screen.paper_list.rows.ids)
        assert len(listed) == 100
        await pilot.press("asterisk")
        await bulk(pilot, "t", TagScreen)
        await pilot.press(*"moe", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot)
        with state_of(home) as state:
            assert set(state.all_tags()) == listed
        assert "Tagged 100 papers +moe" in messages(pilot.app)
        await bulk(pilot, "r")
        assert saved_marks(home)[0] == listed
        await pilot.press("u")  # the read marks first ...
        await settle(pilot)
        assert saved_marks(home)[0] == frozenset()
        with state_of(home) as state:
            assert set(state.all_tags()) == listed
        await pilot.press("u")  # ... then every tag, in one step
        await settle(pilot)
        with state_of(home) as state:
            assert state.all_tags() == {}
        assert not screen.model.annotations.tags


async def test_semicolon_m_refuses_more_titles_than_a_start_can_search(home, seed_digests):
    async with make_app(seed_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        assert screen.paper_list.row_count > MAX_TITLE_RULES
        await pilot.press("asterisk")
        await bulk(pilot, "m")
        assert "Too many titles to mute one by one" in messages(pilot.app)
        with state_of(home) as state:
            assert state.mute_rules() == []
