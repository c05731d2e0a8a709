"""`u` after a background sync takes back the user's own last change, never the other
machine's marks the sync merged in (those would be reverted here and spread to every machine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reader import paths
from reader.domain.config import Config
from reader.state.store import StateStore
from reader.tui import mark_sync
from reader.tui.app import ReaderApp

from support.app import SIZE, ready, saved_marks, wait_until


@pytest.fixture(autouse=True)
def quick_debounce(monkeypatch):
    monkeypatch.setattr(mark_sync, "DEBOUNCE_SECONDS", 0.1)


def starred_in(sync: Path) -> set[str]:
    lines = [json.loads(line) for line in sync.read_text(encoding="utf-8").splitlines()[1:]] if sync.exists() else []
    return {r["paper"] for r in lines if r["kind"] == "starred" and r["value"]}


async def test_undo_after_a_sync_takes_back_the_users_own_star(home, fixture_digests, tmp_path):
    (tmp_path / "Sync").mkdir()
    sync = tmp_path / "Sync" / "reader-marks.jsonl"
    config = Config(read_on_open=None, sync_file=sync)
    app = ReaderApp(sources=[fixture_digests], dirs=paths.user_dirs(), config=config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        mine, theirs = screen.paper_list.rows.ids[:2]
        with StateStore(tmp_path / "other.sqlite3") as other:
            other.set_starred([theirs], True)
            other.sync_marks(sync)
        await pilot.press("s")  # the user's star; the debounced sync then merges the other machine's
        await wait_until(pilot, lambda: theirs in screen.model.marks.starred and starred_in(sync) == {mine, theirs})
        await pilot.press("u")
        await wait_until(pilot, lambda: mine not in screen.model.marks.starred)
        await wait_until(pilot, lambda: starred_in(sync) == {theirs})
        assert theirs in screen.model.marks.starred
    assert saved_marks(home)[1] == {theirs}
