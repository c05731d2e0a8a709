"""The export dialog: it starts on the format, shows the file it will write, refuses what it
cannot write and asks before creating a folder."""

from __future__ import annotations

import os

from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.export import ExportScreen
from textual.widgets import Input, RadioSet

from support.app import SIZE, make_app, ready, run_from_palette, settle, wait_until


def messages(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def open_dialog(pilot) -> ExportScreen:
    await run_from_palette(pilot, "export current view")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
    await pilot.pause()
    return pilot.app.screen


async def test_the_dialog_starts_on_the_format_and_arrows_choose_it(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        dialog = await open_dialog(pilot)
        path = dialog.query_one("#export-path", Input)
        assert isinstance(dialog.focused, RadioSet)
        assert path.value == "~/reader-export.md"  # the file it will write is shown
        await pilot.press("down", "enter")  # Markdown -> JSON; the path is not edited
        assert dialog.fmt == "json" and path.value == "~/reader-export.json"
        await pilot.press("tab")
        assert dialog.focused is path


async def test_enter_with_no_file_writes_nothing_and_asks_for_one(home, fixture_digests, tmp_path):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        dialog = await open_dialog(pilot)
        await pilot.press("tab")
        dialog.query_one("#export-path", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog and "Type the file to write" in messages(pilot.app)
        assert not (home / "reader-export.md").exists() and not list(tmp_path.glob("**/reader-export*"))


async def test_a_missing_folder_is_created_only_when_the_user_says_so(home, fixture_digests, tmp_path):
    target = tmp_path / "new" / "view.md"
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        dialog = await open_dialog(pilot)
        await pilot.press("tab")
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
        assert pilot.app.screen is dialog and not (tmp_path / "new").exists()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, target.exists)
        assert "Mélange" in target.read_text()


async def test_a_file_that_cannot_be_written_is_said_in_the_dialog(home, fixture_digests, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        dialog = await open_dialog(pilot)
        await pilot.press("tab")
        dialog.query_one("#export-path", Input).value = str(fifo)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "named pipe" in messages(pilot.app))
        assert pilot.app.screen is dialog
