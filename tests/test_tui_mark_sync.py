"""The sync file in the reader: another machine's marks merged and shown, the user's own
written back a moment after each change, and a refused file reported, never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reader import paths
from reader.domain.config import Config
from reader.domain.models import SavedView
from reader.state.store import StateStore
from reader.tui import mark_sync
from reader.tui.app import ReaderApp

from support.app import SIZE, ready, saved_marks, settle, wait_until


@pytest.fixture(autouse=True)
def quick_debounce(monkeypatch):
    monkeypatch.setattr(mark_sync, "DEBOUNCE_SECONDS", 0.1)


@pytest.fixture
def sync(tmp_path) -> Path:
    (tmp_path / "Sync").mkdir()
    return tmp_path / "Sync" / "reader-marks.jsonl"


def syncing_app(digests: Path, sync: Path) -> ReaderApp:
    return ReaderApp(sources=[digests], dirs=paths.user_dirs(), config=Config(read_on_open=None, sync_file=sync))


def starred_in(sync: Path) -> set[str]:
    if not sync.exists():
        return set()
    lines = [json.loads(line) for line in sync.read_text(encoding="utf-8").splitlines()[1:]]
    return {r["paper"] for r in lines if r["kind"] == "starred" and r["value"]}


def messages(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_another_machines_star_is_merged_shown_and_both_reach_the_file(home, fixture_digests, sync, tmp_path):
    app = syncing_app(fixture_digests, sync)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        mine, theirs = screen.paper_list.rows.ids[:2]
        with StateStore(tmp_path / "other.sqlite3") as other:  # the other machine, meanwhile
            other.set_starred([theirs], True)
            other.save_view(SavedView("Theirs", "method", "starred"))
            other.sync_marks(sync)
        await pilot.press("s")  # star the first paper: a change, so the file is merged and written
        await wait_until(pilot, lambda: starred_in(sync) == {mine, theirs})
        await wait_until(pilot, lambda: theirs in screen.model.marks.starred)  # drawn, once saved
        await wait_until(pilot, lambda: [v.name for v in screen.model.saved_views] == ["Theirs"])
        assert saved_marks(home)[1] == {mine, theirs}
        assert "From reader-marks.jsonl: 1 paper starred, 1 view saved." in messages(app)


async def test_the_file_is_merged_at_start_and_the_last_change_written_on_quit(
    home, fixture_digests, sync, tmp_path, monkeypatch
):
    async with ReaderApp(sources=[fixture_digests], dirs=paths.user_dirs()).run_test(size=SIZE) as pilot:
        ids = (await ready(pilot)).paper_list.rows.ids[:3]
    with StateStore(tmp_path / "other.sqlite3") as other:
        other.set_read([ids[1], ids[2]], True)
        other.save_view(SavedView("Theirs", "method"))
        other.add_mute_rule("title:zzzunheardof")
        other.sync_marks(sync)
    app = syncing_app(fixture_digests, sync)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        await wait_until(pilot, lambda: {ids[1], ids[2]} <= screen.model.marks.read)
        await wait_until(pilot, lambda: [v.name for v in screen.model.saved_views] == ["Theirs"])
        await wait_until(pilot, lambda: screen.model.mute_rules == ["title:zzzunheardof"])
        assert "From reader-marks.jsonl: 2 papers marked read, 1 view saved, 1 mute rule added." in messages(app)
        monkeypatch.setattr(mark_sync, "DEBOUNCE_SECONDS", 60)  # only quitting can write it now
        await pilot.press("s", "q")  # quit at once: the star lands, then the file is written
    assert starred_in(sync) == {ids[0]}


async def test_a_truncated_sync_file_is_reported_and_left_as_it_was(home, fixture_digests, sync, tmp_path):
    with StateStore(tmp_path / "other.sqlite3") as other:
        other.set_read(["somewhere-else"], True)
        other.sync_marks(sync)
    cut = sync.read_bytes()[:-5]
    sync.write_bytes(cut)
    app = syncing_app(fixture_digests, sync)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: "Marks not synced" in messages(app))
        assert f"Marks not synced with {sync}: {sync}:2: the last line is cut short" in messages(app)
        assert any("Marks not synced" in entry.text for entry in app.message_log)
        for _ in range(2):  # the user's marks are still saved, the file still not overwritten
            await pilot.press("s")
            await settle(pilot)
            await pilot.pause(0.3)  # past the debounce: the sync ran again
            await settle(pilot)
        assert saved_marks(home)[1] == frozenset()  # starred, then unstarred
        assert messages(app).count("Marks not synced") == 1  # told once, not after every mark
    assert sync.read_bytes() == cut
