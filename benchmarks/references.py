"""Reference points for the search figures: the same queries on SQLite FTS5 and `grep -ril`."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.figures import hits_summary, log, summarize_ms
from benchmarks.queries import FILTER, KINDS, QuerySets

FTS5_LIMIT = 50


def parsed_papers(corpus: Path) -> list[tuple[str, str, str]]:
    """(id, title, abstract) of every distinct paper, parsed exactly as the library parses them."""
    from reader.domain.text import paper_id
    from reader.ingest.digest import parse_file

    papers: dict[str, tuple[str, str, str]] = {}
    for file in sorted(corpus.glob("*.txt")):
        for entry in parse_file(file).entries:
            pid = paper_id(entry.title)
            papers.setdefault(pid, (pid, entry.title, entry.abstract))
    return list(papers.values())


def build_fts5(db_path: Path, papers: Sequence[tuple[str, str, str]], read_ids: frozenset[str]) -> sqlite3.Connection:
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE VIRTUAL TABLE papers USING fts5(title, abstract, tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO papers (rowid, title, abstract) VALUES (?, ?, ?)",
        ((rowid, title, abstract) for rowid, (_, title, abstract) in enumerate(papers, start=1)),
    )
    db.execute("CREATE TABLE read_papers (rowid INTEGER PRIMARY KEY)")
    db.executemany(
        "INSERT INTO read_papers VALUES (?)",
        ((rowid,) for rowid, (pid, _, _) in enumerate(papers, start=1) if pid in read_ids),
    )
    db.commit()
    return db


def fts5_match(text: str) -> tuple[str, bool]:
    """The app's query in FTS5 syntax, and whether it keeps only unread papers.

    Same meaning as in the app: words ANDed, "phrases" as phrases, and the last word typed
    also matches as a prefix (`word*` matches the word itself too).
    """
    unread_only = FILTER in text
    text = text.replace(FILTER, "").strip()
    if text.startswith('"'):
        return text, unread_only
    words = text.split()
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " AND ".join(quoted), unread_only


def time_fts5_query(db: sqlite3.Connection, text: str) -> tuple[float, int]:
    match, unread_only = fts5_match(text)
    sql = "SELECT rowid FROM papers WHERE papers MATCH ?"
    if unread_only:
        sql += " AND rowid NOT IN (SELECT rowid FROM read_papers)"
    sql += " ORDER BY bm25(papers, 2.0, 1.0) LIMIT ?"  # title boosted as in the Whoosh schema
    started = time.perf_counter()
    rows = db.execute(sql, (match, FTS5_LIMIT)).fetchall()
    return time.perf_counter() - started, len(rows)


def measure_fts5(corpus: Path, db_path: Path, queries: QuerySets, read_ids: frozenset[str]) -> dict:
    started = time.perf_counter()
    papers = parsed_papers(corpus)
    parsed_s = time.perf_counter() - started
    started = time.perf_counter()
    db = build_fts5(db_path, papers, read_ids)
    build_s = time.perf_counter() - started
    figures: dict[str, dict] = {}
    for kind in KINDS:
        results = [time_fts5_query(db, text) for text in queries.by_kind[kind]]
        figures[kind] = summarize_ms([s for s, _ in results]) | hits_summary([n for _, n in results])
    db.close()
    log(f"fts5: built in {build_s:.1f} s; " + ", ".join(f"{k} p95 {v['p95_ms']} ms" for k, v in figures.items()))
    return figures | {"build_s": round(build_s, 2), "parse_s": round(parsed_s, 2), "limit": FTS5_LIMIT}


def grep_files(pattern: str, targets: Sequence[str]) -> list[str]:
    done = subprocess.run(["grep", "-rilF", "--", pattern, *targets], capture_output=True, text=True)
    return done.stdout.splitlines()


def time_grep_query(corpus: Path, text: str) -> tuple[float, int]:
    """Files containing every word (or the phrase), case-insensitively; one grep per word."""
    text = text.replace(FILTER, "").strip()  # grep knows nothing of marks
    patterns = [text.strip('"')] if text.startswith('"') else text.split()
    started = time.perf_counter()
    files = grep_files(patterns[0], [str(corpus)])
    for pattern in patterns[1:]:
        files = grep_files(pattern, files) if files else []
    return time.perf_counter() - started, len(files)


def measure_grep(corpus: Path, queries: QuerySets) -> dict:
    if shutil.which("grep") is None:
        return {kind: None for kind in KINDS} | {"note": "grep not found"}
    figures: dict[str, dict] = {}
    for kind in KINDS:
        results = [time_grep_query(corpus, text) for text in queries.by_kind[kind]]
        figures[kind] = summarize_ms([s for s, _ in results]) | hits_summary([n for _, n in results])
    log("grep: " + ", ".join(f"{k} p95 {v['p95_ms']} ms" for k, v in figures.items()))
    return figures | {"unit": "digest files, not papers"}
