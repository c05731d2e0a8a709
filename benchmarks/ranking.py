#!/usr/bin/env python
"""Does "For you" work? Precision@10 and nDCG@10 of the ranking against two baselines.

    python -m benchmarks.ranking [--draws 40] [--timing-home DIR --timing-corpus DIR] [--out FILE]

The corpus is the bundled seeds (383 papers), whose topics are known from their titles: a paper
is about "code" when its title has the word "code" (see TOPICS). For each topic and each k
(3, 5, 10), `--draws` times (fixed random seeds): star k random papers of the topic, rank the
rest, and count the topic's other papers in the first ten (relevant: same topic, unread, not
starred). Baselines: a random order, and newest first (the default date order). The topic words
are title words, so a ranking that matches titles has an edge; the abstracts carry most of the
query's words, though, and the seeds' titles share many generic words ("language", "model").

With --timing-home (a READER_HOME with a built index, copied first: never the shared one) and
--timing-corpus, also times the ranking there with 20 starred papers (10% of the papers read):
p50 / p95 over 30 runs, other random stars each run.
Prints a markdown table; writes the figures as JSON (default benchmarks/results-ranking.json).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from reader import paths  # noqa: E402
from reader.library.for_you import for_you  # noqa: E402
from reader.library.library import Library  # noqa: E402

from benchmarks.figures import summarize_ms  # noqa: E402

# Title words with at least 15 seed papers each that name a subject (not "language" or "model").
TOPICS = ("code", "inference", "scaling", "tuning", "generation", "neural", "instruction", "benchmark", "context")
KS = (3, 5, 10)
AT = 10
METHODS = ("for you", "random", "newest first")


def topic_members(library: Library) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {topic: set() for topic in TOPICS}
    for pid, summary in library.view().papers.items():
        words = set(re.findall(r"[a-z0-9]+", summary.title.lower()))
        for topic in TOPICS:
            if topic in words:
                found[topic].add(pid)
    return {topic: frozenset(ids) for topic, ids in found.items()}


def precision(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    return sum(pid in relevant for pid in ranked[:AT]) / AT


def ndcg(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    gain = sum(1 / math.log2(place + 2) for place, pid in enumerate(ranked[:AT]) if pid in relevant)
    ideal = sum(1 / math.log2(place + 2) for place in range(min(AT, len(relevant))))
    return gain / ideal if ideal else 0.0


def rankings(library: Library, starred: frozenset[str], rng: random.Random) -> dict[str, list[str]]:
    order = [pid for pid in library.view().order if pid not in starred]
    shuffled = order[:]
    rng.shuffle(shuffled)
    ours = for_you(library, starred, frozenset(), limit=AT).ids
    return {"for you": ours, "random": shuffled, "newest first": order}


def evaluate(library: Library, draws: int) -> dict:
    members = topic_members(library)
    results: dict = {"topics": {topic: len(ids) for topic, ids in members.items()}, "draws": draws, "k": {}}
    for k in KS:
        totals = {method: {"precision": 0.0, "ndcg": 0.0} for method in METHODS}
        runs = 0
        for topic, ids in members.items():
            for draw in range(draws):
                rng = random.Random(f"{topic}-{k}-{draw}")
                starred = frozenset(rng.sample(sorted(ids), k))
                relevant = ids - starred
                for method, ranked in rankings(library, starred, rng).items():
                    totals[method]["precision"] += precision(ranked, relevant)
                    totals[method]["ndcg"] += ndcg(ranked, relevant)
                runs += 1
        results["k"][k] = {
            method: {name: round(value / runs, 3) for name, value in figures.items()}
            for method, figures in totals.items()
        }
    return results


def time_ranking(home: Path, corpus: Path, runs: int = 30, stars: int = 20) -> dict:
    """The ranking at the corpus's size, on a copy of `home`'s index."""
    with tempfile.TemporaryDirectory() as temp:
        dirs = paths.UserDirs(home / "data", home / "cache", home / "config")
        copy = Path(temp) / "index"
        shutil.copytree(paths.index_dir(dirs, [corpus]), copy)
        library = Library([corpus], copy)
        library.sync()
        order = list(library.view().order)
        read = frozenset(random.Random(21).sample(order, len(order) // 10))
        for_you(library, frozenset(order[:stars]), read)  # warm: the fast index's default-order tables
        seconds, cpu = [], []
        for run in range(runs):  # other stars each time: their words are not in the index's caches yet
            starred = frozenset(random.Random(run).sample(order, stars))
            started, started_cpu = time.perf_counter(), time.thread_time()
            for_you(library, starred, read)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
        figures = summarize_ms(seconds)
        figures["cpu"] = summarize_ms(cpu)  # the wall-clock figures include waiting on a busy machine
        figures.update(papers=len(order), starred=stars, fast_index=library.fast.loaded, load=os.getloadavg()[0])
        library.close()
        return figures


def table(results: dict) -> str:
    lines = [
        f"| k starred | {' | '.join(f'{method} P@10' for method in METHODS)} | "
        f"{' | '.join(f'{method} nDCG@10' for method in METHODS)} |",
        "|---" * (1 + 2 * len(METHODS)) + "|",
    ]
    for k, figures in results["k"].items():
        cells = [f"{figures[method]['precision']:.3f}" for method in METHODS]
        cells += [f"{figures[method]['ndcg']:.3f}" for method in METHODS]
        lines.append(f"| {k} | {' | '.join(cells)} |")
    runs = results["draws"] * len(results["topics"])
    lines.append("")
    lines.append(
        f"{results['papers']} seed papers, {len(results['topics'])} topics by title word "
        f"({', '.join(f'{t} {n}' for t, n in results['topics'].items())}), {results['draws']} draws each: "
        f"{runs} rankings per k."
    )
    timing = results.get("timing")
    if timing:
        lines.append(
            f"Ranking at {timing['papers']:,} papers, {timing['starred']} starred: "
            f"p50 {timing['p50_ms']:.1f} ms, p95 {timing['p95_ms']:.1f} ms; "
            f"CPU time p50 {timing['cpu']['p50_ms']:.1f} ms, p95 {timing['cpu']['p95_ms']:.1f} ms "
            f"(fast index: {timing['fast_index']}; "
            f"load average {timing['load']:.1f} on {os.cpu_count()} CPUs)."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=40, help="random draws per topic and k")
    parser.add_argument("--timing-home", type=Path, help="a READER_HOME with a built index (copied, not written)")
    parser.add_argument("--timing-corpus", type=Path, help="the digest folder that home indexed")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results-ranking.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        library = Library([paths.seeds_dir()], Path(temp) / "index")
        library.sync()
        results = evaluate(library, args.draws)
        results["papers"] = len(library.view().papers)
        library.close()
    if args.timing_home and args.timing_corpus:
        results["timing"] = time_ranking(args.timing_home, args.timing_corpus)
    print(table(results))
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
