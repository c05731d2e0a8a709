"""What the reader looks like: SVG snapshots of the main screen and the help screen.

Update after a deliberate change of look with `pytest --snapshot-update tests/test_snapshots.py`.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest
from reader import paths
from reader.domain.config import Config
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen
from textual.widgets import Input

FIXTURES = Path(__file__).parent / "fixtures" / "digests"


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no blinking cursor in pictures
    folder = tmp_path / "digests"
    shutil.copytree(FIXTURES, folder)
    return ReaderApp(sources=[folder], dirs=paths.user_dirs(), config=Config(read_on_open=None))


async def until_ready(pilot) -> None:
    screen = pilot.app.screen
    deadline = time.monotonic() + 15
    while not (isinstance(screen, MainScreen) and screen.library_view and screen.paper_list.row_count and screen.paper):
        assert time.monotonic() < deadline, "the library did not load"
        await pilot.pause(0.05)
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
