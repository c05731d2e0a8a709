"""Crash safety: `reader mark` killed with SIGKILL at random moments never loses a mark it
reported as done, and never leaves a damaged database behind."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import time

import pytest
from reader.domain.text import paper_id
from reader.state import backup
from reader.state.store import StateStore, state_path

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
KILLS = int(os.environ.get("READER_TEST_KILLS", 40 if CI else 200))
ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")]


def test_sigkill_never_loses_a_reported_mark(tmp_path):
    seed = int(os.environ.get("READER_TEST_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    titles = [f"Crash Paper Number {n}" for n in range(KILLS * 3 + 10)]
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "2026-02-01.txt").write_text(
        "Feb 1\n\n" + "".join(f"{title}\n\n{ABSTRACT}\n\n" for title in titles), encoding="utf-8"
    )
    home = tmp_path / "home"
    env = {**os.environ, "READER_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "reader", "--digests", str(folder), "mark", "star"]
    ids = [paper_id(title) for title in titles]

    subprocess.run([*command[:-2], "index"], env=env, check=True, capture_output=True, timeout=120)
    started = time.perf_counter()
    done = subprocess.run([*command, ids[0]], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "starred 1 paper", done.stderr
    # How long a run takes, from the last runs that finished: the machine's speed changes
    # while the test runs (other tests run beside it), and the kills must stay inside runs.
    durations = [time.perf_counter() - started]

    reported = {ids[0]}
    attempted = {ids[0]}
    killed = killed_after_report = attempts = 0
    while killed < KILLS:
        attempts += 1
        assert attempts < len(ids), "too few kills landed; the machine may be very slow"
        pid = ids[attempts]
        attempted.add(pid)
        typical = statistics.median(durations[-5:])
        started = time.perf_counter()
        process = subprocess.Popen(
            [*command, pid], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        # Half the kills anywhere in the run, half near its end, where the write happens.
        delay = typical * (rng.uniform(0.0, 1.1) if rng.random() < 0.5 else rng.uniform(0.6, 1.05))
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed += 1
            out, err = process.communicate(timeout=30)
            if "starred 1 paper" in out:
                reported.add(pid)
                killed_after_report += 1
            continue
        durations.append(time.perf_counter() - started)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0 and out.strip() == "starred 1 paper", (out, err)
        assert "Traceback" not in err and "damaged" not in err, err
        reported.add(pid)

    db = state_path(home / "data", "default")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with StateStore(db) as store:
        starred = store.starred_ids()
    lost = reported - starred
    assert not lost, f"seed {seed}: {len(lost)} reported marks lost"
    assert starred <= attempted
    assert not list(db.parent.glob("*corrupt*")), "a healthy file was taken for a damaged one"
    assert all(info.problem is None for info in backup.list_backups(home / "data", "default"))
    print(
        f"\n{killed} kills (seed {seed}) in {attempts} runs; {killed_after_report} after the success line; "
        f"{len(reported)} marks reported, {len(starred)} present, none lost"
    )
