"""StateStore: marks must persist, be shared between processes and be undoable."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reader.domain.models import Mark
from reader.state.store import StateError, StateStore, UndoResult, state_path

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


def test_undo_restores_in_reverse_order(tmp_path):
    with StateStore(tmp_path / "s.sqlite3") as store:
        assert store.undo() is None
        assert not store.can_undo()
        store.set_read(["a"], True)
        before = store.mark("a")
        time.sleep(1.1)  # so a changed timestamp would be visible
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


def test_bulk_mark_is_fast(tmp_path):
    ids = [f"paper-{i:06d}" for i in range(100_000)]
    with StateStore(tmp_path / "s.sqlite3") as store:
        start = time.perf_counter()
        assert store.set_read(ids, True) == 100_000
        assert time.perf_counter() - start < 2.0
        assert len(store.read_ids()) == 100_000
        start = time.perf_counter()
        assert store.undo() is not None
        assert time.perf_counter() - start < 2.0
        assert store.read_ids() == frozenset()


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
