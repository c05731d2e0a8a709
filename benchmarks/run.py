#!/usr/bin/env python
"""Benchmark the reader at N papers and write the figures as JSON.

    python benchmarks/run.py --papers 10000 [--out results.json] [--workdir DIR] [--keep]

Phases, each measured on its own (see benchmarks/README.md for what every figure means):
index build from nothing and adding one digest (each in a fresh process), start to first
painted list (a fresh process running the real app headless), search latency per query kind
as the app does it, view switch, star toggle, and the same queries on SQLite FTS5 and
`grep -ril` as reference points.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.library.library import Library
    from reader.state.store import StateStore

REPO_ROOT = Path(__file__).resolve().parent.parent
# Runnable as a script from a fresh clone: `benchmarks` is not an installed package.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from reader import paths  # noqa: E402

from benchmarks import synthetic  # noqa: E402
from benchmarks.app_driver import (  # noqa: E402
    HELD_KEYS,
    HOLD_KEYS,
    HOLD_RATE_PER_S,
    PAINT_TIMEOUT_S,
    TIMED_KEYS,
    UI_FIGURES,
    child_app,
)
from benchmarks.figures import hits_summary, log, peak_rss_mb, summarize_ms  # noqa: E402
from benchmarks.machine import git_commit, machine_info, textual_max_fps, versions  # noqa: E402
from benchmarks.queries import KINDS, PER_KIND, QuerySets, query_sets  # noqa: E402
from benchmarks.references import measure_fts5, measure_grep  # noqa: E402
from benchmarks.report import app_table, summary_table  # noqa: E402

# What the paper list shows at once: rows on a typical terminal; their titles are fetched.
VISIBLE_ROWS = 40
# With a query each row is two lines (title, then the matching fragment of the abstract):
# the rows whose snippets the search worker computes, as the app does at 120x36.
SNIPPET_ROWS = VISIBLE_ROWS // 2
# The query kept active while switching views, to time the switch with facet counts on.
VIEW_SWITCH_QUERY = "learning"
PROFILE = "default"
# Deterministic marks: every READ_EVERY-th paper (in list order) is read, every
# STARRED_EVERY-th starred, so `is:unread` and `is:starred` filter real sets.
READ_EVERY = 3
STARRED_EVERY = 40
VIEW_SWITCH_ROUNDS = 20
STAR_TOGGLES = 50
GREP_QUERIES = 30


# -- the working folder -------------------------------------------------------------------


@dataclass(frozen=True)
class Workdir:
    """Everything one run writes, under one folder (READER_HOME is `home`)."""

    root: Path

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def incoming(self) -> Path:
        return self.root / "incoming"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def add_index(self) -> Path:
        return self.root / "add-index"

    @property
    def fts5_db(self) -> Path:
        return self.root / "fts5.sqlite3"

    def dirs(self) -> paths.UserDirs:
        return paths.UserDirs(self.home / "data", self.home / "cache", self.home / "config")

    def sources(self) -> list[Path]:
        return [self.corpus]

    def index_folder(self, sources: list[Path] | None = None) -> Path:
        return paths.index_dir(self.dirs(), sources or self.sources())

    def state_path(self) -> Path:
        from reader.state.store import state_path

        return state_path(self.dirs().data, PROFILE)

    def ours(self) -> list[Path]:
        return [self.corpus, self.incoming, self.home, self.add_index, self.fts5_db]

    def clear(self) -> None:
        for path in self.ours():
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def child_env(work: Workdir) -> dict[str, str]:
    return {**os.environ, "READER_HOME": str(work.home), "PYTHONPATH": str(REPO_ROOT)}


def run_child(work: Workdir, phase: str, *extra: str, timeout: float = 3600) -> dict:
    """Run one phase in a fresh interpreter (`--child PHASE`); returns its JSON line."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", phase, "--workdir", str(work.root), *extra]
    done = subprocess.run(command, env=child_env(work), capture_output=True, text=True, timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"phase {phase} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(lines[-1])


# -- corpus -------------------------------------------------------------------------------


def write_extra_digest(folder: Path, first_number: int, papers: int = 100) -> Path:
    """One more digest, dated the day after the corpus's newest, with papers not in it."""
    rng = random.Random(f"extra:{first_number}")
    day = synthetic.NEWEST + timedelta(days=1)
    batch = [synthetic.make_paper(number, rng) for number in range(first_number, first_number + papers)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day.isoformat()}.txt"
    path.write_text(synthetic.digest_text(day, batch), encoding="utf-8")
    return path


# -- phases run in a child process ---------------------------------------------------------


def child_build(work: Workdir) -> dict:
    """Index build from nothing: a fresh cache folder, one sync."""
    from reader.library.library import Library

    library = Library(work.sources(), work.index_folder())
    started = time.perf_counter()
    report = library.sync()
    seconds = time.perf_counter() - started
    papers = len(library.view().papers)
    library.close()
    return {"seconds": seconds, "papers": papers, "written": report.written, "peak_rss_mb": peak_rss_mb()}


def child_add(work: Workdir, papers: int) -> dict:
    """One new 100-paper digest into a copy of the built index (the original stays clean)."""
    from reader.library.library import Library

    shutil.copytree(work.index_folder(), work.add_index)
    write_extra_digest(work.incoming, first_number=papers)
    library = Library([work.corpus, work.incoming], work.add_index)
    started = time.perf_counter()
    report = library.sync()
    seconds = time.perf_counter() - started
    library.close()
    return {"seconds": seconds, "written": report.written, "parsed": report.parsed, "peak_rss_mb": peak_rss_mb()}


CHILD_PHASES = ("build", "add", "app", "app-seeds")


def run_child_phase(phase: str, work: Workdir, papers: int) -> dict:
    if phase == "build":
        return child_build(work)
    if phase == "add":
        return child_add(work, papers)
    if phase in ("app", "app-seeds"):
        sources = work.sources() if phase == "app" else [paths.seeds_dir()]
        result = child_app(work, sources, PROFILE, interact=phase == "app")
        return result if "error" in result else result | {"peak_rss_mb": peak_rss_mb()}
    raise ValueError(phase)


# -- measured in this process --------------------------------------------------------------


@dataclass
class Opened:
    """What the app holds while running: the library, the state and the marks."""

    library: Library
    state: StateStore
    read_ids: frozenset[str]
    starred_ids: frozenset[str]


def open_library(work: Workdir) -> Opened:
    from reader.library.library import Library
    from reader.state.store import StateStore

    library = Library(work.sources(), work.index_folder())
    report = library.sync()
    if report.changed:
        raise RuntimeError("the index was not up to date after the build phase")
    state = StateStore(work.state_path())
    return Opened(library, state, state.read_ids(), state.starred_ids())


def set_marks(work: Workdir) -> tuple[int, int]:
    """Mark a fixed share of papers read and starred, as a user with history would have."""
    from reader.library.library import Library
    from reader.state.store import StateStore

    library = Library(work.sources(), work.index_folder())
    order = library.view().order
    library.close()
    read = order[::READ_EVERY]
    starred = order[::STARRED_EVERY]
    with StateStore(work.state_path()) as state:
        state.set_read(read, True)
        state.set_starred(starred, True)
    return len(read), len(starred)


def time_app_query(opened: Opened, text: str, view_name: str = "all") -> tuple[float, int, float]:
    """Query text -> the rows the list shows, as the app's search worker does it: every hit
    (the list is virtual and shows the count), the snippets of the rows on screen, the titles
    with their match highlights. Then, as the worker does next, the facet counts (hits per
    view and per digest). Returns (seconds to the rows, hits, seconds to rows and counts)."""
    from reader.domain.views import View
    from reader.library.listing import count_facets, list_papers

    started = time.perf_counter()
    library_view = opened.library.view()
    listing = list_papers(
        opened.library, library_view, text, View(view_name), None, opened.read_ids, opened.starred_ids,
        rows_shown=SNIPPET_ROWS,
    )
    ids = listing.ids
    papers = library_view.papers
    shown = ids[:SNIPPET_ROWS] if listing.with_snippets else ids[:VISIBLE_ROWS]
    rows = [(papers[pid].title, listing.highlight.spans(papers[pid].title)) for pid in shown]
    elapsed = time.perf_counter() - started
    facets = count_facets(opened.library, library_view, listing, opened.read_ids, opened.starred_ids)
    with_counts = time.perf_counter() - started
    assert len(rows) == len(shown)
    assert not listing.with_snippets or (facets is not None and len(listing.snippets) == len(shown))
    return elapsed, len(ids), with_counts


def measure_search(opened: Opened, queries: QuerySets) -> tuple[dict, dict, float]:
    """Per kind p50/p95 (and share of queries with hits); prefix steps by length; first query."""
    first_search_s, _, _ = time_app_query(opened, "learning")  # opens the searcher: the app pays it once
    figures: dict[str, dict] = {}
    prefix_by_length: dict[int, list[float]] = {}
    for kind in KINDS:
        seconds, hits, with_counts = [], [], []
        for text in queries.by_kind[kind]:
            elapsed, found, counted = time_app_query(opened, text)
            seconds.append(elapsed)
            hits.append(found)
            with_counts.append(counted)
            if kind == "prefix":
                prefix_by_length.setdefault(len(text), []).append(elapsed)
        counts_p95 = summarize_ms(with_counts)["p95_ms"]
        figures[kind] = summarize_ms(seconds) | hits_summary(hits) | {"with_facet_counts_p95_ms": counts_p95}
        log(f"search {kind}: p50 {figures[kind]['p50_ms']} ms, p95 {figures[kind]['p95_ms']} ms; "
            f"with facet counts p95 {counts_p95} ms")
    by_length = {str(length): summarize_ms(values) for length, values in sorted(prefix_by_length.items())}
    return figures, by_length, first_search_s


def measure_view_switch(opened: Opened, query: str = "") -> dict:
    """All -> Unread -> Starred, round and round: refilter and the first page of rows (with
    `query` active: its facet counts and snippets too)."""
    seconds: dict[str, list[float]] = {name: [] for name in ("all", "unread", "starred")}
    for _ in range(VIEW_SWITCH_ROUNDS):
        for name in seconds:
            started = time.perf_counter()
            # The rows, then (with a query) the hit counts. The filter pane's counts are the
            # screen's cached tally: a view switch changes no mark, so nothing is recounted.
            time_app_query(opened, query, name)
            seconds[name].append(time.perf_counter() - started)
    every = [value for values in seconds.values() for value in values]
    return {"overall": summarize_ms(every)} | {name: summarize_ms(values) for name, values in seconds.items()}


def measure_star_toggle(opened: Opened) -> dict:
    """Star a paper, then unstar it: the work one toggle causes.

    On the UI thread the new mark shows at once (a new starred set, the filter counts
    brought up to date for the one paper that changed); on
    the state thread one transaction writes it and the starred set is read back.
    """
    from reader.domain.counts import retally, tally
    from reader.domain.marks import Marks

    view = opened.library.view()
    order = view.order
    counts = tally(view, Marks(opened.read_ids, opened.starred_ids))
    step = max(1, len(order) // STAR_TOGGLES)
    picked = [pid for pid in order[1::step] if pid not in opened.starred_ids][: STAR_TOGGLES // 2]
    total, ui_thread, write = [], [], []
    for pid in picked:
        for starred in (True, False):  # leaves the marks as they were
            started = time.perf_counter()
            old_marks = Marks(opened.read_ids, opened.starred_ids)
            marks = old_marks.with_starred([pid], starred)
            counts = retally(counts, view, old_marks, marks, [pid])  # as the screen recounts
            shown = time.perf_counter()
            opened.state.set_starred([pid], starred)
            opened.starred_ids = opened.state.starred_ids()
            done = time.perf_counter()
            total.append(done - started)
            ui_thread.append(shown - started)
            write.append(done - shown)
    return summarize_ms(total) | {
        "ui_thread_p95_ms": summarize_ms(ui_thread)["p95_ms"],
        "write_p95_ms": summarize_ms(write)["p95_ms"],
    }


# -- the app (child processes) -----------------------------------------------------------------

def measure_app(work: Workdir, phase: str, runs: int) -> dict:
    """Process start -> list painted (median of `runs` fresh processes); peak RSS; UI timings."""
    timings: list[float] = []
    rss: list[float] = []
    notes: list[str] = []
    ui: dict[str, list[float]] = {name: [] for name in UI_FIGURES}
    rows = 0
    marks = saved_marks(work)
    for _ in range(runs):
        reset_session(work, marks)  # each start shows the plain list with the same marks
        launched = time.monotonic()  # CLOCK_MONOTONIC: the same clock in the child
        try:
            result = run_child(work, phase, timeout=PAINT_TIMEOUT_S + 300)
        except (RuntimeError, subprocess.TimeoutExpired) as error:  # the rest of the run still counts
            result = {"error": str(error)[-1500:]}
        if "error" in result:
            return {"seconds": None, "rss_mb": None, "note": result["error"]}
        timings.append(result["painted_at"] - launched)
        rss.append(result["peak_rss_mb"])
        rows = result["rows"]
        notes.extend(note for note in result.get("notes", []) if note not in notes)
        for name in UI_FIGURES:
            ui[name].extend(result.get(name, []))
    reset_session(work, marks)
    figures = {
        "seconds": round(statistics.median(timings), 3),
        "runs": [round(value, 3) for value in timings],
        "rss_mb": max(rss),
        "rows": rows,
    } | ({"notes": notes} if notes else {})
    return figures | {name.removesuffix("_s"): summarize_ms(values) for name, values in ui.items() if values}


def saved_marks(work: Workdir) -> tuple[frozenset[str], frozenset[str]]:
    from reader.state.store import StateStore

    with StateStore(work.state_path()) as state:
        return state.read_ids(), state.starred_ids()


def reset_session(work: Workdir, marks: tuple[frozenset[str], frozenset[str]] | None = None) -> None:
    """Forget the app's saved session (search text, view, selection) between runs, and put
    back the marks the last run changed (holding x marks a hundred papers read)."""
    from reader.state.store import StateStore

    with StateStore(work.state_path()) as state:
        if marks is not None:
            read, starred = marks
            now_read, now_starred = state.read_ids(), state.starred_ids()
            for ids, value in ((now_read - read, False), (read - now_read, True)):
                if ids:
                    state.set_read(sorted(ids), value)
            for ids, value in ((now_starred - starred, False), (starred - now_starred, True)):
                if ids:
                    state.set_starred(sorted(ids), value)
        try:
            from reader.domain.session import Session
            from reader.tui.screens.main import SESSION_KEY
        except ImportError:
            return
        state.set_setting(SESSION_KEY, Session().to_json())


def write_config(work: Workdir) -> None:
    # Marks change only when the benchmark says so: no paper turns read by being looked at.
    work.dirs().config.mkdir(parents=True, exist_ok=True)
    (work.dirs().config / "config.toml").write_text('read_on_open = "never"\n', encoding="utf-8")


# -- the whole run --------------------------------------------------------------------------


def timed(label: str, action: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    value = action()
    seconds = time.perf_counter() - started
    log(f"{label}: {seconds:.1f} s")
    return value, seconds


def run_benchmark(args: argparse.Namespace, work: Workdir) -> dict:
    wall_started = time.perf_counter()
    load_at_start = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    queries = query_sets().limited(args.queries)
    grep_queries = queries.limited(min(args.queries, args.grep_queries))
    notes: list[str] = []

    _, corpus_s = timed(f"corpus of {args.papers:,} papers", lambda: synthetic.write_corpus(work.corpus, args.papers))
    build = run_child(work, "build")
    log(f"build: {build['papers']:,} papers in {build['seconds']:.1f} s")
    read_count, starred_count = set_marks(work)
    write_config(work)
    add = run_child(work, "add", "--papers", str(args.papers))
    log(f"add one digest: {add['seconds']:.2f} s")
    shutil.rmtree(work.add_index, ignore_errors=True)
    shutil.rmtree(work.incoming, ignore_errors=True)

    paint = measure_app(work, "app", args.paint_runs)
    seeds_paint = measure_seeds_app(work, args.paint_runs)
    for label, figures in (("the app", paint), ("the app on the seeds", seeds_paint)):
        if figures.get("note"):
            notes.append(f"{label}: {figures['note']}")
    log(f"first paint: {paint['seconds']} s, RSS {paint['rss_mb']} MB; seeds {seeds_paint['seconds']} s")
    terminal = measure_terminal_figures(work, args)

    opened = open_library(work)
    search, prefix_by_length, first_search_s = measure_search(opened, queries)
    view_switch = measure_view_switch(opened)
    view_switch_query = measure_view_switch(opened, VIEW_SWITCH_QUERY)
    log(f"view switch with {VIEW_SWITCH_QUERY!r} active: p95 {view_switch_query['overall']['p95_ms']} ms")
    star_toggle = measure_star_toggle(opened)
    log(f"view switch p95 {view_switch['overall']['p95_ms']} ms; star toggle p95 {star_toggle['p95_ms']} ms")
    read_ids = opened.read_ids
    opened.library.close()
    opened.state.close()

    search["fts5"] = measure_fts5(work.corpus, work.fts5_db, queries, read_ids)
    search["grep"] = measure_grep(work.corpus, grep_queries)
    if grep_queries.by_kind["one_word"] != queries.by_kind["one_word"]:
        notes.append(f"grep ran only the first {len(grep_queries.by_kind['one_word'])} queries of each kind")

    return {
        "papers": build["papers"],
        "digests": math.ceil(args.papers / 100),
        "build_papers_per_s": round(build["papers"] / build["seconds"], 1),
        "build_s": round(build["seconds"], 2),
        "build_peak_rss_mb": build["peak_rss_mb"],
        "add_digest_s": round(add["seconds"], 3),
        "add_digest_papers": add["written"],
        "first_paint_s": paint["seconds"],
        "first_paint": paint,
        "first_paint_seeds_s": seeds_paint["seconds"],
        "rss_mb": paint["rss_mb"],
        "first_search_ms": round(first_search_s * 1000, 1),
        "view_switch_ms": view_switch["overall"]["p95_ms"],
        "view_switch": view_switch | {"ui": paint.get("view_switch_ui")},
        "view_switch_with_query_ms": view_switch_query["overall"]["p95_ms"],
        "view_switch_with_query": view_switch_query | {"query": VIEW_SWITCH_QUERY},
        "star_toggle_ms": star_toggle["p95_ms"],
        "star_toggle": star_toggle | {"ui": paint.get("key_s_ui")},
        **app_figures(paint),
        "terminal": terminal,
        "frame_ms": round(1000 / textual_max_fps(), 1),
        "search": search,
        "search_prefix_by_length": prefix_by_length,
        "marks": {"read": read_count, "starred": starred_count},
        "queries_per_kind": {kind: len(texts) for kind, texts in queries.by_kind.items()},
        "notes": notes,
        "corpus_s": round(corpus_s, 1),
        "wall_s": round(time.perf_counter() - wall_started, 1),
        "machine": machine_info() | {"load_avg_1m_start": load_at_start},
        "versions": versions(),
        "commit": git_commit(),
        "command": "python benchmarks/run.py " + " ".join(args.argv),
    }


def app_figures(paint: dict) -> dict:
    """The in-app figures of the headless app (`app_driver`), under their JSON keys."""
    blocks = {"open": "open", "session": "session", "view_switch": "view_switch", "star_toggle": "key_s",
              "typed_search": "typed_search", "cursor_move": "key_j", "scroll_to_end": "scroll_to_end"}
    blocks |= {f"key_{key}": f"key_{key}" for key in TIMED_KEYS}
    blocks |= {f"hold_{key}": f"hold_{key}" for key in HELD_KEYS}
    return {
        "typed_search_ui": paint.get("typed_search_ui"),
        "cursor_move_ui": paint.get("key_j_ui"),
        "scroll_to_end_ui": paint.get("scroll_to_end_ui"),
        "keys_ui": {key: paint.get(f"key_{key}_ui") for key in TIMED_KEYS},
        "hold_key_ui": {key: hold_figures(paint, key) for key in HELD_KEYS},
        "ui_block_ms": {name: paint.get(f"{figure}_block") for name, figure in blocks.items()},
    }


def hold_figures(paint: dict, key: str) -> dict | None:
    lag = paint.get(f"hold_{key}_lag")
    if not lag:
        return None
    return {
        "lag": lag,  # every key: sent -> first frame showing it, pooled over the starts
        "last_key_to_row": paint.get(f"hold_{key}_last"),  # one per start
        "send_slip_max_ms": paint[f"hold_{key}_slip"]["max_ms"],
        # medians of the first and the last second's lags, worst start: growing means a backlog
        "lag_first_second_ms": paint[f"hold_{key}_first_second"]["max_ms"],
        "lag_last_second_ms": paint[f"hold_{key}_last_second"]["max_ms"],
        "keys": HOLD_KEYS,
        "keys_per_s": HOLD_RATE_PER_S,
    }


def run_app_benchmark(args: argparse.Namespace, work: Workdir) -> dict:
    """--only-app: the app figures again, on the corpus, index and marks of a kept run."""
    wall_started = time.perf_counter()
    if not work.corpus.is_dir() or not work.index_folder().is_dir():
        raise SystemExit(f"no corpus and built index in {work.root}: run once with --keep --workdir there")
    write_config(work)
    paint = measure_app(work, "app", args.paint_runs)
    seeds_paint = measure_seeds_app(work, args.paint_runs)
    notes = [f"{label}: {figures['note']}" for label, figures in (("the app", paint), ("seeds", seeds_paint))
             if figures.get("note")]
    return {
        "papers": paint.get("rows") or args.papers,
        "first_paint_s": paint["seconds"],
        "first_paint": paint,
        "first_paint_seeds_s": seeds_paint["seconds"],
        "rss_mb": paint["rss_mb"],
        "view_switch": {"ui": paint.get("view_switch_ui")},
        "star_toggle": {"ui": paint.get("key_s_ui")},
        **app_figures(paint),
        "terminal": measure_terminal_figures(work, args),
        "frame_ms": round(1000 / textual_max_fps(), 1),
        "notes": notes,
        "wall_s": round(time.perf_counter() - wall_started, 1),
        "machine": machine_info(),
        "versions": versions(),
        "commit": git_commit(),
        "command": "python benchmarks/run.py " + " ".join(args.argv),
    }


def measure_terminal_figures(work: Workdir, args: argparse.Namespace) -> dict:
    """The real `reader` command (and `less`, a minimal Textual app) in tmux, key to pane changed."""
    from benchmarks.terminal import measure_terminal

    if args.no_terminal:
        return {"note": "skipped (--no-terminal)"}
    marks = saved_marks(work)
    return measure_terminal(work.home, work.corpus, paths.seeds_dir(), lambda: reset_session(work, marks), log)


def measure_seeds_app(work: Workdir, runs: int) -> dict:
    """First paint on the bundled seeds, with their index already built."""
    from reader.library.library import Library

    seeds = [paths.seeds_dir()]
    library = Library(seeds, work.index_folder(seeds))
    library.sync()
    library.close()
    return measure_app(work, "app-seeds", runs)


# -- command line ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the reader at N papers (see benchmarks/README.md).")
    parser.add_argument("--papers", type=int, help="corpus size, at least 100 (100 papers per digest)")
    parser.add_argument("--out", type=Path, help="JSON results (default: benchmarks/results-N.json)")
    parser.add_argument("--workdir", type=Path, help="where corpus, index and state go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder afterwards")
    parser.add_argument("--queries", type=int, default=PER_KIND, help=f"queries per kind (default {PER_KIND})")
    parser.add_argument("--grep-queries", type=int, default=GREP_QUERIES, help="queries per kind for grep")
    parser.add_argument("--paint-runs", type=int, default=3, help="fresh app starts to take the median of")
    parser.add_argument("--no-terminal", action="store_true", help="skip the tmux figures")
    parser.add_argument(
        "--only-app", action="store_true",
        help="only the app figures (headless and tmux), on the corpus and index a --keep run left in --workdir",
    )
    parser.add_argument("--child", choices=CHILD_PHASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.child and (args.papers is None or args.papers < 100):
        parser.error("--papers must be at least 100 (one digest)")
    if args.only_app and args.workdir is None:
        parser.error("--only-app needs the --workdir of an earlier run made with --keep")
    args.argv = list(argv)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        print(json.dumps(run_child_phase(args.child, Workdir(args.workdir), args.papers)))
        return 0
    created = args.workdir is None
    work = Workdir(Path(tempfile.mkdtemp(prefix="reader-bench-")) if created else args.workdir.resolve())
    work.root.mkdir(parents=True, exist_ok=True)
    os.environ["READER_HOME"] = str(work.home)  # this process too: never the user's own folders
    if args.only_app:
        results = run_app_benchmark(args, work)
        out = args.out or REPO_ROOT / "benchmarks" / f"results-{args.papers}-app.json"
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(app_table(results))
        return 0
    work.clear()
    try:
        results = run_benchmark(args, work)
    finally:
        if args.keep:
            log(f"kept {work.root}")
        elif created:
            shutil.rmtree(work.root, ignore_errors=True)
        else:
            work.clear()
    out = args.out or REPO_ROOT / "benchmarks" / f"results-{args.papers}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(summary_table(results))
    print(f"\nwrote {out} in {results['wall_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
