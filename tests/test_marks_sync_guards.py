"""Marks sync guards: a change stamped in the future, a sync that must not be an undo step,
a file someone else keeps rewriting, hostile nesting, and local changes after a newer stamp."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from reader.domain.newer_wins import stamp_of
from reader.state import marks_file, schema
from reader.state.marks_sync import merge
from reader.state.store import StateStore
from reader.state.sync_format import MarksFileError
from reader.state.sync_records import Record

from support.clock import START, Clock


def _file(*lines: dict) -> bytes:
    header = {"format": "reader-marks", "version": 1, "records": len(lines)}
    return "".join(json.dumps(line) + "\n" for line in (header, *lines)).encode()


def _star(paper: str, at: datetime) -> dict:
    return {"kind": "starred", "paper": paper, "value": True, "at": stamp_of(at)}


@pytest.fixture
def mine(tmp_path):
    with StateStore(tmp_path / "mine.sqlite3", Clock()) as store:
        yield store


def test_a_star_stamped_years_ahead_is_refused_and_cannot_come_back(mine, tmp_path):
    path = tmp_path / "future.jsonl"
    path.write_bytes(_file(_star("p1", datetime(9999, 1, 1, tzinfo=UTC))))
    with pytest.raises(MarksFileError) as refused:
        mine.import_marks(path)
    message = str(refused.value)
    assert message.startswith(f"{path}:2: the time '9999-01-01") and "in the future" in message
    assert message.endswith("nothing was changed") and "\n" not in message
    assert mine.starred_ids() == frozenset()
    with pytest.raises(MarksFileError, match="in the future"):
        mine.sync_marks(path)
    assert mine.starred_ids() == frozenset()


def test_a_star_stamped_within_a_day_of_the_clock_is_taken(mine, tmp_path):
    path = tmp_path / "soon.jsonl"
    path.write_bytes(_file(_star("p1", START + timedelta(hours=23))))
    assert mine.import_marks(path).summary() == "1 paper starred"


def test_merge_refuses_a_future_record_from_any_path(mine):
    record = Record("starred", "p1", "", True, stamp_of(START + timedelta(days=2)))
    with pytest.raises(MarksFileError, match="in the future.*nothing was changed"):
        merge(mine, [Record("read", "p2", "", True, stamp_of(START)), record], "import")
    assert mine.starred_ids() == frozenset() and mine.read_ids() == frozenset()


def test_a_sync_is_not_an_undo_step_but_an_import_is(tmp_path):
    sync = tmp_path / "reader-marks.jsonl"
    with StateStore(tmp_path / "b.sqlite3", Clock()) as other:
        other.set_read(["theirs"], True)
        other.sync_marks(sync)
    with StateStore(tmp_path / "a.sqlite3", Clock(START + timedelta(seconds=5))) as mine:
        mine.set_starred(["x"], True)  # the user's own mark, then the sync merges the other machine's
        assert mine.sync_marks(sync).merged
        assert mine.read_ids() == {"theirs"}
        undone = mine.undo()
        assert undone is not None and undone.description != "sync marks from reader-marks.jsonl"
        assert mine.starred_ids() == frozenset() and mine.read_ids() == {"theirs"}
        assert mine.undo() is None
        mine.export_marks(tmp_path / "copy.jsonl")
    with StateStore(tmp_path / "c.sqlite3", Clock(START + timedelta(seconds=9))) as third:
        assert third.import_marks(tmp_path / "copy.jsonl")
        undone = third.undo()
        assert undone is not None and undone.description == "import marks from copy.jsonl"
        assert third.read_ids() == frozenset()


def test_a_file_rewritten_by_another_program_at_every_attempt_is_left_to_it(mine, tmp_path, monkeypatch):
    sync = tmp_path / "reader-marks.jsonl"
    rewrites = iter(range(100))
    original = marks_file.export_records

    def export_while_another_writes(db):
        records = original(db)
        sync.write_bytes(_file(_star(f"other{next(rewrites)}", START)))
        return records

    sync.write_bytes(_file(_star("first", START)))
    mine.set_read(["mine"], True)
    monkeypatch.setattr(marks_file, "export_records", export_while_another_writes)
    outcome = mine.sync_marks(sync)
    assert not outcome.written and b'"mine"' not in sync.read_bytes()
    assert mine.get_setting(marks_file.SEEN_SETTING) is None  # the next sync tries again
    monkeypatch.setattr(marks_file, "export_records", original)
    assert mine.sync_marks(sync).written and b'"mine"' in sync.read_bytes()


def test_a_deeply_nested_line_is_refused_with_one_line(mine, tmp_path):
    path = tmp_path / "deep.jsonl"
    header = json.dumps({"format": "reader-marks", "version": 1, "records": 1})
    path.write_bytes(f"{header}\n{'[' * 100_000}{']' * 100_000}\n".encode())
    with pytest.raises(MarksFileError, match=r"deep.jsonl:2: the line is not JSON \(nested too deep"):
        mine.import_marks(path)


def test_local_changes_after_a_newer_stamp_still_reach_the_file(mine, tmp_path):
    sync = tmp_path / "reader-marks.jsonl"
    mine.set_starred(["p1", "p2"], True)
    later = tmp_path / "later.jsonl"
    later.write_bytes(_file(_star("p3", START + timedelta(hours=12))))
    mine.import_marks(later)
    assert mine.sync_marks(sync).written
    mine.set_starred(["p1"], False)
    assert mine.sync_marks(sync).written
    starred = {r["paper"] for r in map(json.loads, sync.read_text().splitlines()[1:])
               if r["kind"] == "starred" and r["value"]}
    assert starred == {"p2", "p3"}


def _counter(store: StateStore) -> int:
    row = store._db().execute("SELECT changes FROM sync_counter").fetchone()
    return row[0] if row else 0


def test_every_change_moves_the_stamping_counter_in_files_old_and_new(tmp_path):
    old = tmp_path / "v3.sqlite3"
    db = sqlite3.connect(old, isolation_level=None)
    db.execute("BEGIN")
    schema.upgrade(db, 0, 3)
    db.execute("INSERT INTO marks VALUES ('p1', 0, NULL, 1, '2025-01-03T00:00:00+00:00')")
    db.execute("PRAGMA user_version = 3")
    db.execute("COMMIT")
    db.close()
    with StateStore(old, Clock()) as store:  # upgraded: the counter is there and counts
        before = _counter(store)
        store.set_starred(["p1"], False)
        assert _counter(store) > before and store.starred_ids() == frozenset()
    with StateStore(tmp_path / "v4.sqlite3", Clock()) as store:
        store._db().execute("DROP TABLE sync_counter")  # a version-4 file made before the counter
    with StateStore(tmp_path / "v4.sqlite3", Clock()) as store:
        store.set_read(["p2"], True)
        assert _counter(store) == 1 and store.read_ids() == {"p2"}
