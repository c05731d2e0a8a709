"""Every background job that fails is seen: a notification, an entry in the message log (L),
and the reader keeps running (Pilot)."""

from __future__ import annotations

import pytest
from reader.tui.screens.export import ExportScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.message_log import MessageLogScreen
from reader.tui.state_client import StateClient
from textual.widgets import Input

from support.app import SIZE, make_app, ready, run_from_palette, settle, still_running, toasts, wait_until


def broken(*args, **kwargs):
    raise RuntimeError("the job broke [/]")


async def move_down(pilot) -> None:
    await pilot.press("j")


async def type_a_search(pilot) -> None:
    await pilot.press("slash", "x")


async def wait_for_a_poll(pilot) -> None:
    await pilot.pause(2.5)  # the state is polled every 2 s


async def export_the_view(pilot) -> None:
    await run_from_palette(pilot, "export current view")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
    await pilot.pause()
    await pilot.press("tab", "enter")


JOBS = [
    ("reader.tui.screens.main.similar_papers", move_down, "Finding similar papers"),
    ("reader.tui.reading.search.list_papers", type_a_search, "The search"),
    ("reader.tui.state_client.StateClient.poll_marks", wait_for_a_poll, "Reading changes made elsewhere"),
    ("reader.tui.screens.export.writable_target", export_the_view, "Checking the export file"),
]


@pytest.mark.parametrize(("target", "trigger", "job"), JOBS, ids=[job for _, _, job in JOBS])
async def test_a_failed_job_is_notified_logged_and_the_reader_goes_on(
    home, fixture_digests, monkeypatch, target, trigger, job
):
    expected = f"{job} failed: RuntimeError: the job broke [/]"
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        monkeypatch.setattr(target, broken)
        await trigger(pilot)
        await wait_until(pilot, lambda: expected in toasts(pilot.app))
        assert any(expected in entry.line and entry.severity == "error" for entry in pilot.app.message_log)
        while pilot.app.screen is not screen:  # a dialog the job ran in stays open: close it
            await pilot.press("escape")
        await pilot.press("escape", "L")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MessageLogScreen))
        assert expected in str(pilot.app.screen.query_one("#message-log-body").render())
        await pilot.press("escape")
        assert still_running(pilot.app) and pilot.app.screen is screen
        monkeypatch.undo()  # the job works again: the reader was never left broken
        before = screen.paper_list.cursor
        await pilot.press("j")
        await settle(pilot)
        assert screen.paper_list.cursor == before + 1


async def test_a_library_that_fails_to_load_is_said_and_the_window_stays(home, fixture_digests, monkeypatch):
    monkeypatch.setattr(StateClient, "load", broken)
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        expected = "Loading the library failed: RuntimeError: the job broke [/]"
        await wait_until(pilot, lambda: expected in toasts(pilot.app))
        assert isinstance(pilot.app.screen, MainScreen) and still_running(pilot.app)
        assert any(expected in entry.line for entry in pilot.app.message_log)
        screen = pilot.app.screen
        assert not screen.query_one("#search", Input).value  # nothing half-restored
