"""The state file as a user meets it on disk: restoring a hostile file, a read-only file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_reliability import folder, paper_id, run, stats  # noqa: F401  (fixtures used by name)

from reader.core.state import state_path


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
