"""`reader marks export/import/sync` and the sync file, as a user runs them: two READER_HOMEs
(two machines) sharing one sync file through config.toml."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support.cli import paper_id, run


class Machine:
    def __init__(self, home: Path, folder: Path, sync: Path) -> None:
        self.home, self.folder = home, folder
        (home / "config").mkdir(parents=True)
        (home / "config" / "config.toml").write_text(f'sync_file = "{sync}"\n', encoding="utf-8")

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return run(self.home, "--digests", str(self.folder), *args, check=check)

    def start(self, *args: str) -> subprocess.Popen:
        env = {**os.environ, "READER_HOME": str(self.home)}
        command = [sys.executable, "-m", "reader", "--digests", str(self.folder), *args]
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def exported(self, path: Path) -> bytes:
        self("marks", "export", str(path))
        return path.read_bytes()

    def marks(self) -> tuple[set[str], set[str]]:
        papers = json.loads(self("search", "Paper", "--json").stdout)
        return {p["id"] for p in papers if p["read"]}, {p["id"] for p in papers if p["starred"]}


@pytest.fixture
def sync(tmp_path) -> Path:
    (tmp_path / "Sync").mkdir()
    return tmp_path / "Sync" / "reader-marks.jsonl"


@pytest.fixture
def two(tmp_path, folder, sync) -> tuple[Machine, Machine, dict[str, str]]:
    a, b = Machine(tmp_path / "a", folder, sync), Machine(tmp_path / "b", folder, sync)
    ids = {name: paper_id(a.home, folder, f'title:"{name} Paper"') for name in ("Alpha", "Beta", "Shared")}
    return a, b, ids


def test_marks_made_alternately_and_at_once_on_two_machines_end_the_same_on_both(two, tmp_path):
    a, b, ids = two
    a("mark", "read", ids["Alpha"])  # each command that changes marks syncs at its end
    pulled = b("mark", "star", ids["Beta"])
    assert "from the sync file" in pulled.stderr and "1 paper marked read" in pulled.stderr
    assert a("marks", "sync").stdout.strip().endswith("1 paper starred; already up to date")
    at_once = [a.start("mark", "read", ids["Beta"]), b.start("mark", "star", ids["Shared"])]
    for process in at_once:
        assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    a("marks", "sync")
    b("marks", "sync")
    expected = ({ids["Alpha"], ids["Beta"]}, {ids["Beta"], ids["Shared"]})
    assert a.marks() == b.marks() == expected
    assert a.exported(tmp_path / "a.jsonl") == b.exported(tmp_path / "b.jsonl")


def test_an_unstar_on_one_machine_unstars_on_the_other(two):
    a, b, ids = two
    a("mark", "star", ids["Alpha"])
    b("marks", "sync")
    assert b.marks()[1] == {ids["Alpha"]}
    b("mark", "unstar", ids["Alpha"])
    assert "1 paper unstarred" in a("marks", "sync").stdout
    assert a.marks()[1] == set()


def test_an_import_prints_what_changed_and_one_undo_takes_it_back(two, tmp_path):
    a, b, ids = two
    b("mark", "read", ids["Alpha"], ids["Beta"])
    b("mark", "star", ids["Shared"])
    b("marks", "export", str(tmp_path / "from-b.jsonl"))
    (a.home / "config" / "config.toml").unlink()  # no sync file: the import alone
    imported = a("marks", "import", str(tmp_path / "from-b.jsonl"))
    assert "2 papers marked read, 1 paper starred" in imported.stdout
    assert a.marks() == ({ids["Alpha"], ids["Beta"]}, {ids["Shared"]})
    assert "undid: import marks from from-b.jsonl" in a("undo").stdout
    assert a.marks() == (set(), set())


HOSTILE_LINE = '{"kind":"tag","paper":"p","tag":"\\u001b[31mred","value":true,"at":"2026-12-03T01:02:03.000000Z"}\n'


@pytest.mark.parametrize("content", ["truncated", "hostile"])
def test_a_truncated_or_hostile_file_is_refused_in_one_line_and_nothing_is_lost(two, tmp_path, sync, content):
    a, b, ids = two
    a("mark", "star", ids["Alpha"])
    before = a.exported(tmp_path / "before.jsonl")
    bad = sync.read_bytes()[:-7] if content == "truncated" else (
        b'{"format":"reader-marks","version":1}\n' + HOSTILE_LINE.encode()
    )
    (tmp_path / "bad.jsonl").write_bytes(bad)
    refused = a("marks", "import", str(tmp_path / "bad.jsonl"), check=False)
    assert refused.returncode == 2 and refused.stdout == ""
    [line] = refused.stderr.splitlines()
    where = ":2: the last line is cut short" if content == "truncated" else ":2: "
    assert line.startswith(f"reader: {tmp_path / 'bad.jsonl'}{where}") and "nothing was changed" in line
    assert "\x1b" not in refused.stderr
    # The same file as the sync file: the mark is saved, the sync refused and the file kept as it was.
    sync.write_bytes(bad)
    marked = a("mark", "read", ids["Beta"])
    assert "read 1 paper" in marked.stdout and "warning: marks not synced" in marked.stderr
    assert sync.read_bytes() == bad
    assert a.marks() == ({ids["Beta"]}, {ids["Alpha"]})
    assert a.exported(tmp_path / "after.jsonl").replace(b"\n", b"").count(b'"kind"') == before.count(b'"kind"') + 1


_KILLED_MID_EXPORT = """
import sys, time
from pathlib import Path
import reader.system.files as files
from reader.state.store import StateStore

def stop(fd):  # the new file is written but not yet renamed over the old one
    print("ready", flush=True)
    time.sleep(120)

files.os.fsync = stop
with StateStore(Path(sys.argv[1])) as store:
    store.set_read([f"new-{n}" for n in range(5000)], True)
    store.sync_marks(Path(sys.argv[2]))
"""


def test_kill_9_during_an_export_leaves_the_old_sync_file_whole(two, tmp_path, sync):
    a, b, ids = two
    a("mark", "read", ids["Alpha"])
    old = sync.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_EXPORT, str(tmp_path / "other.sqlite3"), str(sync)],
        stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert sync.read_bytes() == old
    assert "1 paper marked read" in b("marks", "sync").stdout  # still a whole marks file


def test_each_profile_syncs_through_a_file_of_its_own(two, sync):
    a, b, ids = two
    a("mark", "star", ids["Alpha"], "--profile", "work")
    assert not sync.exists()
    assert ids["Alpha"] in sync.with_name("reader-marks.work.jsonl").read_text(encoding="utf-8")
    assert "1 paper starred" in b("marks", "sync", "--profile", "work").stdout
    assert b.marks() == (set(), set())  # the default profile is not touched


def test_the_default_config_shows_the_sync_file_and_a_bad_one_is_explained(home):
    assert '# sync_file = "~/Sync/reader-marks.jsonl"' in run(home, "config", "--default").stdout
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text('sync_file = "relative.jsonl"\n', encoding="utf-8")
    checked = run(home, "config", "--check", check=False)
    assert checked.returncode == 1 and "config.toml:1: sync_file must be an absolute path" in checked.stdout
    refused = run(home, "marks", "sync", check=False)
    assert refused.returncode == 2 and "no sync file" in refused.stderr
