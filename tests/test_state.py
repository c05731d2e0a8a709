"""StateStore: marks must persist, be shared between processes and be undoable."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from reader.domain.models import Mark
from reader.state import schema
from reader.state.store import SCHEMA_VERSION, StateError, StateStore, UndoResult, state_path

ROOT = Path(__file__).resolve().parents[1]


def test_marks_persist_across_reopen(tmp_path):
    db = tmp_path / "state.sqlite3"
    with StateStore(db) as store:
        assert store.set_read(["a", "b"], True) == 2
        assert store.set_starred(["b"], True) == 1
        store.set_setting("view", {"query": "diffusion", "n": 3})
    with StateStore(db) as store:
        assert store.read_ids() == {"a", "b"}
        assert store.starred_ids() == {"b"}
        b = store.mark("b")
        assert b.read and b.starred and b.read_at and b.starred_at
        assert "T" in b.read_at  # ISO timestamp
        assert store.mark("zzz") == Mark()
        assert store.marks(["a", "zzz"])["zzz"] == Mark()
        assert store.get_setting("view") == {"query": "diffusion", "n": 3}
        assert store.get_setting("missing", 7) == 7
        assert store.can_undo()


def test_two_stores_see_each_other(tmp_path):
    db = tmp_path / "state.sqlite3"
    with StateStore(db) as one, StateStore(db) as two:
        v1, v2 = one.version(), two.version()
        one.set_starred(["x"], True)
        assert one.version() != v1
        assert two.version() != v2
        assert two.starred_ids() == {"x"}
        v2 = two.version()
        assert two.version() == v2  # stable while nothing changes
        two.set_read(["y"], True)
        assert one.read_ids() == {"y"}
        # undo works across stores: the journal lives in the file
        assert one.undo() == UndoResult("mark 1 paper read", ("y",))
        assert two.read_ids() == frozenset()


class Clock:
    """A clock the test moves by hand (no sleeping for a timestamp to change)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_marks_are_stamped_with_the_stores_clock(tmp_path):
    clock = Clock()
    with StateStore(tmp_path / "s.sqlite3", clock=clock) as store:
        store.set_read(["a"], True)
        clock.advance(90)
        store.set_starred(["a"], True)
        assert store.mark("a") == Mark(True, True, "2026-03-01T09:00:00+00:00", "2026-03-01T09:01:30+00:00")


def test_undo_restores_in_reverse_order(tmp_path):
    clock = Clock()
    with StateStore(tmp_path / "s.sqlite3", clock=clock) as store:
        assert store.undo() is None
        assert not store.can_undo()
        store.set_read(["a"], True)
        before = store.mark("a")
        clock.advance(2)  # so a changed timestamp would be visible
        ids = [f"p{i}" for i in range(1000)] + ["a"]
        assert store.set_read(ids, True) == 1000  # "a" already read: not a change
        assert store.set_starred(["a", "p1"], True, "star two") == 2
        assert store.set_read(["a"], False) == 1

        assert store.undo() == UndoResult("mark 1 paper unread", ("a",))
        assert store.mark("a").read and store.mark("a").read_at == before.read_at
        assert store.undo() == UndoResult("star two", ("a", "p1"))
        assert store.starred_ids() == frozenset()
        result = store.undo()
        assert result is not None and result.description == "mark 1000 papers read"
        assert len(result.paper_ids) == 1000
        assert store.read_ids() == {"a"}
        assert store.mark("a") == before
        assert store.undo() == UndoResult("mark 1 paper read", ("a",))
        assert store.read_ids() == frozenset()
        assert store.mark("a") == Mark()
        assert store.undo() is None
        assert not store.can_undo()


def test_noop_writes_no_journal_entry(tmp_path):
    with StateStore(tmp_path / "s.sqlite3") as store:
        assert store.set_read(["a"], False) == 0
        assert store.set_starred([], True) == 0
        assert not store.can_undo()
        store.set_starred(["a"], True)
        version = store.version()
        assert store.set_starred(["a", "a"], True) == 0
        assert store.version() == version
        assert store.undo() == UndoResult("star 1 paper", ("a",))
        assert store.undo() is None


def test_marking_100000_papers_is_one_undo_step(tmp_path):
    # How fast this is belongs to the benchmark suite; here: all marked, all undone at once.
    ids = [f"paper-{i:06d}" for i in range(100_000)]
    with StateStore(tmp_path / "s.sqlite3") as store:
        assert store.set_read(ids, True) == 100_000
        assert len(store.read_ids()) == 100_000
        assert store.undo() is not None
        assert store.read_ids() == frozenset()
        assert store.undo() is None


def test_profiles_and_names(tmp_path):
    default = state_path(tmp_path, "default")
    work = state_path(tmp_path, "work.2024_a-b")
    assert default == tmp_path / "state.sqlite3"
    assert work == tmp_path / "profiles" / "work.2024_a-b" / "state.sqlite3"
    with StateStore(default) as a, StateStore(work) as b:
        a.set_read(["x"], True)
        assert b.read_ids() == frozenset()
    for bad in ["", ".hidden", "a/b", "..", "x" * 65, "spaced name", "é", "a\n"]:
        with pytest.raises(ValueError, match="profile"):
            state_path(tmp_path, bad)


def test_file_and_dir_permissions(tmp_path):
    db = state_path(tmp_path / "data", "p1")
    StateStore(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_garbage_file_is_refused_and_untouched(tmp_path):
    db = tmp_path / "state.sqlite3"
    content = b"this is my thesis, not a database\n" * 100
    db.write_bytes(content)
    with pytest.raises(StateError, match="state.sqlite3"):
        StateStore(db)
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.sqlite3"]


def test_corrupt_database_is_refused_and_untouched(tmp_path):
    # Valid header, garbage afterwards: SQLite itself raises DatabaseError.
    db = tmp_path / "state.sqlite3"
    content = b"SQLite format 3\x00" + b"\xff" * 4000
    db.write_bytes(content)
    with pytest.raises(StateError, match="state.sqlite3"):
        StateStore(db)
    assert db.read_bytes() == content


_WORKER = """
import sys, time
from pathlib import Path
from reader.state.store import StateStore
db, prefix, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
while time.time() < start:
    time.sleep(0.001)
with StateStore(db) as store:
    for i in range(200):
        assert store.set_starred([f"{prefix}{i}"], True) == 1
"""


def test_two_processes_write_concurrently(tmp_path):
    db = tmp_path / "state.sqlite3"  # created by the racing processes themselves
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = str(time.time() + 1.0)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(db), prefix, start],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("a", "b")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    with StateStore(db) as store:
        expected = {f"{p}{i}" for p in "ab" for i in range(200)}
        assert store.starred_ids() == expected
        undone = 0
        while store.undo() is not None:
            undone += 1
        assert undone == 400


# -- files written by earlier versions ------------------------------------------------------

# The schema as version 1 wrote it, verbatim: its first release made the first four tables;
# later releases added the others on every open while the number stayed 1.
_V1_FIRST_RELEASE = """
CREATE TABLE marks (
    paper_id TEXT PRIMARY KEY, read INTEGER NOT NULL DEFAULT 0, read_at TEXT,
    starred INTEGER NOT NULL DEFAULT 0, starred_at TEXT
) WITHOUT ROWID;
CREATE TABLE actions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, description TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0);
CREATE TABLE changes (action_id INTEGER NOT NULL, paper_id TEXT NOT NULL, field TEXT NOT NULL,
    old_value INTEGER NOT NULL, old_at TEXT, new_value INTEGER NOT NULL);
CREATE INDEX changes_by_action ON changes(action_id);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
PRAGMA user_version = 1;
"""
_V1_LAST_RELEASE = _V1_FIRST_RELEASE + """
CREATE TABLE tags (paper_id TEXT NOT NULL, tag TEXT NOT NULL, added_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag)) WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags(tag);
CREATE TABLE notes (paper_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE tag_changes (action_id INTEGER NOT NULL, paper_id TEXT NOT NULL, tag TEXT NOT NULL,
    was_present INTEGER NOT NULL, old_at TEXT);
CREATE INDEX tag_changes_by_action ON tag_changes(action_id);
CREATE TABLE note_changes (action_id INTEGER NOT NULL, paper_id TEXT NOT NULL, old_body TEXT, old_at TEXT);
CREATE INDEX note_changes_by_action ON note_changes(action_id);
CREATE TABLE known (paper_id TEXT PRIMARY KEY, first_seen TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE mute_rules (query TEXT PRIMARY KEY, created_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE saved_views (name TEXT PRIMARY KEY COLLATE NOCASE, query TEXT NOT NULL,
    view TEXT NOT NULL DEFAULT 'all', created_at TEXT NOT NULL);
"""
_READ_AT, _STARRED_AT = "2025-01-02T03:04:05+00:00", "2025-01-03T00:00:00+00:00"
_V1_MARKS = [(f"p{i}", i % 2, _READ_AT if i % 2 else None, int(i % 3 == 0), _STARRED_AT if i % 3 == 0 else None)
             for i in range(1200)]


def _write_version_1_file(path: Path, script: str, mute_rule: str | None = None) -> None:
    """A state file as version 1 left it: marks, a journaled star and maybe a journaled mute rule
    (which version 1 kept in `changes`, the query in the paper id column)."""
    db = sqlite3.connect(path)
    db.executescript(script)
    db.executemany("INSERT INTO marks VALUES (?, ?, ?, ?, ?)", _V1_MARKS)
    db.execute("INSERT INTO actions (id, at, description) VALUES (1, ?, 'star 1 paper')", (_STARRED_AT,))
    db.execute("INSERT INTO changes VALUES (1, 'p0', 'starred', 0, NULL, 1)")
    if mute_rule is not None:
        db.execute("INSERT INTO actions (id, at, description) VALUES (2, ?, ?)", (_STARRED_AT, f"mute {mute_rule}"))
        db.execute("INSERT INTO changes VALUES (2, ?, 'mute', 0, NULL, 1)", (mute_rule,))
        db.execute("INSERT INTO mute_rules VALUES (?, ?)", (mute_rule, _STARRED_AT))
    db.commit()
    db.close()


def _version_and_tables(path: Path) -> tuple[int, set[str]]:
    db = sqlite3.connect(path)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return db.execute("PRAGMA user_version").fetchone()[0], tables
    finally:
        db.close()


@pytest.mark.parametrize("script", [_V1_FIRST_RELEASE, _V1_LAST_RELEASE], ids=["first-release", "last-release"])
def test_a_version_1_file_upgrades_once_and_keeps_every_mark(tmp_path, script):
    path = tmp_path / "state.sqlite3"
    _write_version_1_file(path, script)
    with StateStore(path) as store:
        assert store.marks(p for p, *_ in _V1_MARKS) == {
            pid: Mark(bool(read), bool(starred), read_at, starred_at)
            for pid, read, read_at, starred, starred_at in _V1_MARKS
        }
        store.change_tags("p1", ["kept"])  # the tables version 1 lacked are there
        store.add_mute_rule("title:survey")
        assert store.all_tags() == {"p1": ("kept",)} and store.mute_rules() == ["title:survey"]
    version, tables = _version_and_tables(path)
    assert version == SCHEMA_VERSION and {"tags", "notes", "known", "mute_rules", "saved_views"} <= tables
    # Upgraded once: opening again needs no write lock, so it works while another copy writes.
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with StateStore(path) as store:
            assert len(store.read_ids()) == 600 and len(store.starred_ids()) == 400
    finally:
        other.execute("ROLLBACK")
        other.close()
    with StateStore(path) as store:
        assert store.undo().mute_rules == ("title:survey",)
        assert store.undo().description == "tag 1 paper +kept"
        assert store.undo() == UndoResult("star 1 paper", ("p0",))  # the journal written by version 1
        assert not store.mark("p0").starred and store.mark("p3").starred


def test_a_mute_rule_journaled_by_version_1_is_still_undone(tmp_path):
    path = tmp_path / "state.sqlite3"
    _write_version_1_file(path, _V1_LAST_RELEASE, mute_rule="title:survey")
    with StateStore(path) as store:
        assert store.mute_rules() == ["title:survey"]
        assert store.undo() == UndoResult("mute title:survey", (), ("title:survey",))
        assert store.mute_rules() == []
        assert store.undo() == UndoResult("star 1 paper", ("p0",))
        assert store._db().execute("SELECT count(*) FROM changes WHERE field = 'mute'").fetchone()[0] == 0


def test_an_upgrade_that_fails_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "state.sqlite3"
    _write_version_1_file(path, _V1_LAST_RELEASE, mute_rule="title:survey")

    def fail(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM changes")  # half done, then the disk fills up
        raise sqlite3.OperationalError("database or disk is full")

    last = schema.MIGRATIONS[-1]
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS[:-1], schema.Migration(last.tables, fail)))
    with pytest.raises(StateError, match="disk is full") as caught:
        StateStore(path)
    assert not caught.value.corrupt
    version, tables = _version_and_tables(path)
    assert version == 1 and "mute_changes" not in tables
    monkeypatch.undo()
    with StateStore(path) as store:  # the next open upgrades it
        assert len(store.read_ids()) == 600
        assert store.undo() == UndoResult("mute title:survey", (), ("title:survey",))


def test_a_file_from_a_newer_version_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "state.sqlite3"
    _write_version_1_file(path, _V1_LAST_RELEASE)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    path.chmod(0o644)
    content = path.read_bytes()
    with pytest.raises(StateError, match="newer than this program supports") as caught:
        StateStore(path)
    assert not caught.value.corrupt  # so open_state never moves it aside
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.sqlite3"]  # no -wal, no -shm


def test_a_version_1_backup_is_restored_and_upgraded(tmp_path):
    old = tmp_path / "old.sqlite3"
    _write_version_1_file(old, _V1_LAST_RELEASE, mute_rule="title:survey")
    with StateStore(tmp_path / "state.sqlite3") as store:
        store.set_read(["other"], True)
        assert store.restore_from(old) == []
        assert store.counts() == (600, 400) and store.mute_rules() == ["title:survey"]
        assert store.undo() == UndoResult("mute title:survey", (), ("title:survey",))
        assert store.undo() == UndoResult("star 1 paper", ("p0",))
        assert store.undo() is None
    assert _version_and_tables(tmp_path / "state.sqlite3")[0] == SCHEMA_VERSION


def test_a_read_only_version_1_file_is_shown_as_it_is(tmp_path):
    path = tmp_path / "state.sqlite3"
    _write_version_1_file(path, _V1_LAST_RELEASE, mute_rule="title:survey")
    path.chmod(0o444)
    content = path.read_bytes()
    with StateStore(path) as store:  # cannot be upgraded, but has every table the reads use
        assert store.read_only and len(store.read_ids()) == 600 and store.mute_rules() == ["title:survey"]
        with pytest.raises(StateError, match="read-only"):
            store.undo()
    assert path.read_bytes() == content
    older = tmp_path / "older.sqlite3"
    _write_version_1_file(older, _V1_FIRST_RELEASE)
    older.chmod(0o444)
    with pytest.raises(StateError, match="make it writable once"):
        StateStore(older)
