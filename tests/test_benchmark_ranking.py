"""Smoke test of the ranking evaluation: `python -m benchmarks.ranking` runs from a checkout,
prints its table and writes its figures, and For you beats both baselines (a few draws only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_the_ranking_evaluation_runs_and_for_you_beats_both_baselines(tmp_path):
    out = tmp_path / "ranking.json"
    env = {**os.environ, "READER_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.ranking", "--draws", "2", "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "| k starred | for you P@10 | random P@10 | newest first P@10 |" in result.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["draws"] == 2 and figures["papers"] == 383
    for k in ("3", "5", "10"):
        methods = figures["k"][k]
        for measure in ("precision", "ndcg"):
            assert methods["for you"][measure] > max(methods["random"][measure], methods["newest first"][measure])
