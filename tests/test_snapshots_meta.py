"""What a fetched paper looks like: its detail with authors, counts and labelled links, and its
list row with the upvotes. Update after a deliberate change of look with
`pytest --snapshot-update tests/test_snapshots_meta.py`."""

from __future__ import annotations

import asyncio

import pytest
from reader.tui.screens.main import MainScreen
from textual.widgets import Input

from support.app import make_app, wait_until
from support.fetched import entry, write_fetched


@pytest.fixture
def app(home, fixture_digests, monkeypatch):
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no blinking cursor in pictures
    write_fetched(fixture_digests, [entry("Speculative Decoding for Everyone")])
    return make_app(fixture_digests)


async def quiet(pilot) -> None:
    app = pilot.app
    for _ in range(50):
        await app.workers.wait_for_complete()
        await asyncio.wrap_future(app.state_jobs.submit(lambda: None))
        await pilot.pause(0.05)
        if not any(worker.is_running for worker in app.workers):
            break
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.2)


async def fetched_paper_shown(pilot) -> None:
    screen = pilot.app.screen
    await wait_until(
        pilot,
        lambda: isinstance(screen, MainScreen) and screen.library_view and screen.paper_list.row_count and screen.paper,
    )
    await quiet(pilot)
    await pilot.press("slash", *"speculative")
    await pilot.pause(0.4)  # the search debounce
    await quiet(pilot)
    await pilot.press("escape")
    await wait_until(pilot, lambda: screen.paper is not None and screen.paper.meta is not None)
    await quiet(pilot)


def test_detail_of_a_fetched_paper(app, snap_compare):
    assert snap_compare(app, terminal_size=(120, 36), run_before=fetched_paper_shown)
