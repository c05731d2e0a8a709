"""Driving the reader through Pilot: start it on a folder, wait for it, and read what it shows."""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from pathlib import Path

from reader import paths
from reader.domain.config import Config
from reader.state.store import StateStore, state_path
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen
from reader.tui.screens.tags import TagScreen
from textual.command import CommandPalette
from textual.worker import WorkerCancelled

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "digests"
SIZE = (120, 36)
# Only a hang should reach it: a loaded machine (a parallel test run) can take many seconds
# to start the app, and an assert on how quickly it got there would fail for the wrong reason.
HANG = 60.0


def make_app(sources: Path, read_on_open: float | None = None) -> ReaderApp:
    return ReaderApp(sources=[sources], dirs=paths.user_dirs(), config=Config(read_on_open=read_on_open))


def saved_marks(home: Path) -> tuple[frozenset[str], frozenset[str]]:
    with StateStore(state_path(home / "data", "default")) as state:
        return state.read_ids(), state.starred_ids()


async def wait_until(pilot, condition, timeout: float = HANG) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the reader did not get there in time")
        await pilot.pause(0.02)


async def settle(pilot) -> None:
    """Let workers and queued state writes finish, then one more refresh."""
    app: ReaderApp = pilot.app
    for _ in range(3):
        with suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await asyncio.wrap_future(app.state_jobs.submit(lambda: None))
        await pilot.pause()


async def run_from_palette(pilot, words: str) -> None:
    """Open the command palette, type `words` and run the first command it offers."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*words)
    await pilot.pause(0.5)  # the palette searches its providers in the background
    await pilot.press("enter")


async def ready(pilot) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    await wait_until(pilot, lambda: screen.library_view is not None and screen.paper_list.row_count > 0)
    await settle(pilot)
    return screen


def shown_titles(screen: MainScreen) -> list[str]:
    view = screen.library_view
    return [view.papers[pid].title for pid in screen.paper_list.rows.ids]


def current_title(screen: MainScreen) -> str:
    return screen.library_view.papers[screen.paper_list.highlighted].title


async def search(pilot, text: str) -> MainScreen:
    screen = pilot.app.screen
    await pilot.press("slash", *text)
    await wait_until(pilot, lambda: screen.search_text == text)
    await pilot.pause(0.3)  # the search, and the hit counts once the typing rests
    await settle(pilot)
    return screen


# -- what the screen shows -------------------------------------------------------------------


def screen_text(app) -> str:
    """What the terminal shows now, as text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def text_in(app, widget) -> str:
    """What the terminal shows inside `widget`, as text, line by line."""
    region = widget.content_region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


def squeezed(text: str) -> str:
    """The text without its white space: the same however it is wrapped."""
    return "".join(text.split())


def still_running(app) -> bool:
    return app.is_running and app.return_code is None


async def shows(pilot, text: str, timeout: float = HANG) -> None:
    await wait_until(pilot, lambda: text in screen_text(pilot.app), timeout)


def toasts(app) -> str:
    from textual.widgets._toast import Toast

    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


def detail_text(screen) -> str:
    return str(screen.detail.query_one("#detail-body").render())


async def tag(pilot, text: str) -> None:
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
    await pilot.press(*text, "enter")
    await settle(pilot)
