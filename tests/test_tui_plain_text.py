"""Text from users and digests is never markup, wherever the app shows it (Pilot).

Each hostile string is typed or stored, then looked for on screen as typed, with the app
still running: the search box and the status line, a digest's file name in the filter pane
and the list's border, saved view names and mute rules in the palette, toasts, every dialog,
the help screen and the message log.
"""

from __future__ import annotations

from reader import paths
from reader.domain.config import Config
from reader.domain.models import SavedView
from reader.state.store import StateStore, state_path
from reader.tui.app import ReaderApp
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.message_log import MessageLogScreen
from reader.tui.screens.mute import MuteScreen
from reader.tui.screens.note import NoteScreen
from reader.tui.screens.tags import TagScreen
from reader.tui.screens.view_name import ViewNameScreen
from reader.tui.widgets.filter_list import FilterList
from textual.command import CommandPalette

from support.app import SIZE, make_app, ready, settle, shows, still_running, toasts, wait_until

HOSTILE = ("[/]", "[a=b c=d]", "[@click=app.quit]x[/]")
WIDE = (160, 40)  # room for every toast and palette entry on one line


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
                i for i in range(filters.row_count)
                if filters.row_at(i).kind == "digest" and name in filters.row_at(i).label
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


# -- toasts and dialogs ----------------------------------------------------------------------------


async def test_markup_typed_in_the_tags_and_note_dialogs_is_shown_as_typed(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=WIDE, notifications=True) as pilot:
        screen = await ready(pilot)
        for text in HOSTILE:
            await pilot.press("t")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
            await pilot.press(*text)
            await shows(pilot, text)
            await pilot.press("enter")
            await pilot.pause(0.2)
            if isinstance(pilot.app.screen, TagScreen):  # not a tag: said as typed
                await wait_until(pilot, lambda text=text: f"Not a tag: {text}" in toasts(pilot.app))
                await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
            await pilot.press("N")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, NoteScreen))
            await pilot.press(*text, "ctrl+s")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
            await settle(pilot)
            await shows(pilot, text)  # the note, in the detail pane
            await pilot.press("N")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, NoteScreen))
            await shows(pilot, text)  # and in the editor again
            await pilot.press("escape")
            await pilot.press("N", "ctrl+a", "ctrl+k")  # empty the note for the next round
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert still_running(pilot.app)
            assert screen.annotations.notes.get(screen.paper_list.highlighted, "") in ("", text)


async def test_markup_typed_in_the_mute_dialog_is_muted_or_explained_as_typed(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=WIDE, notifications=True) as pilot:
        await ready(pilot)
        for text in HOSTILE:
            await pilot.press("M")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, MuteScreen))
            await pilot.press(*text, "enter")
            await pilot.pause(0.3)
            if isinstance(pilot.app.screen, MuteScreen):  # explained in the dialog, kept as typed
                await shows(pilot, text)
                await pilot.press("escape")
            else:
                await wait_until(pilot, lambda text=text: f"Muted papers matching {text}" in toasts(pilot.app))
            assert still_running(pilot.app)


async def test_markup_typed_as_a_view_name_is_saved_confirmed_and_deleted_as_typed(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=WIDE, notifications=True) as pilot:
        screen = await ready(pilot)
        await type_search(pilot, screen, "model")
        await pilot.press("escape")
        for text in HOSTILE:
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, ViewNameScreen))
            await pilot.press(*text, "enter")
            await wait_until(pilot, lambda text=text: f"the view “{text}”" in toasts(pilot.app))
            await settle(pilot)
            await shows(pilot, text)  # listed under Saved in the filter pane
        for text in HOSTILE:
            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
            await pilot.press(*"delete", "space", *text)
            await pilot.pause(0.5)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
            await shows(pilot, f"Delete the saved view “{text}”?")
            await pilot.press("y")
            await wait_until(pilot, lambda text=text: f"Deleted the saved view “{text}”" in toasts(pilot.app))
        await settle(pilot)
        assert screen.saved_views == ()
        assert still_running(pilot.app)


async def test_markup_typed_as_the_export_path_is_written_and_reported_as_typed(home, fixture_digests, tmp_path):
    from reader.tui.screens.export import ExportScreen
    from textual.widgets import Input

    async with make_app(fixture_digests).run_test(size=(200, 40), notifications=True) as pilot:
        await ready(pilot)
        for name in ("[a=b c=d]", "[@click=app.quit]x[b]"):
            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
            await pilot.press(*"export current")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
            path_box = pilot.app.screen.query_one("#export-path", Input)
            path_box.focus()
            path_box.value = ""
            target = tmp_path / f"{name}.md"
            await pilot.press(*str(target), "enter")
            await wait_until(pilot, lambda target=target: target.exists())
            await wait_until(pilot, lambda target=target: f"to {target}" in toasts(pilot.app))
            assert still_running(pilot.app)


async def test_help_and_the_message_log_show_markup_as_typed(home, fixture_digests):
    config = Config(keys={"help": "question_mark,[a=b c=d]"})
    app = ReaderApp(sources=[fixture_digests], dirs=paths.user_dirs(), config=config)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        screen = await ready(pilot)
        for text in HOSTILE:
            pilot.app.notify(f"a notice about {text}")
        await type_search(pilot, screen, "x [/]")
        await pilot.press("escape")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        assert "? [a=b c=d]" in str(pilot.app.screen.query_one("#help-body").render())
        await pilot.press("escape")
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MessageLogScreen))
        for text in HOSTILE:
            await shows(pilot, f"a notice about {text}")
        assert still_running(pilot.app)
