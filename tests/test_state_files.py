"""The state file as a user meets it on disk: restoring a hostile file, a read-only file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from reader.state.store import StateStore, state_path

from support.app import FIXTURES, SIZE, make_app, ready, settle, wait_until
from support.cli import paper_id, run, stats


def messages(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def objects(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchall()


def test_restore_takes_marks_but_never_a_files_triggers(tmp_path, folder):
    home = tmp_path / "home"
    digests = ("--digests", str(folder))
    alpha, beta = paper_id(home, folder, "alpha"), paper_id(home, folder, "beta")
    run(home, *digests, "mark", "star", alpha)
    run(home, *digests, "mark", "star", beta)
    hostile = tmp_path / "hostile.sqlite3"
    with sqlite3.connect(state_path(home / "data", "default")) as live, sqlite3.connect(hostile) as copy:
        live.backup(copy)
    with sqlite3.connect(hostile) as conn:
        conn.execute("CREATE TRIGGER wipe AFTER INSERT ON marks BEGIN DELETE FROM marks; END")
        conn.execute("CREATE TRIGGER wipe_on_update AFTER UPDATE ON marks BEGIN DELETE FROM marks; END")
        conn.execute("CREATE VIEW everything AS SELECT * FROM marks")
    conn.close()

    result = run(home, *digests, "restore", str(hostile))
    assert "now 0 read, 2 starred" in result.stdout
    assert "trigger wipe" in result.stdout and "view everything" in result.stdout  # said, not taken
    assert objects(state_path(home / "data", "default")) == []
    gamma = paper_id(home, folder, "shared")
    run(home, *digests, "mark", "read", gamma)  # fired the trigger with the old restore
    run(home, *digests, "mark", "unstar", beta)
    after = stats(run(home, *digests, "stats", "--json"))
    assert (after["read"], after["starred"]) == (1, 1)


def test_a_read_only_state_file_is_respected_and_said_in_the_cli(tmp_path, folder):
    home = tmp_path / "home"
    digests = ("--digests", str(folder))
    alpha, beta = paper_id(home, folder, "alpha"), paper_id(home, folder, "beta")
    run(home, *digests, "mark", "star", alpha)
    path = state_path(home / "data", "default")
    path.chmod(0o444)  # the user's wish; root (as in CI) could still write it, so the mode decides
    before = path.read_bytes()

    listed = run(home, *digests, "stats", "--json")
    assert stats(listed)["starred"] == 1 and "read-only" in listed.stderr
    refused = run(home, *digests, "mark", "star", beta, check=False)
    assert refused.returncode == 2 and "marks cannot be changed" in refused.stderr and "read-only" in refused.stderr
    assert run(home, *digests, "undo", check=False).returncode == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert path.read_bytes() == before
    path.chmod(0o600)
    assert stats(run(home, *digests, "stats", "--json"))["starred"] == 1


async def test_a_read_only_state_file_is_said_in_the_app_and_a_mark_is_refused(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("READER_HOME", str(home))
    digests = tmp_path / "digests"
    shutil.copytree(FIXTURES, digests)
    with StateStore(state_path(home / "data", "default")) as state:
        state.set_read(["not-a-paper"], True)
    path = state_path(home / "data", "default")
    path.chmod(0o444)
    async with make_app(digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        assert "read-only" in messages(pilot.app)
        paper = screen.paper_list.highlighted
        await pilot.press("s")
        await wait_until(pilot, lambda: "marks cannot be changed" in messages(pilot.app), timeout=5)
        await settle(pilot)
        assert paper not in screen.marks.starred
        await pilot.press("q")
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM marks WHERE starred = 1").fetchone()[0] == 0


def test_the_cli_says_when_it_waits_for_another_reader_then_marks(tmp_path, folder):
    home = tmp_path / "home"
    digests = ("--digests", str(folder))
    alpha, beta = paper_id(home, folder, "alpha"), paper_id(home, folder, "beta")
    run(home, *digests, "mark", "star", alpha)
    other = sqlite3.connect(state_path(home / "data", "default"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another copy in the middle of a write
    env = {**os.environ, "READER_HOME": str(home)}
    command = [sys.executable, "-m", "reader", *digests, "mark", "star", beta]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            said = process.stderr.readline()  # the first thing it says, while the lock is held
        finally:
            other.execute("ROLLBACK")
            other.close()
        out, _ = process.communicate(timeout=60)
    assert "waiting for another reader to release the state file" in said
    assert process.returncode == 0
    result = subprocess.CompletedProcess(command, 0, out, said)
    assert "starred 1 paper" in result.stdout
    assert stats(run(home, *digests, "stats", "--json"))["starred"] == 2
