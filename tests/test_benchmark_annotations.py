"""Smoke test of `benchmarks/annotations.py`: it runs from a checkout and reports every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "annotations.py"


def test_the_tags_and_notes_benchmark_runs_on_a_small_library(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--papers", "300", "--tagged", "60", "--notes", "20", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    for name in ("load_snapshot", "words_with_notes", "tag_chosen_no_words", "tag_filter_typed", "note_filter"):
        assert figures[name]["p95_ms"] >= 0 and figures[name]["queries"] > 0
    assert figures["note_only_word_hits"] == 1  # one note in 50 carries the word no abstract has
