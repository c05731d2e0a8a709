"""The reader as a user drives it: every key of the help screen, through Pilot.

Each test runs the real app headless on small fixture digests (or a copy of the seeds),
with READER_HOME in a temporary folder, and checks what the user sees and what was saved.
"""

from __future__ import annotations

from reader import paths
from reader.domain.config import Config
from reader.state.store import StateStore, state_path
from reader.tui.app import ReaderApp
from reader.tui.bindings import COMMANDS
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from textual import events
from textual.widgets import Input

from support.app import (
    SIZE,
    current_title,
    make_app,
    ready,
    run_from_palette,
    saved_marks,
    search,
    settle,
    shown_titles,
    wait_until,
)

# -- moving ---------------------------------------------------------------------------


async def test_j_k_arrows_g_G_move_the_cursor(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        papers = screen.paper_list
        assert papers.cursor == 0
        await pilot.press("j", "j", "down")
        assert papers.cursor == 3
        await pilot.press("k", "up")
        assert papers.cursor == 1
        await pilot.press("G")
        assert papers.cursor == papers.row_count - 1
        await pilot.press("g")
        assert papers.cursor == 0
        await pilot.press("end")
        assert papers.cursor == papers.row_count - 1
        await pilot.press("home")
        assert papers.cursor == 0


async def test_page_down_and_up(home, seed_digests):
    async with make_app(seed_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        papers = screen.paper_list
        await pilot.press("pagedown")
        first_page = papers.cursor
        assert first_page >= 20
        await pilot.press("pagedown")
        assert papers.cursor > first_page
        await pilot.press("pageup", "pageup")
        assert papers.cursor == 0


async def test_moving_shows_the_paper_in_the_detail_pane(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert screen.paper is not None and screen.paper.id == screen.paper_list.highlighted


async def test_enter_focuses_the_detail_and_escape_comes_back(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter")
        assert pilot.app.focused is screen.detail
        await pilot.press("escape")
        assert pilot.app.focused is screen.paper_list


async def test_space_pages_the_detail_then_moves_on(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(80, 16)) as pilot:
        screen = await ready(pilot)
        detail = screen.detail
        start = screen.paper_list.cursor
        for _ in range(30):
            if detail.scroll_y >= detail.max_scroll_y:
                break
            before = detail.scroll_y
            await pilot.press("space")
            await pilot.pause()
            assert detail.scroll_y > before and screen.paper_list.cursor == start
        await pilot.press("space")
        assert screen.paper_list.cursor == start + 1


async def test_n_and_p_jump_between_unread_papers(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        with StateStore(state_path(home / "data", "default")) as state:
            state.set_read(ids[1:3], True)
        screen._state_version = None  # as after another process's change: the poll re-reads
        screen._poll()
        await wait_until(pilot, lambda: ids[1] in screen.marks.read)
        await pilot.press("n")
        assert screen.paper_list.cursor == 3
        await pilot.press("p")
        assert screen.paper_list.cursor == 0


# -- triage ---------------------------------------------------------------------------


async def test_x_ten_times_marks_exactly_the_first_ten_and_u_restores_them(home, seed_digests):
    async with make_app(seed_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        first_eleven = list(screen.paper_list.rows.ids[:11])
        for _ in range(10):
            await pilot.press("x")
        await settle(pilot)
        assert screen.paper_list.cursor == 10
        assert screen.paper_list.highlighted == first_eleven[10]
        read, _ = saved_marks(home)
        assert read == frozenset(first_eleven[:10])
        for _ in range(10):
            await pilot.press("u")
            await settle(pilot)
        read, _ = saved_marks(home)
        assert read == frozenset()
        assert not screen.marks.read


async def test_r_toggles_read_and_s_toggles_star_and_both_are_saved(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await pilot.press("r", "s")
        await settle(pilot)
        assert saved_marks(home) == (frozenset({paper}), frozenset({paper}))
        assert paper in screen.marks.read and paper in screen.marks.starred
        await pilot.press("r", "s")
        await settle(pilot)
        assert saved_marks(home) == (frozenset(), frozenset())


async def test_capital_a_asks_then_marks_everything_shown_and_one_u_undoes_it(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        shown = frozenset(screen.paper_list.rows.ids)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("escape")  # "no" keeps everything unread
        await settle(pilot)
        assert saved_marks(home)[0] == frozenset()
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert saved_marks(home)[0] == shown
        await pilot.press("u")
        await settle(pilot)
        assert saved_marks(home)[0] == frozenset()


async def test_u_with_nothing_to_undo_says_so(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert any("Nothing to undo" in str(n.message) for n in pilot.app._notifications)


async def test_o_opens_the_first_link_or_a_title_search(home, fixture_digests, monkeypatch):
    opened: list[str] = []
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        monkeypatch.setattr(pilot.app, "open_url", lambda url, **_: opened.append(url))
        screen = await search(pilot, "melange")
        await pilot.press("escape")
        await pilot.press("o")
        await settle(pilot)
        assert opened[-1] == "https://github.com/tyler-griggs/melange-release"
        screen = await search_again(pilot, screen, "galore")  # no link in its abstract
        await pilot.press("o")
        await settle(pilot)
        assert opened[-1].startswith("https://") and "GaLore" in opened[-1]


async def search_again(pilot, screen: MainScreen, text: str) -> MainScreen:
    await pilot.press("slash")
    screen.filter_pane.query_one("#search", Input).value = ""
    await pilot.press(*text)
    await wait_until(pilot, lambda: screen.search_text == text)
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("escape")
    return screen


async def test_y_copies_title_and_link(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await search(pilot, "melange")
        await pilot.press("escape", "y")
        await settle(pilot)
        assert pilot.app.clipboard.startswith("Mélange: Cost Efficient")
        assert "https://github.com/tyler-griggs/melange-release" in pilot.app.clipboard


# -- search and views ------------------------------------------------------------------


async def test_slash_searches_as_you_type_and_letters_do_not_fire(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await search(pilot, "melange")
        assert shown_titles(screen)[0].startswith("Mélange:")
        assert isinstance(pilot.app.focused, Input)
        await settle(pilot)
        assert saved_marks(home) == (frozenset(), frozenset())  # "s", "n", ... typed, not run
        assert screen.paper_list.border_title.endswith("· 1")


async def test_keys_typed_faster_than_the_screen_redraws_land_in_the_search_box(home, fixture_digests):
    """A fast typist (or a slow machine) queues "/melange" before the app handles "/"."""
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        for key in "/melange":
            pilot.app.post_message(events.Key("slash" if key == "/" else key, key))
        await wait_until(pilot, lambda: screen.search_text == "melange")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(pilot.app.focused, Input)
        assert shown_titles(screen)[0].startswith("Mélange:")
        assert saved_marks(home) == (frozenset(), frozenset())  # no "m", "a", ... ran on the list
        pilot.app.post_message(events.Key("slash", "/"))  # in the box, "/" is part of the query
        await wait_until(pilot, lambda: screen.search_text == "melange/")
        for key in ["escape", "j"]:
            pilot.app.post_message(events.Key(key, None if key == "escape" else key))
        await settle(pilot)
        assert pilot.app.focused is screen.paper_list and screen.search_text == "melange/"


async def test_escape_leaves_search_then_clears_it(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await search(pilot, "melange")
        await pilot.press("escape")
        assert pilot.app.focused is screen.paper_list and screen.search_text == "melange"
        await pilot.press("escape")
        await settle(pilot)
        assert screen.search_text == "" and screen.paper_list.row_count == 16


async def test_slash_selects_the_restored_search_so_typing_replaces_it(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await search(pilot, "melange")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.search_text == "melange"
        await pilot.press("slash", *"erdos")
        await wait_until(pilot, lambda: screen.search_text == "erdos")
        await pilot.press("escape", "slash", "end", *"ian")  # an arrow key or End keeps the text to edit
        await wait_until(pilot, lambda: screen.search_text == "erdosian")
        await pilot.press("escape", "slash", "left", "x")
        await wait_until(pilot, lambda: screen.search_text == "xerdosian")


async def test_filters_work_in_the_search_box_and_bad_queries_do_not_crash(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await search(pilot, "digest:2025-03-17")
        assert screen.paper_list.row_count == 6
        await search_again(pilot, screen, 'title:( "unclosed AND')
        assert pilot.app.is_running


async def test_1_2_3_switch_views(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        total = screen.paper_list.row_count
        await pilot.press("s", "j", "r")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert screen.paper_list.row_count == 1
        await pilot.press("2")
        await settle(pilot)
        assert screen.paper_list.row_count == total - 1
        await pilot.press("1")
        await settle(pilot)
        assert screen.paper_list.row_count == total


async def test_selection_stays_on_the_same_paper_when_the_filter_changes(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j", "j")
        chosen = screen.paper_list.highlighted
        await pilot.press("2")
        await settle(pilot)
        assert screen.paper_list.highlighted == chosen


async def test_f_hides_and_shows_the_filter_pane(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.filter_pane.display
        await pilot.press("f")
        await pilot.pause()
        assert not screen._filters_visible()
        await pilot.press("f")
        await pilot.pause()
        assert screen._filters_visible()


async def test_narrow_terminal_folds_the_filter_pane_and_search_brings_it_back(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert not screen._filters_visible()
        await pilot.press("slash")
        await pilot.pause()
        assert screen._filters_visible() and isinstance(pilot.app.focused, Input)


# -- app keys --------------------------------------------------------------------------


async def test_question_mark_lists_every_command(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        body = str(pilot.app.screen.query_one("#help-body").render())
        for command in COMMANDS:
            assert command.id in body and command.description in body
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)


async def test_ctrl_p_opens_the_palette_with_the_reader_commands(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await run_from_palette(pilot, "toggle star")
        await settle(pilot)
        assert saved_marks(home)[1] == frozenset({screen.paper_list.highlighted})


async def test_q_quits_and_the_session_comes_back(home, fixture_digests):
    app = make_app(fixture_digests)
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "melange")
        await pilot.press("escape", "2")
        await settle(pilot)
        chosen = screen.paper_list.highlighted
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (None, 0) and not app.is_running
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.search_text == "melange"
        assert screen.current_view.value == "unread"
        assert screen.paper_list.highlighted == chosen


async def test_keys_can_be_rebound_by_id(home, fixture_digests):
    config = Config(read_on_open=None, keys={"toggle_star": "z"})
    app = ReaderApp(sources=[fixture_digests], dirs=paths.user_dirs(), config=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert saved_marks(home)[1] == frozenset({screen.paper_list.highlighted})


# -- behaviour -------------------------------------------------------------------------


async def test_a_paper_shown_long_enough_counts_as_read(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=0.3).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        first = screen.paper_list.highlighted
        await pilot.pause(0.6)  # the first paper, shown at start, for longer than the delay
        await settle(pilot)
        assert first not in saved_marks(home)[0]  # shown, not chosen: not read
        await pilot.press("j")
        await pilot.pause(0.1)
        second = screen.paper_list.highlighted
        await pilot.pause(0.6)
        await settle(pilot)
        read, _ = saved_marks(home)
        assert second in read
        assert first not in read
        await pilot.press("r")  # marked unread by hand: it stays unread however long it is shown
        await pilot.pause(0.6)
        await settle(pilot)
        assert second not in saved_marks(home)[0]


async def test_untrusted_text_is_shown_as_typed(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await search(pilot, "verification")
        await pilot.press("escape")
        await settle(pilot)
        assert "[Erdos, 1945]" in str(screen.detail.query_one("#detail-body").render())
        await search_again(pilot, screen, "markup")
        await settle(pilot)
        assert "[bold red]Robust[/]" in current_title(screen)
        assert "[bold red]Robust[/]" in str(screen.detail.query_one("#detail-body").render())


async def test_clicking_a_row_selects_it_and_clicking_a_view_filters(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.click("#papers", offset=(5, 4))
        await pilot.pause()
        assert screen.paper_list.cursor == 3
        await pilot.press("s")
        await settle(pilot)
        filter_list = screen.filter_pane.query_one("FilterList")
        starred_row = next(i for i in range(filter_list.row_count) if filter_list.row_at(i).label == "Starred")
        await pilot.click(filter_list, offset=(3, starred_row - filter_list.scroll_offset.y))
        await settle(pilot)
        assert screen.current_view.value == "starred" and screen.paper_list.row_count == 1


async def test_theme_choice_is_remembered(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        pilot.app.theme = "nord"
        await settle(pilot)
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert pilot.app.theme == "nord"


async def test_first_start_shows_the_window_before_the_index_is_built(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await pilot.pause()
        assert isinstance(screen, MainScreen)  # the window is up while the library syncs
        await ready(pilot)
        assert screen.paper_list.row_count == 16


async def test_every_help_key_has_a_test_here():
    tested = {
        "next_paper", "previous_paper", "first_paper", "last_paper", "page_down", "page_up", "open",
        "read_on", "next_unread", "previous_unread", "back", "read_and_next", "toggle_read", "toggle_star",
        "mark_all_read", "undo", "open_link", "copy", "search", "view_all", "view_unread", "view_starred",
        "toggle_filters", "help", "command_palette", "quit",
        "save_view",  # tests/test_tui_snippets_views.py
    }
    tested |= {"edit_tags", "edit_note"}  # in test_tui_tags_notes.py
    tested |= {"view_new", "mute", "toggle_muted"}  # tests/test_tui_provenance.py
    tested |= {"message_log"}  # tests/test_tui_messages.py
    tested |= {"select_paper", "select_range", "select_all", "bulk_prefix", "bulk_read", "bulk_star"}  # *_selection.py
    # tests/test_tui_bulk_actions.py
    tested |= {"select_matching", "bulk_tag", "bulk_mute", "bulk_export", "mark_above_read", "mark_old_digests"}
    tested |= {"cycle_sort"}  # tests/test_tui_sort.py
    tested |= {"fetch"}  # tests/test_tui_fetch.py
    tested |= {"view_for_you"}  # tests/test_tui_for_you.py
    tested |= {"statistics"}  # tests/test_statistics_screen.py
    assert {command.id for command in COMMANDS} <= tested


async def test_the_paper_restored_at_start_is_scrolled_into_view(home, seed_digests):
    app = make_app(seed_digests)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("G", "k", "k", "k")
        await settle(pilot)
        chosen, index = screen.paper_list.highlighted, screen.paper_list.cursor
        await pilot.press("q")
        await pilot.pause()
    async with make_app(seed_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        papers = screen.paper_list
        assert papers.highlighted == chosen and papers.cursor == index
        top = round(papers.scroll_offset.y)
        assert top <= index < top + papers.scrollable_content_region.height  # the cursor row is on screen
