"""Two copies at once: marks from both survive; indexing in one never breaks the other."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reader.state.store import StateStore, state_path

ROOT = Path(__file__).resolve().parents[1]
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
MARKS = int(os.environ.get("READER_TEST_MARKS", 100 if CI else 500))
pytestmark = pytest.mark.slow  # real processes racing each other
ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."

# One copy of the app: opens the state the way the CLI and the TUI do, then stars papers
# one action at a time, as a user pressing `s` would.
_COPY = """
import sys, time
from pathlib import Path
from reader.state.store import open_state
data, prefix, count, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
while time.time() < start:
    time.sleep(0.001)
store, notices = open_state(data, "default")
done = sum(store.set_starred([f"{prefix}{i:04d}"], True) for i in range(count))
store.close()
print(done, notices)
"""


def test_two_copies_starring_at_once_keep_every_mark(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = str(time.time() + 1.0)
    copies = [
        subprocess.Popen(
            [sys.executable, "-c", _COPY, str(data), prefix, str(MARKS), start],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for prefix in ("first-", "second-")
    ]
    for copy in copies:
        out, err = copy.communicate(timeout=300)
        assert copy.returncode == 0, err
        assert out.strip() == f"{MARKS} []"
    db = state_path(data, "default")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with StateStore(db) as store:
        expected = {f"{prefix}{i:04d}" for prefix in ("first-", "second-") for i in range(MARKS)}
        assert store.starred_ids() == expected


def run(home: Path, *args: str, timeout: float = 120) -> subprocess.Popen:
    env = {**os.environ, "READER_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "reader", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def write_digest(path: Path, date_line: str, titles: list[str]) -> None:
    path.write_text(f"{date_line}\n\n" + "".join(f"{t}\n\n{ABSTRACT}\n\n" for t in titles), encoding="utf-8")


def test_two_copies_indexing_the_same_new_folder_at_once(tmp_path):
    folder = tmp_path / "digests"
    folder.mkdir()
    write_digest(folder / "2026-01-01.txt", "Jan 1", ["Alpha Paper"] + [f"Filler Paper {n}" for n in range(1500)])
    home = tmp_path / "home"
    copies = [run(home, "--digests", str(folder), "search", "alpha", "--json") for _ in range(2)]
    for copy in copies:
        out, err = copy.communicate(timeout=120)
        # exit 1 is "no hits", as grep: only for a copy that read an index still empty
        assert copy.returncode == 0 or (copy.returncode == 1 and "read-only" in err), err
        assert "Traceback" not in err and "LockError" not in err, err
        titles = [hit["title"] for hit in json.loads(out)]
        # The copy that indexed finds the paper; one that went read-only may see an empty index.
        assert titles == ["Alpha Paper"] or "read-only" in err, (titles, err)
    final = run(home, "--digests", str(folder), "stats", "--json")
    out, err = final.communicate(timeout=120)
    assert json.loads(out)["papers"] == 1501, err


# A copy paused in the middle of indexing (the real sync, stopped where it holds the index
# write lock and the catalog transaction) until told to go on.
_INDEXING = """
import sys
from pathlib import Path
from reader import paths
import reader.library.sync as sync
from reader.library.library import Library
sources = [Path(sys.argv[1])]
library = Library(sources, paths.index_dir(paths.user_dirs(), sources))
real = sync.record_changes
def paused(*args):
    print("indexing", flush=True)
    sys.stdin.readline()
    return real(*args)
sync.record_changes = paused
report = library.sync()
library.close()
print(report.parsed, flush=True)
"""


@pytest.mark.parametrize("before", ["indexed once", "nothing indexed yet"])
def test_a_second_copy_searches_read_only_while_the_first_indexes(tmp_path, before):
    folder = tmp_path / "digests"
    folder.mkdir()
    home = tmp_path / "home"
    write_digest(folder / "2026-01-01.txt", "Jan 1", ["Alpha Paper"])
    if before == "indexed once":
        first = run(home, "--digests", str(folder), "index")
        assert first.communicate(timeout=120)[0]
    write_digest(folder / "2026-01-02.txt", "Jan 2", ["Gamma Paper"])
    env = {**os.environ, "READER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    indexing = subprocess.Popen(
        [sys.executable, "-c", _INDEXING, str(folder)], env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert indexing.stdout.readline().strip() == "indexing"
        second = run(home, "--digests", str(folder), "search", "alpha OR gamma")
        try:
            out, err = second.communicate(timeout=5)  # answers at once; never waits for the lock
        except subprocess.TimeoutExpired:
            second.kill()
            second.communicate()
            raise AssertionError("the second copy waited for the first one's lock") from None
        # 1 when nothing was found, as grep: with nothing indexed yet, Alpha is not there either
        assert second.returncode == (0 if before == "indexed once" else 1) and "Traceback" not in err, err
        assert "read-only" in err
        assert "Gamma Paper" not in out  # only the last committed index is searched
        assert ("Alpha Paper" in out) == (before == "indexed once")
    finally:
        out, err = indexing.communicate("\n", timeout=60)
    assert indexing.returncode == 0, err
    assert "Gamma Paper" in run(home, "--digests", str(folder), "search", "gamma").communicate(timeout=120)[0]
