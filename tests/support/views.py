"""A library view small enough to reason about by hand."""

from __future__ import annotations

from datetime import date

from reader.domain.library_view import DigestInfo, LibraryView, PaperSummary


def small_view() -> LibraryView:
    """Mar 17 (a, b, c), Mar 14 (c, d, d again), an undated digest (d, e)."""
    digests = [
        DigestInfo(1, "/d/2025-03-17.txt", "Mar 17", date(2025, 3, 17), 3, ()),
        DigestInfo(2, "/d/2025-03-14.txt", "Mar 14", date(2025, 3, 14), 3, ()),
        DigestInfo(3, "/d/notes.txt", "notes", None, 2, ()),
    ]
    where = {"a": (1,), "b": (1,), "c": (1, 2), "d": (2, 3), "e": (3,)}
    papers = {pid: PaperSummary(pid, f"Paper {pid}", None, ids) for pid, ids in where.items()}
    members = {1: frozenset("abc"), 2: frozenset("cd"), 3: frozenset("de")}
    return LibraryView(digests, papers, list("abcde"), members)
