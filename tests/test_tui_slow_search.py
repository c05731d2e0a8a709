"""A slow search never holds up the reader: not the next search, not the start, not `q`.

The library's search is made to block on queries holding a marker word, as a pathological
query would (minutes at 50,000 papers before fuzzy words were bounded).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

from reader.domain.session import Session
from reader.library import mute
from reader.library.library import Library
from reader.state.store import StateStore, state_path
from reader.tui.screens.main import SESSION_KEY

from support.app import SIZE, make_app, ready, settle, shown_titles, wait_until

SLOW = "slowword"


class SlowSearch:
    """Library.search blocks on queries holding SLOW until released."""

    def __init__(self, monkeypatch) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        real = Library.search

        def search(library, parsed, *args, **kwargs):
            if SLOW in parsed.raw:
                self.started.set()
                self.release.wait(30)
            return real(library, parsed, *args, **kwargs)

        monkeypatch.setattr(Library, "search", search)


async def test_a_new_search_shows_its_results_without_waiting_for_a_slow_one(home, fixture_digests, monkeypatch):
    slow = SlowSearch(monkeypatch)
    try:
        async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
            screen = await ready(pilot)
            everything = screen.paper_list.row_count
            await pilot.press("slash", *SLOW)
            await wait_until(pilot, slow.started.is_set)
            await pilot.press(*["backspace"] * len(SLOW), *"melange")
            await wait_until(pilot, lambda: 0 < screen.paper_list.row_count < everything, timeout=10)
            assert all("Mélange" in title for title in shown_titles(screen))
            assert not slow.release.is_set()  # the stale search is still running
            slow.release.set()
            await settle(pilot)
            assert screen.search_text == "melange" and all("Mélange" in title for title in shown_titles(screen))
    finally:
        slow.release.set()


async def test_a_slow_saved_query_runs_after_the_list_is_drawn(home, fixture_digests, monkeypatch):
    (home / "data").mkdir(parents=True, exist_ok=True)
    with StateStore(state_path(home / "data", "default")) as state:
        state.set_setting(SESSION_KEY, Session(SLOW).to_json())
    slow = SlowSearch(monkeypatch)
    try:
        async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
            screen = pilot.app.screen
            await wait_until(pilot, lambda: screen.paper_list.row_count == 16, timeout=10)  # every paper
            await wait_until(pilot, slow.started.is_set)
            assert screen.paper_list.row_count == 16  # still shown while the saved query runs
            slow.release.set()
            await settle(pilot)
            assert screen.search_text == SLOW and screen.paper_list.row_count == 0
            assert screen.filter_pane.search_text == SLOW
    finally:
        slow.release.set()


async def test_a_slow_mute_rule_is_named_in_a_notice_and_the_list_still_shows(home, fixture_digests, monkeypatch):
    (home / "data").mkdir(parents=True, exist_ok=True)
    with StateStore(state_path(home / "data", "default")) as state:
        state.add_mute_rule(SLOW)
    real = Library.search

    def search(library, parsed, *args, cancel=None, **kwargs):
        while SLOW in parsed.raw:  # an evaluation that would run for minutes
            cancel.check()
            time.sleep(0.01)
        return real(library, parsed, *args, cancel=cancel, **kwargs)

    monkeypatch.setattr(Library, "search", search)
    monkeypatch.setattr("reader.tui.reading.loading.match_rules", partial(mute.match_rules, time_limit=0.3))
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        assert screen.paper_list.row_count == 16  # the rule hides nothing
        messages = [str(notification.message) for notification in pilot.app._notifications]
        assert any(SLOW in message and "skipped" in message for message in messages), messages


QUIT_WHILE_SEARCHING = r"""
import sys, threading, time
from pathlib import Path
from reader import paths
from reader.domain.config import Config
from reader.library.library import Library
from reader.tui.app import ReaderApp

started = threading.Event()
real = Library.search

def search(library, parsed, *args, **kwargs):
    if "slowword" in parsed.raw:
        started.set()
        threading.Event().wait(600)  # a search that runs for ten minutes
    return real(library, parsed, *args, **kwargs)

Library.search = search

async def drive(pilot):
    screen = pilot.app.screen
    while screen.library_view is None or screen.paper_list.row_count == 0 or screen.selected is None:
        await pilot.pause(0.05)
    await pilot.press("s")  # a mark, queued for the state thread
    await pilot.press("slash", *"slowword")
    while not started.is_set():
        await pilot.pause(0.05)
    await pilot.press("escape")  # out of the search box: the search goes on
    print("quitting", flush=True)
    await pilot.press("q")

app = ReaderApp(sources=[Path(sys.argv[1])], dirs=paths.user_dirs(), config=Config(read_on_open=None))
app.run(headless=True, size=(120, 36), auto_pilot=drive)
"""


def test_q_quits_at_once_while_a_search_runs_and_keeps_the_mark(home, fixture_digests):
    environment = {**os.environ, "READER_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-c", QUIT_WHILE_SEARCHING, str(fixture_digests)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment, cwd=fixture_digests.parent,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the slow search runs and q is pressed
        assert line.strip() == "quitting", process.stderr.read() if process.stderr else ""
        # The search runs for ten minutes: an app that waited for it would still be running.
        process.wait(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    with StateStore(state_path(Path(home) / "data", "default")) as state:
        assert len(state.starred_ids()) == 1
