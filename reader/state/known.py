"""The papers the reader has listed to this profile, with when it first did
(what makes a paper "new to you", see reader.library.provenance). Not journaled:
being shown a paper is not an action to undo."""

from __future__ import annotations

from collections.abc import Iterable

from reader.state.connection import StateDatabase


def known_ids(db: StateDatabase) -> frozenset[str]:
    with db.reading("read the papers already shown") as conn:
        return frozenset(row[0] for row in conn.execute("SELECT paper_id FROM known"))


def record_known(db: StateDatabase, paper_ids: Iterable[str]) -> int:
    """Remember papers as shown (first time kept) in one transaction; how many were new."""
    ids = [paper_ids] if isinstance(paper_ids, str) else list(paper_ids)
    if not ids or db.read_only:  # not a mark: a read-only file simply does not remember it
        return 0
    at = db.now()
    with db.writing("remember the papers shown") as conn:
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO known (paper_id, first_seen) VALUES (?, ?)", ((pid, at) for pid in ids)
        )
        return conn.total_changes - before  # not a mark: the marks' version stays
