"""Exporting every change as records, and merging records in: per thing the newer change
wins (reader.domain.newer_wins), deletions included, as one undo step."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.domain.newer_wins import iso_seconds, newer
from reader.state.connection import StateDatabase
from reader.state.journal import prune_journal, start_action
from reader.state.marks import write_field
from reader.state.mute import set_rules
from reader.state.settings import write_view
from reader.state.sync_records import ABSENT, KINDS, Record, sort_key
from reader.state.sync_stamps import current_records, write_stamps
from reader.state.tags_notes import write_note

_NOUNS = {"read": "paper", "starred": "paper", "tag": "tag", "note": "note", "view": "view", "mute": "mute rule"}
_VERBS = {
    ("read", True): "marked read", ("read", False): "marked unread",
    ("starred", True): "starred", ("starred", False): "unstarred",
    ("tag", True): "added", ("tag", False): "removed",
    ("note", True): "saved", ("note", False): "deleted",
    ("view", True): "saved", ("view", False): "deleted",
    ("mute", True): "added", ("mute", False): "removed",
}


@dataclass
class MergeReport:
    """What a merge changed, by (kind, made present), and how many older changes it ignored."""

    changed: Counter[tuple[str, bool]] = field(default_factory=Counter)
    ignored: int = 0

    def __bool__(self) -> bool:
        return bool(self.changed)

    def summary(self) -> str:
        """`3 papers marked read, 1 paper unstarred, 2 tags added; 5 older changes ignored`."""
        parts = []
        for kind in KINDS:
            for present in (True, False):
                if n := self.changed[kind, present]:
                    noun = _NOUNS[kind] if n == 1 else f"{_NOUNS[kind]}s"
                    parts.append(f"{n:,} {noun} {_VERBS[kind, present]}")
        text = ", ".join(parts) or "nothing changed"
        if self.ignored:
            text += f"; {self.ignored:,} older change{'' if self.ignored == 1 else 's'} ignored"
        return text


def export_records(db: StateDatabase) -> list[Record]:
    """Every thing's value and last change, tombstones included, in the file's order."""
    with db.reading("read marks to export") as conn:
        return sorted(current_records(conn).values(), key=sort_key)


def merge(db: StateDatabase, incoming: Iterable[Record], description: str) -> MergeReport:
    """Take each incoming change that is newer than this profile's own, in one journaled
    action (one undo step; none when no value changes). Winning changes keep their own
    time, so every machine ends up with the same newest change of each thing."""
    best: dict[tuple[str, str, str], Record] = {}
    for record in incoming:
        if newer(record.stamped, best[record.key].stamped if record.key in best else None):
            best[record.key] = record
    report = MergeReport()
    with db.writing("import marks") as conn:
        mine = current_records(conn)
        winners: list[Record] = []
        for key, record in best.items():
            own = mine.get(key)
            if newer(record.stamped, own.stamped if own else None):
                winners.append(record)
            elif own is not None and record.stamped.rank() < own.stamped.rank():
                report.ignored += 1
        changes = [r for r in winners if (mine[r.key].value if r.key in mine else ABSENT[r.kind]) != r.value]
        if changes:
            action_id = start_action(conn, db.now(), description)
            for record in changes:
                _APPLY[record.kind](conn, action_id, record)
                report.changed[record.kind, record.stamped.present] += 1
            prune_journal(conn, action_id)
        # After the writes: their triggers stamped "now", the changes keep their own time.
        write_stamps(conn, ((record.key, record.at) for record in winners))
        if changes:
            db.changed()
    return report


def _apply_mark(conn: sqlite3.Connection, action_id: int, record: Record) -> None:
    field_name, pid, value = record.kind, record.paper, int(record.value)
    row = conn.execute(f"SELECT {field_name}, {field_name}_at FROM marks WHERE paper_id = ?", (pid,)).fetchone()
    old_value, old_at = row if row else (0, None)
    conn.execute(
        "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)", (action_id, pid, field_name, old_value, old_at, value)
    )
    write_field(conn, field_name, [(pid, value, iso_seconds(record.at) if value else None)])


def _apply_tag(conn: sqlite3.Connection, action_id: int, record: Record) -> None:
    pid, tag = record.paper, record.name
    row = conn.execute("SELECT added_at FROM tags WHERE paper_id = ? AND tag = ?", (pid, tag)).fetchone()
    conn.execute("INSERT INTO tag_changes VALUES (?, ?, ?, ?, ?)", (action_id, pid, tag, int(row is not None),
                                                                  row[0] if row else None))
    if record.value:
        conn.execute("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", (pid, tag, iso_seconds(record.at)))
    else:
        conn.execute("DELETE FROM tags WHERE paper_id = ? AND tag = ?", (pid, tag))


def _apply_note(conn: sqlite3.Connection, action_id: int, record: Record) -> None:
    row = conn.execute("SELECT body, updated_at FROM notes WHERE paper_id = ?", (record.paper,)).fetchone()
    conn.execute("INSERT INTO note_changes VALUES (?, ?, ?, ?)", (action_id, record.paper, *(row or (None, None))))
    write_note(conn, record.paper, record.value, iso_seconds(record.at))


def _apply_mute(conn: sqlite3.Connection, action_id: int, record: Record) -> None:
    conn.execute("INSERT INTO mute_changes VALUES (?, ?, ?)", (action_id, record.name, int(not record.value)))
    set_rules(conn, [(record.name, record.value)], iso_seconds(record.at))


def _apply_view(conn: sqlite3.Connection, action_id: int, record: Record) -> None:
    row = conn.execute(
        "SELECT name, query, view, created_at FROM saved_views WHERE name = ?", (record.name,)
    ).fetchone()
    old_name, old_query, old_view, old_at = row if row else (record.name, None, None, None)
    conn.execute("INSERT INTO view_changes VALUES (?, ?, ?, ?, ?)", (action_id, old_name, old_query, old_view, old_at))
    write_view(conn, record.name, record.value, iso_seconds(record.at))


_APPLY = {
    "read": _apply_mark, "starred": _apply_mark, "tag": _apply_tag, "note": _apply_note,
    "mute": _apply_mute, "view": _apply_view,
}
