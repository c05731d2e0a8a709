"""Unreadable sources, damaged files, backups and private permissions, as a user meets them."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from reader.library.library import Library
from reader.state import backup
from reader.state.store import StateError, StateStore, open_state, state_path

from support.cli import paper_id, run, stats, write_digest

# -- unreadable sources ------------------------------------------------------------------


def test_folder_named_like_a_digest_and_broken_links_are_skipped_with_warnings(tmp_path, folder):
    (folder / "folder.txt").mkdir()
    (folder / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    result = run(tmp_path / "home", "--digests", str(folder), "stats", "--json")
    assert stats(result)["papers"] == 3
    assert f"reader: warning: {folder / 'folder.txt'}:0: a folder named like a digest; skipped" in result.stderr
    assert f"reader: warning: {folder / 'dangling.txt'}:0: broken symbolic link; skipped" in result.stderr
    assert f"{folder / 'loop.txt'}:0: broken symbolic link; skipped" in result.stderr


def test_a_fifo_named_like_a_digest_never_blocks_the_load(tmp_path, folder):
    # Opening a FIFO for reading would wait forever for a writer.
    os.mkfifo(folder / "pipe.txt")
    result = run(tmp_path / "home", "--digests", str(folder), "stats", "--json", timeout=30)
    assert stats(result)["papers"] == 3


def test_a_fifo_named_like_a_digest_is_skipped_with_a_warning(tmp_path, folder):
    os.mkfifo(folder / "pipe.txt")
    result = run(tmp_path / "home", "--digests", str(folder), "stats", "--json", timeout=30)
    assert f"{folder / 'pipe.txt'}:0: " in result.stderr and "skipped" in result.stderr


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads every file")
def test_a_file_without_read_permission_is_skipped_and_the_rest_loads(tmp_path, folder):
    locked = write_digest(folder / "2026-01-03.txt", "Jan 3", ["Gamma Paper"])
    locked.chmod(0)
    try:
        result = run(tmp_path / "home", "--digests", str(folder), "stats", "--json")
    finally:
        locked.chmod(0o644)
    assert stats(result)["papers"] == 3
    assert f"reader: warning: {locked}:0: cannot read: Permission denied" in result.stderr


def test_a_file_that_cannot_be_opened_is_skipped_and_the_rest_loads(tmp_path, folder, monkeypatch):
    # A file replaced by a folder between discovery and reading: open() raises OSError
    # (IsADirectoryError) even for root, like a file without read permission does.
    import reader.library.sync as library_module

    replaced = folder / "2026-01-03.txt"
    real_discover = library_module.discover_digest_files

    def discover(sources):
        files, warnings = real_discover(sources)
        replaced.mkdir(exist_ok=True)
        return [*files, replaced], warnings

    monkeypatch.setattr(library_module, "discover_digest_files", discover)
    library = Library([folder], tmp_path / "index")
    try:
        report = library.sync()
        assert any(str(w).startswith(f"{replaced}:0: cannot read") for w in report.warnings)
        assert len(library.view().papers) == 3
    finally:
        library.close()


# -- damaged index -----------------------------------------------------------------------


def _index_folder(home: Path) -> Path:
    [whoosh] = list((home / "cache" / "index").glob("*/whoosh"))
    return whoosh


def test_a_garbage_index_is_rebuilt_with_a_notice_on_stderr(tmp_path, folder):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "index")
    for toc in _index_folder(home).glob("*.toc"):
        toc.write_bytes(b"garbage")
    result = run(home, "--digests", str(folder), "search", "alpha")
    assert "reader: the index was damaged" in result.stderr and "rebuilding it" in result.stderr
    assert "Alpha Paper" in result.stdout
    assert "damaged" not in run(home, "--digests", str(folder), "search", "alpha").stderr


def test_a_truncated_index_is_rebuilt_with_a_notice_on_stderr(tmp_path, folder):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "index")
    for segment in _index_folder(home).glob("*.seg"):
        with segment.open("r+b") as handle:
            handle.truncate(100)
    result = run(home, "--digests", str(folder), "search", "alpha", check=False)
    assert result.returncode == 0, result.stderr
    assert "reader: the index was damaged" in result.stderr
    assert "Alpha Paper" in result.stdout


def test_a_damaged_index_is_moved_aside_not_deleted(tmp_path, folder):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "index")
    whoosh = _index_folder(home)
    for toc in whoosh.glob("*.toc"):
        toc.write_bytes(b"garbage")
    result = run(home, "--digests", str(folder), "search", "alpha")
    [aside] = list(whoosh.parent.glob("whoosh.damaged-*"))
    assert str(aside) in result.stderr
    assert any(path.read_bytes() == b"garbage" for path in aside.glob("*.toc"))


# -- damaged state -----------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_state_file_is_moved_aside_and_the_cli_carries_on(tmp_path, folder, damage):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "mark", "star", paper_id(home, folder, "alpha"))
    db = home / "data" / "state.sqlite3"
    if damage == "garbage":
        db.write_bytes(b"my thesis, not a database\n" * 200)
    else:
        with StateStore(db) as store:  # make it big enough that half of it is real damage
            store.set_read([f"filler-{i}" for i in range(5000)], True)
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2] + b"\xff" * 4096)
    damaged = db.read_bytes()

    result = run(home, "--digests", str(folder), "stats", "--json")
    [moved] = list(db.parent.glob("state.sqlite3.corrupt-*[0-9]"))
    assert moved.read_bytes() == damaged  # never deleted, never overwritten
    assert f"reader: the state file {db} was damaged" in result.stderr
    assert f"moved to {moved}" in result.stderr
    assert stats(result)["starred"] == 0 and stats(result)["read"] == 0  # carries on with empty state
    again = run(home, "--digests", str(folder), "mark", "star", paper_id(home, folder, "beta"))
    assert again.stdout.strip() == "starred 1 paper" and "damaged" not in again.stderr
    assert len(list(db.parent.glob("state.sqlite3.corrupt-*[0-9]"))) == 1


def test_a_busy_state_file_is_an_error_and_is_never_moved(tmp_path, monkeypatch):
    data = tmp_path / "data"
    store, _ = open_state(data, "default")
    store.set_read(["a"], True)
    store.close()
    holder = sqlite3.connect(state_path(data, "default"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another copy in the middle of a long write
    monkeypatch.setattr(StateStore, "busy_timeout", 0.2)
    try:
        # Opening needs no write lock (the marks can be read); the first change waits, then fails.
        busy, _ = open_state(data, "default")
        with pytest.raises(StateError, match="locked") as caught:
            busy.set_starred(["b"], True)
        assert not caught.value.corrupt
        assert busy.read_ids() == {"a"}
        busy.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not list(data.glob("*corrupt*"))
    store, notices = open_state(data, "default")
    assert store.read_ids() == {"a"} and notices == []
    store.close()


def test_a_state_file_from_a_newer_version_is_never_moved(tmp_path):
    data = tmp_path / "data"
    open_state(data, "default")[0].close()
    with sqlite3.connect(state_path(data, "default")) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StateError, match="newer"):
        open_state(data, "default")
    assert not list(data.glob("*corrupt*"))


# -- backups -----------------------------------------------------------------------------


def test_backups_are_daily_only_with_marks_and_the_last_seven_are_kept(tmp_path):
    data = tmp_path / "data"
    day = datetime(2026, 3, 1, 9, 0)
    store, notices = open_state(data, "default", now=day)
    store.close()
    assert notices == [] and backup.list_backups(data, "default") == []  # nothing to keep yet
    for n in range(10):
        store, notices = open_state(data, "default", now=day + timedelta(days=n))
        store.set_starred([f"p{n}"], True)
        store.close()
        store, _ = open_state(data, "default", now=day + timedelta(days=n, hours=5))  # same day: no second
        store.close()
        assert notices == []
    backups = backup.list_backups(data, "default")
    assert [b.label for b in backups] == [f"2026-03-{d:02d}" for d in range(4, 11)]
    # Each is the state at the first opening of its day: one star fewer than that day ends with.
    assert [b.starred for b in backups] == list(range(3, 10))
    folder = data / "backups" / "default"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(b.path.stat().st_mode) == 0o600 for b in backups)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_restore_lists_restores_and_can_be_taken_back(tmp_path, folder):
    home = tmp_path / "home"
    digests = ("--digests", str(folder))
    alpha, beta = paper_id(home, folder, "alpha"), paper_id(home, folder, "beta")
    assert "no backups yet" in run(home, *digests, "restore").stdout
    run(home, *digests, "mark", "star", alpha)
    run(home, *digests, "mark", "read", beta)  # today's backup is made here, before this mark
    listing = run(home, *digests, "restore").stdout
    [today] = re.findall(r"state-(\d{4}-\d{2}-\d{2})\.sqlite3", listing)
    assert f"  {today} " in listing and "0 read" in listing and "1 starred" in listing and "KiB" in listing

    result = run(home, *digests, "restore", today)
    assert f"state-{today}.sqlite3: now 0 read, 1 starred" in result.stdout
    assert "before-restore" in result.stdout
    assert stats(run(home, *digests, "stats", "--json"))["read"] == 0

    take_back = result.stdout.strip().splitlines()[-1].split("reader ", 1)[1].split()
    assert take_back[0] == "restore"
    run(home, *digests, *take_back)
    assert stats(run(home, *digests, "stats", "--json"))["read"] == 1


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(tmp_path, folder):
    home = tmp_path / "home"
    digests = ("--digests", str(folder))
    run(home, *digests, "mark", "star", paper_id(home, folder, "alpha"))
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    result = run(home, *digests, "restore", str(garbage), check=False)
    assert result.returncode == 2 and result.stderr.startswith("reader: not restored:")
    assert len(result.stderr.strip().splitlines()) == 1
    missing = run(home, *digests, "restore", "1999-01-01", check=False)
    assert missing.returncode == 2 and "no backup from 1999-01-01" in missing.stderr
    assert stats(run(home, *digests, "stats", "--json"))["starred"] == 1


def test_restore_reaches_a_copy_that_has_the_database_open(tmp_path):
    data = tmp_path / "data"
    first, _ = open_state(data, "default", now=datetime(2026, 3, 1))
    first.set_starred(["kept"], True)
    first.close()
    running, _ = open_state(data, "default", now=datetime(2026, 3, 2))  # makes the 03-02 backup
    running.set_starred(["later"], True)
    other, _ = open_state(data, "default", now=datetime(2026, 3, 2))
    version = running.version()
    result = backup.restore_backup(other, data, "default", "2026-03-02", now=datetime(2026, 3, 2, 12))
    assert result.starred == 1 and result.before.exists()
    assert running.version() != version and running.starred_ids() == {"kept"}
    running.set_read(["x"], True)  # the running copy keeps working on the restored file
    assert other.read_ids() == {"x"}
    with sqlite3.connect(state_path(data, "default")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    running.close()
    other.close()


# -- private by default ------------------------------------------------------------------


def test_data_dir_is_0700_and_state_0600_from_a_fresh_start(tmp_path, folder):
    home = tmp_path / "home"
    old = os.umask(0o022)
    try:
        run(home, "--digests", str(folder), "mark", "star", paper_id(home, folder, "alpha"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((home / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "data" / "state.sqlite3").stat().st_mode) == 0o600


def test_add_creates_a_private_data_dir(tmp_path, folder):
    home = tmp_path / "home"
    run(home, "add", str(folder / "2026-01-01.txt"))
    assert stat.S_IMODE((home / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "data" / "digests").stat().st_mode) == 0o700
