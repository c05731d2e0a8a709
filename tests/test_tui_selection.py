"""Selecting papers (v, V, *, esc) and acting on them at once (; then r or s): the rules in plain
Python, then the keys in the reader, down to the marks saved on disk and one undo for it all."""

from __future__ import annotations

from reader import paths
from reader.domain.config import load_config, resolve_keys
from reader.domain.selection import Selection
from reader.state.store import StateStore, state_path
from reader.tui.app import ReaderApp
from reader.tui.bindings import BY_ID, key_bindings, keys_label
from reader.tui.model import ReaderModel
from reader.tui.screens.bulk import BulkKeyScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.paper_list import SELECTED_MARK

from support.app import SIZE, make_app, ready, saved_marks, search, settle, text_in, wait_until

IDS = ("a", "b", "c", "d", "e")


# -- the rules ---------------------------------------------------------------------------------


def test_v_selects_and_unselects_and_the_last_paper_selected_is_the_anchor():
    one = Selection().toggled("b")
    assert set(one.ids) == {"b"} and one.anchor == "b" and "b" in one and len(one) == 1
    two = one.toggled("d")
    assert set(two.ids) == {"b", "d"} and two.anchor == "d"
    assert set(two.toggled("d").ids) == {"b"}  # unselected again


def test_v_big_extends_from_the_anchor_to_the_cursor_either_way():
    assert set(Selection().toggled("b").extended(IDS, 3).ids) == {"b", "c", "d"}
    assert set(Selection().toggled("d").extended(IDS, 0).ids) == {"a", "b", "c", "d"}
    kept = Selection().toggled("a").toggled("e").extended(IDS, 3)  # from e, the last v
    assert set(kept.ids) == {"a", "d", "e"}
    assert Selection().toggled("c").extended(IDS, 9) == Selection().toggled("c")  # no such row


def test_v_big_without_an_anchor_in_the_list_selects_the_paper_under_the_cursor():
    fresh = Selection().extended(IDS, 2)
    assert set(fresh.ids) == {"c"} and fresh.anchor == "c"
    gone = Selection(frozenset({"z"}), "z").extended(IDS, 1)
    assert set(gone.ids) == {"z", "b"} and gone.anchor == "b"


def test_star_selects_every_paper_listed_and_keeps_the_anchor():
    every = Selection().toggled("b").with_all(IDS)
    assert set(every.ids) == set(IDS) and every.anchor == "b"


def test_a_new_list_keeps_only_the_selected_papers_it_still_lists():
    chosen = Selection(frozenset({"a", "c", "e"}), "e")
    kept = chosen.kept(["c", "d", "e"])
    assert set(kept.ids) == {"c", "e"} and kept.anchor == "e"
    assert chosen.kept(["a"]).anchor is None
    assert not chosen.kept([])
    assert Selection().kept(IDS) == Selection()


def test_a_bulk_action_takes_the_selection_in_list_order_else_the_current_paper():
    chosen = Selection(frozenset({"d", "a"}))
    assert chosen.targets(IDS, "c") == ["a", "d"]
    assert Selection().targets(IDS, "c") == ["c"]
    assert Selection().targets(IDS, None) == []


def test_the_model_keeps_the_selection_and_counts_it_in_the_list_title():
    model = ReaderModel()
    assert model.list_title(383) == "All · 383"  # nothing selected: the title is as before
    assert model.choose(model.selection.with_all(IDS))
    assert not model.choose(model.selection.with_all(IDS))  # the same papers: nothing to redraw
    assert model.list_title(383) == "All · 383 · 5 selected"
    assert model.keep_listed(["a", "b"]) and model.list_title(2) == "All · 2 · 2 selected"
    assert not model.keep_listed(["a", "b", "z"])
    assert model.choose(Selection()) and model.list_title(2) == "All · 2"


def test_keys_after_the_prefix_are_a_key_space_of_their_own(tmp_path):
    (tmp_path / "config.toml").write_text('[keys]\nbulk_read = "x"\nbulk_star = "r"\n', encoding="utf-8")
    keymap, problems = resolve_keys(load_config(tmp_path), key_bindings())
    assert problems == () and keymap == {"bulk_read": "x", "bulk_star": "r"}  # x and r stay main keys too
    (tmp_path / "config.toml").write_text('[keys]\nbulk_read = "s"\n', encoding="utf-8")
    keymap, (problem,) = resolve_keys(load_config(tmp_path), key_bindings())
    assert '"s" is already the key of bulk_star' in problem and keymap == {"bulk_read": "r"}
    assert keys_label(BY_ID["bulk_read"], {}) == "; r"


# -- in the reader -----------------------------------------------------------------------------


def title(screen: MainScreen) -> str:
    return str(screen.paper_list.border_title)


def chosen(screen: MainScreen) -> set[str]:
    return set(screen.model.selection.ids)


def messages(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def bulk(pilot, key: str) -> None:
    await pilot.press("semicolon")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BulkKeyScreen))
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await settle(pilot)


async def test_v_selects_marks_the_row_counts_it_and_moves_down_and_again_unselects(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        rows = text_in(pilot.app, screen.paper_list).splitlines()
        assert not any(row.startswith(SELECTED_MARK) for row in rows) and title(screen) == "All · 16"
        await pilot.press("v")
        await settle(pilot)
        assert chosen(screen) == {ids[0]} and screen.paper_list.cursor == 1
        assert title(screen) == "All · 16 · 1 selected"
        rows = text_in(pilot.app, screen.paper_list).splitlines()
        assert rows[0].startswith(SELECTED_MARK) and not rows[1].startswith(SELECTED_MARK)
        await pilot.press("k", "v")
        await settle(pilot)
        assert chosen(screen) == set() and title(screen) == "All · 16"


async def test_v_big_selects_from_the_last_v_to_the_cursor(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.press("j", "v", "j", "j", "V")  # v on row 1 moves to 2; V on row 4
        await settle(pilot)
        assert chosen(screen) == set(ids[1:5]) and title(screen) == "All · 16 · 4 selected"


async def test_star_selects_the_list_and_escape_clears_it_first(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("asterisk")
        await settle(pilot)
        assert chosen(screen) == set(screen.paper_list.rows.ids) and title(screen) == "All · 16 · 16 selected"
        screen = await search(pilot, "quantization")
        await pilot.press("escape")  # out of the search box: that is still escape's first job
        await settle(pilot)
        listed = set(screen.paper_list.rows.ids)
        assert 0 < len(listed) < 16 and chosen(screen) == listed  # the new list keeps what it lists
        await pilot.press("escape")  # the selection goes first ...
        await settle(pilot)
        assert chosen(screen) == set() and screen.search_text == "quantization"
        await pilot.press("escape")  # ... then escape does what it did
        await settle(pilot)
        assert screen.search_text == "" and screen.paper_list.row_count == 16


async def test_semicolon_r_marks_the_selection_read_in_one_undo_step(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.press("v", "j", "v", "v")  # rows 0, 2 and 3
        await pilot.press("semicolon")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BulkKeyScreen))
        await settle(pilot)
        footer = text_in(pilot.app, pilot.app.screen.query_one("Footer"))
        assert "read selection" in footer and "star selection" in footer
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot)
        marked = {ids[0], ids[2], ids[3]}
        assert saved_marks(home)[0] == marked and marked <= screen.marks.read
        assert "Marked 3 papers read" in messages(pilot.app)
        assert chosen(screen) == marked  # the selection stays, as in NeoMutt
        await pilot.press("u")
        await settle(pilot)
        assert saved_marks(home)[0] == frozenset() and not screen.marks.read


async def test_semicolon_s_stars_the_selection_and_unstars_it_when_all_are_starred(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.press("j", "s", "k")  # row 1 starred already
        await settle(pilot)
        await pilot.press("v", "v")  # rows 0 and 1
        await bulk(pilot, "s")
        assert saved_marks(home)[1] == {ids[0], ids[1]}
        assert "Starred 1 paper" in messages(pilot.app)
        await bulk(pilot, "s")
        assert saved_marks(home)[1] == frozenset() and "Unstarred 2 papers" in messages(pilot.app)


async def test_with_nothing_selected_the_bulk_keys_act_on_the_current_paper(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await bulk(pilot, "r")
        await bulk(pilot, "s")
        assert saved_marks(home) == ({paper}, {paper})
        assert "Marked 1 paper read" in messages(pilot.app) and "Starred 1 paper" in messages(pilot.app)


async def test_any_other_key_after_the_prefix_cancels_it_and_does_nothing_else(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await bulk(pilot, "j")
        await bulk(pilot, "escape")
        assert screen.paper_list.cursor == 0 and saved_marks(home) == (frozenset(), frozenset())
        await pilot.press("r")  # r alone is toggle read again
        await settle(pilot)
        assert saved_marks(home)[0] == {screen.paper_list.highlighted}


async def test_the_bulk_keys_follow_the_keymap(home, fixture_digests):
    config_file = home / "config" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[keys]\nbulk_prefix = "comma"\nbulk_read = "w"\n', encoding="utf-8")
    app = ReaderApp(sources=[fixture_digests], dirs=paths.user_dirs())
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await pilot.press("comma")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BulkKeyScreen))
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot)
        assert saved_marks(home)[0] == {paper}


async def test_a_hundred_and_more_papers_read_at_once_and_one_u_takes_them_all_back(home, seed_digests):
    async with make_app(seed_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        listed = set(screen.paper_list.rows.ids)
        assert len(listed) >= 100
        await pilot.press("asterisk")
        await settle(pilot)
        assert chosen(screen) == listed and title(screen).endswith(f"· {len(listed):,} selected")
        await bulk(pilot, "r")
        with StateStore(state_path(home / "data", "default")) as state:
            assert state.read_ids() == listed
        assert f"Marked {len(listed):,} papers read" in messages(pilot.app)
        await pilot.press("u")
        await settle(pilot)
        with StateStore(state_path(home / "data", "default")) as state:
            assert state.read_ids() == frozenset()
        assert not screen.marks.read
