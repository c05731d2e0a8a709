"""When papers were marked read: the times behind the reading-per-day chart."""

from __future__ import annotations

from reader.state.connection import StateDatabase


def read_times_since(db: StateDatabase, since: str) -> list[str]:
    """The times (ISO 8601, UTC) at which the papers read now were marked read, from `since` on.

    A paper's read time is when its read mark was made (on this machine, or on another one
    whose marks were synced here), so each paper read counts once, on the day it was read; a
    mark undone or taken back no longer counts. The undo journal is not used: it keeps only
    the newest actions, and an import of synced marks is one action at the time of the import."""
    with db.reading("read times") as conn:
        rows = conn.execute("SELECT read_at FROM marks WHERE read = 1 AND read_at >= ?", (since,)).fetchall()
    return [row[0] for row in rows]
