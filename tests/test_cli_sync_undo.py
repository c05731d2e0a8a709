"""`reader undo` after commands that synced takes back the user's own last change, never the
other machine's marks the end-of-command sync merged in; an export leaves out, and says so,
a record no other machine would take."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from support.cli import paper_id, run


def _with_sync(home: Path, sync: Path) -> Path:
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text(f'sync_file = "{sync}"\n', encoding="utf-8")
    return home


def _starred(home: Path, folder: Path) -> set[str]:
    papers = json.loads(run(home, "--digests", str(folder), "search", "Paper", "--json").stdout)
    return {p["id"] for p in papers if p["starred"]}


def test_reader_undo_after_a_sync_takes_back_the_users_own_star(tmp_path, folder):
    (tmp_path / "Sync").mkdir()
    sync = tmp_path / "Sync" / "reader-marks.jsonl"
    a, b = _with_sync(tmp_path / "a", sync), _with_sync(tmp_path / "b", sync)
    alpha, beta = (paper_id(a, folder, f'title:"{name} Paper"') for name in ("Alpha", "Beta"))
    run(a, "--digests", str(folder), "mark", "star", alpha)
    run(b, "--digests", str(folder), "mark", "star", beta)  # its end-of-command sync merges a's star
    assert _starred(b, folder) == {alpha, beta}
    run(b, "--digests", str(folder), "marks", "sync")
    undone = run(b, "--digests", str(folder), "undo")
    assert "sync" not in undone.stdout
    assert _starred(b, folder) == {alpha}
    assert "nothing to undo" in run(b, "--digests", str(folder), "undo").stdout


def test_an_export_says_how_many_records_it_left_out(tmp_path, folder):
    home = tmp_path / "home"
    alpha = paper_id(home, folder, 'title:"Alpha Paper"')
    run(home, "--digests", str(folder), "mark", "read", alpha)
    state = next((home / "data").rglob("*.sqlite3"))
    with sqlite3.connect(state) as db:  # a view saved before the query rule existed
        db.execute("INSERT INTO saved_views VALUES ('old', ?, 'all', '2026-01-01T00:00:00+00:00')", ("q" * 10_001,))
    exported = run(home, "--digests", str(folder), "marks", "export", str(tmp_path / "out.jsonl"))
    assert "wrote 1 record to" in exported.stdout
    assert "left out 1 record no reader would take" in exported.stderr
