"""What the reader looks like: SVG snapshots of the main screen and the help screen.

Update after a deliberate change of look with `pytest --snapshot-update tests/test_snapshots.py`.
"""

from __future__ import annotations

import asyncio

import pytest
from reader.tui.screens.main import MainScreen
from textual.widgets import Input

from support.app import make_app, wait_until


@pytest.fixture
def app(home, fixture_digests, monkeypatch):
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no blinking cursor in pictures
    return make_app(fixture_digests)


async def until_ready(pilot) -> None:
    screen = pilot.app.screen
    await wait_until(
        pilot, lambda: isinstance(screen, MainScreen) and screen.library_view and screen.paper_list.row_count
        and screen.paper
    )
    await quiet(pilot)


async def quiet(pilot) -> None:
    """Until no worker runs and no state write is queued: every pane shows its final state."""
    app = pilot.app
    for _ in range(50):
        await app.workers.wait_for_complete()
        await asyncio.wrap_future(app.state_jobs.submit(lambda: None))
        await pilot.pause(0.05)
        if not any(worker.is_running for worker in app.workers):
            break
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.2)  # one more layout pass after the last pane update


def searching(text: str):
    async def run_before(pilot) -> None:
        await until_ready(pilot)
        await pilot.press("slash", *text)
        await pilot.pause(0.4)  # the search debounce
        await quiet(pilot)
        await pilot.press("escape")
        await quiet(pilot)

    return run_before


def test_main_screen_wide_with_a_query(app, snap_compare):
    assert snap_compare(app, terminal_size=(120, 36), run_before=searching("quantization"))


def test_main_screen_at_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=until_ready)


def test_main_screen_at_80x24_with_a_query(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=searching("melange"))


def test_untrusted_markup_shown_as_typed(app, snap_compare):
    assert snap_compare(app, terminal_size=(120, 36), run_before=searching("markup"))


def test_help_screen(app, snap_compare):
    async def run_before(pilot) -> None:
        await until_ready(pilot)
        await pilot.press("question_mark")
        await quiet(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
