"""Smoke test of the benchmark: `benchmarks/run.py --papers 300` runs and writes every figure.

The benchmark itself (10,000 papers and more) is not part of the test command; this only
checks that it still works from a checkout, quickly, with fewer queries.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("benchmark_smoke")]  # one run of the benchmark
REPO_ROOT = Path(__file__).resolve().parent.parent
RUN = REPO_ROOT / "benchmarks" / "run.py"
PAPERS = 300
QUERIES = 20
KINDS = ("one_word", "two_words", "phrase", "prefix", "filter")
HEADLINE_KEYS = (
    "papers",
    "build_papers_per_s",
    "add_digest_s",
    "first_paint_s",
    "rss_mb",
    "view_switch_ms",
    "star_toggle_ms",
)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results.json"
    env = {**os.environ, "READER_HOME": str(tmp / "home")}
    command = [
        sys.executable, str(RUN), "--papers", str(PAPERS), "--queries", str(QUERIES), "--paint-runs", "1",
        "--out", str(out), "--workdir", str(tmp / "work"),
    ]
    done = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True, timeout=600)  # a hang
    assert done.returncode == 0, done.stderr[-3000:]
    assert "search p50 / p95 ms" in done.stdout  # the human table
    assert not (tmp / "work" / "corpus").exists(), "the working files were not cleaned up"
    return json.loads(out.read_text(encoding="utf-8")) | {"stdout": done.stdout}


@pytest.fixture(scope="module")
def table(results: dict) -> str:
    return results["stdout"]


def test_headline_figures_are_numbers(results: dict) -> None:
    missing = [key for key in HEADLINE_KEYS if not is_number(results.get(key))]
    assert not missing, f"not numeric: {missing}; notes: {results.get('notes')}"
    assert results["papers"] == PAPERS
    assert results["build_papers_per_s"] > 0
    assert results["add_digest_papers"] == 100  # the added digest's papers were all indexed


@pytest.mark.parametrize("engine", ["reader", "fts5", "grep"])
def test_search_figures_for_every_kind(results: dict, engine: str) -> None:
    figures = results["search"] if engine == "reader" else results["search"][engine]
    for kind in KINDS:
        kind_figures = figures[kind]
        assert is_number(kind_figures["p50_ms"]) and is_number(kind_figures["p95_ms"]), (engine, kind)
        assert kind_figures["p50_ms"] <= kind_figures["p95_ms"], (engine, kind)
        assert kind_figures["queries"] == QUERIES, (engine, kind)


def test_queries_find_papers(results: dict) -> None:
    # The queries come from the seed vocabulary: most must hit even a 300-paper corpus.
    search = results["search"]
    assert search["one_word"]["with_hits"] >= 0.9
    assert search["prefix"]["with_hits"] == 1.0
    # FTS5 gets the same query meaning, so about the same share of queries finds something
    # (the two stemmers differ a little).
    for kind in KINDS:
        assert abs(search[kind]["with_hits"] - search["fts5"][kind]["with_hits"]) <= 0.1, kind


def test_marks_are_set_for_the_filters(results: dict) -> None:
    # Every third paper read, every fortieth starred: `is:unread` and `is:starred` filter real sets.
    assert results["marks"] == {"read": 100, "starred": 8}
    assert results["search"]["filter"]["with_hits"] > 0.5


def test_machine_and_command_are_recorded(results: dict) -> None:
    assert results["machine"]["cpus"] >= 1
    assert results["machine"]["python"]
    assert results["command"].startswith("python benchmarks/run.py --papers 300")


IN_APP_KEYS = ("j", "k", "s", "r", "x", "u")
BLOCKS = ("open", "session", "view_switch", "star_toggle", "typed_search", "cursor_move", "scroll_to_end",
          *(f"key_{key}" for key in IN_APP_KEYS), "hold_j", "hold_x")


def has_percentiles(figures: object) -> bool:
    return isinstance(figures, dict) and all(is_number(figures.get(name)) for name in ("p50_ms", "p95_ms", "max_ms"))


def test_every_key_is_timed_in_the_app(results: dict) -> None:
    notes = results["first_paint"].get("notes")
    for key in IN_APP_KEYS:
        assert has_percentiles(results["keys_ui"][key]), (key, notes)
    for name in ("typed_search_ui", "cursor_move_ui", "scroll_to_end_ui"):
        assert has_percentiles(results[name]), (name, notes)
    assert has_percentiles(results["view_switch"]["ui"]) and has_percentiles(results["star_toggle"]["ui"])
    missing = [name for name in BLOCKS if not has_percentiles(results["ui_block_ms"][name])]
    assert not missing, (missing, notes)


def test_held_keys_are_followed_to_the_last(results: dict) -> None:
    for key in ("j", "x"):
        held = results["hold_key_ui"][key]
        assert held is not None, (key, results["first_paint"].get("notes"))
        assert held["keys"] == 150 and held["keys_per_s"] == 30
        assert held["lag"]["queries"] == 150  # every key was seen drawn
        assert has_percentiles(held["lag"]) and has_percentiles(held["last_key_to_row"])


@pytest.mark.skipif(shutil.which("tmux") is None, reason="the terminal figures need tmux")
def test_terminal_figures(results: dict) -> None:
    terminal = results["terminal"]
    assert not terminal.get("notes"), terminal.get("notes")
    assert has_percentiles(terminal["floor"]["echo"])
    for program, keys in (("less", ("j",)), ("minimal_app", ("j",)), ("seeds", ("j", "k", "s", "x")),
                          ("corpus", ("j", "k", "s", "x"))):
        for key in keys:
            assert has_percentiles(terminal[program][key]), (program, key)
    for program in ("seeds", "corpus"):
        assert has_percentiles(terminal[program]["j_settled"]) and "x_mark" in terminal[program]
        held = terminal[program]["hold_j"]
        assert held["keys"] == 150 and is_number(held["last_key_to_row_ms"]) and has_percentiles(held["lag"])


def test_the_table_shows_the_app_figures(results: dict, table: str) -> None:
    for label in ("key x", "hold j 30/s", "longest UI-thread block", "tmux, key to pane changed"):
        assert label in table, label
