"""Read and star marks: reading them, and changing them as one journaled action."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from reader.domain.models import Mark
from reader.state.connection import StateDatabase
from reader.state.journal import prune_journal, start_action

FIELDS = ("read", "starred")
# Stay below SQLite's smallest default host-parameter limit (999).
CHUNK = 900

_DESCRIPTIONS = {
    ("read", 1): "mark {} read",
    ("read", 0): "mark {} unread",
    ("starred", 1): "star {}",
    ("starred", 0): "unstar {}",
}


def plural(n: int) -> str:
    return f"{n} paper" if n == 1 else f"{n} papers"


def as_id_list(paper_ids: Iterable[str]) -> list[str]:
    """The ids once each, in order (a lone id string is one id, not its characters)."""
    return [paper_ids] if isinstance(paper_ids, str) else list(dict.fromkeys(paper_ids))


def select_chunks(conn: sqlite3.Connection, select: str, ids: list[str]) -> Iterator[list[tuple]]:
    """`select` ... WHERE paper_id IN (ids), a chunk of ids at a time."""
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        marks = ",".join("?" * len(chunk))
        yield conn.execute(f"{select} WHERE paper_id IN ({marks})", chunk).fetchall()


def ids_where(db: StateDatabase, field: str) -> frozenset[str]:
    assert field in FIELDS
    with db.reading("read marks") as conn:
        return frozenset(row[0] for row in conn.execute(f"SELECT paper_id FROM marks WHERE {field} = 1"))


def marks(db: StateDatabase, paper_ids: Iterable[str]) -> dict[str, Mark]:
    """Marks for every requested id (a default Mark when never marked)."""
    ids = as_id_list(paper_ids)
    result = {pid: Mark() for pid in ids}
    with db.reading("read marks") as conn:
        for rows in select_chunks(conn, "SELECT paper_id, read, starred, read_at, starred_at FROM marks", ids):
            for pid, read, starred, read_at, starred_at in rows:
                result[pid] = Mark(bool(read), bool(starred), read_at, starred_at)
    return result


def counts(db: StateDatabase) -> tuple[int, int]:
    """(papers marked read, papers starred)."""
    with db.reading("read marks") as conn:
        row = conn.execute("SELECT coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM marks").fetchone()
    return int(row[0]), int(row[1])


def is_empty(db: StateDatabase) -> bool:
    """True when no mark was ever made (nothing worth a backup)."""
    with db.reading("read marks") as conn:
        return not conn.execute("SELECT EXISTS (SELECT 1 FROM marks) OR EXISTS (SELECT 1 FROM actions)").fetchone()[0]


def set_field(db: StateDatabase, field: str, paper_ids: Iterable[str], value: bool, description: str | None) -> int:
    """Set read or starred on the papers in one journaled action; how many changed."""
    assert field in FIELDS
    ids = as_id_list(paper_ids)
    new = 1 if value else 0
    with db.writing("save marks") as conn:
        # Old values are read inside the write lock, so they are exact.
        old = {pid: (0, None) for pid in ids}
        for rows in select_chunks(conn, f"SELECT paper_id, {field}, {field}_at FROM marks", ids):
            for pid, old_value, old_at in rows:
                old[pid] = (old_value, old_at)
        changed = [pid for pid in ids if old[pid][0] != new]
        if not changed:
            return 0  # no journal entry for a no-op
        at = db.now()
        if description is None:
            description = _DESCRIPTIONS[field, new].format(plural(len(changed)))
        action_id = start_action(conn, at, description)
        conn.executemany(
            "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)",
            ((action_id, pid, field, old[pid][0], old[pid][1], new) for pid in changed),
        )
        write_field(conn, field, ((pid, new, at if new else None) for pid in changed))
        prune_journal(conn, action_id)
        db.changed()
        return len(changed)


def write_field(conn: sqlite3.Connection, field: str, rows: Iterable[tuple[str, int, str | None]]) -> None:
    """Set `field` and its time on each (paper id, value, time)."""
    assert field in FIELDS
    conn.executemany(
        f"INSERT INTO marks (paper_id, {field}, {field}_at) VALUES (?, ?, ?) "
        f"ON CONFLICT(paper_id) DO UPDATE SET {field} = excluded.{field}, {field}_at = excluded.{field}_at",
        rows,
    )


def undo_marks(conn: sqlite3.Connection, action_id: int) -> list[str]:
    """Put back the marks an action changed; the papers touched, in journal order."""
    changes = conn.execute(
        "SELECT paper_id, field, old_value, old_at FROM changes WHERE action_id = ? ORDER BY rowid",
        (action_id,),
    ).fetchall()
    for field in FIELDS:
        write_field(conn, field, ((pid, value, at) for pid, f, value, at in changes if f == field))
    return [pid for pid, *_ in changes]
