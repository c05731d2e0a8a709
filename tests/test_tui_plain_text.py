"""Text from users and digests is never markup, wherever the app shows it (Pilot).

Each hostile string is typed or stored, then looked for on screen as typed, with the app
still running: the search box and the status line, a digest's file name in the filter pane
and the list's border, saved view names and mute rules in the palette, toasts, every dialog,
the help screen and the message log.
"""

from __future__ import annotations

from textual.command import CommandPalette

from reader.core.config import Config
from reader.core.models import SavedView
from reader.core.state import StateStore, state_path
from reader.tui.app import ReaderApp
from reader import paths
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.message_log import MessageLogScreen
from reader.tui.screens.mute import MuteScreen
from reader.tui.screens.note import NoteScreen
from reader.tui.screens.tags import TagScreen
from reader.tui.screens.view_name import ViewNameScreen
from reader.tui.widgets.filter_list import FilterList

from test_reader_app import (  # noqa: F401  (fixtures used by name)
    SIZE,
    fixture_digests,
    home,
    make_app,
    ready,
    settle,
    wait_until,
)

HOSTILE = ("[/]", "[a=b c=d]", "[@click=app.quit]x[/]")
WIDE = (160, 40)  # room for every toast and palette entry on one line


def screen_text(app) -> str:
    """What the terminal shows now, as text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def still_running(app) -> bool:
    return app.is_running and app.return_code is None


async def shows(pilot, text: str, timeout: float = 5.0) -> None:
    await wait_until(pilot, lambda: text in screen_text(pilot.app), timeout)


async def type_search(pilot, screen: MainScreen, text: str) -> None:
    await pilot.press("slash")
    screen.filter_pane.set_search_text("")
    await pilot.press(*text)
    await wait_until(pilot, lambda: screen.search_text == text)
    await pilot.pause(0.3)  # the debounce
    await settle(pilot)


def store(home, *, views=(), rules=()) -> None:
    with StateStore(state_path(home / "data", "default")) as state:
        for name in views:
            state.save_view(SavedView(name, "model", "all"))
        for rule in rules:
            state.add_mute_rule(rule)


# -- the search box, the status line and the list's border -------------------------------------


async def test_markup_typed_in_the_search_box_is_searched_and_shown_as_typed(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        for text in ("model [/]", "title:[REG]", "[bold red]hello[/]", "x [/foo]", *HOSTILE):
            await type_search(pilot, screen, text)
            assert still_running(pilot.app), text
            await shows(pilot, f"search: {text}")
            # the list and the detail pane followed the search (no half-updated screen)
            papers = screen.paper_list
            assert screen._summary().endswith(f"{papers.row_count:,} shown")
            assert screen.detail.border_title == ("Paper" if not papers.row_count else f"1 of {papers.row_count:,}")
        await pilot.press("escape")
        assert still_running(pilot.app)


async def test_a_digest_named_with_markup_is_chosen_in_the_filter_pane(home, fixture_digests):
    names = ["[a=b c=d]", "[@click=app.quit]x[b]", "model [x] notes"]
    for number, name in enumerate(names):
        (fixture_digests / f"{name}.txt").write_text(
            f"A Paper Kept In File {number}\n\nThe abstract of a paper in a digest without a date line.\n",
            encoding="utf-8",
        )
    async with make_app(fixture_digests).run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        filters = screen.filter_pane.query_one(FilterList)
        for name in names:
            index = next(
                i for i in range(filters.row_count) if filters.row_at(i).kind == "digest" and name in filters.row_at(i).label
            )
            filters.focus()
            filters.set_cursor(index)
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.digest_id is not None and screen.paper_list.row_count == 1)
            await settle(pilot)
            assert still_running(pilot.app)
            assert name in screen.paper_list._border_title.plain
            await shows(pilot, name)
        assert still_running(pilot.app)


# -- the command palette -------------------------------------------------------------------------


async def test_saved_views_and_mute_rules_with_markup_are_listed_in_the_palette(home, fixture_digests):
    views = ("notes [/]", *HOSTILE)
    rules = ("tiny [/x]", "title:[a=b c=d]", "[@click=app.quit]x[/]")
    store(home, views=views, rules=rules)
    async with make_app(fixture_digests).run_test(size=WIDE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
        await pilot.pause(0.5)
        assert still_running(pilot.app)
        for words, expected in [
            ("open", [f"Saved view: open “{name}”" for name in views]),
            ("delete mute", [f"Delete mute rule: {rule}" for rule in rules]),
        ]:
            await pilot.press(*words)
            for text in expected:
                await shows(pilot, text)
            await pilot.press(*["backspace"] * len(words))
        assert still_running(pilot.app)


async def test_the_palette_lists_saved_views_before_anything_is_typed(home, fixture_digests):
    store(home, views=("notes [/]",), rules=("tiny [/x]",))
    async with make_app(fixture_digests).run_test(size=WIDE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
        palette = pilot.app.screen
        await pilot.press("down")  # shows every command, ours included
        await pilot.pause(0.5)
        from textual.command import CommandList

        prompts = [str(option.prompt) for option in palette.query_one(CommandList).options]
        assert any("Saved view: open “notes [/]”" in prompt for prompt in prompts)
        assert any("Delete mute rule: tiny [/x]" in prompt for prompt in prompts)
        assert still_running(pilot.app)
