"""Exporting every change as records, and merging records in: per thing the newer change
wins (reader.domain.newer_wins), deletions included, as one undo step."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.domain.newer_wins import compare, future_reason, iso_seconds, latest_allowed, newer
from reader.state.connection import StateDatabase
from reader.state.journal import prune_journal, start_action
from reader.state.marks import select_chunks, write_field
from reader.state.mute import set_rules
from reader.state.settings import write_view
from reader.state.sync_format import MarksFileError
from reader.state.sync_records import ABSENT, KINDS, Record
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

    def summary(self, ignored: bool = True) -> str:
        """`3 papers marked read, 1 paper unstarred, 2 tags added; 5 older changes ignored`
        (without the last part when not `ignored`: a sync file holds this profile's own older
        changes too)."""
        parts = []
        for kind in KINDS:
            for present in (True, False):
                if n := self.changed[kind, present]:
                    noun = _NOUNS[kind] if n == 1 else f"{_NOUNS[kind]}s"
                    parts.append(f"{n:,} {noun} {_VERBS[kind, present]}")
        text = ", ".join(parts) or "nothing changed"
        if self.ignored and ignored:
            text += f"; {self.ignored:,} older change{'' if self.ignored == 1 else 's'} ignored"
        return text


def export_records(db: StateDatabase) -> list[Record]:
    """Every thing's value and last change, tombstones included."""
    with db.reading("read marks to export") as conn:
        return list(current_records(conn).values())  # put in order as they are written


def merge(db: StateDatabase, incoming: Iterable[Record], description: str, undoable: bool = True) -> MergeReport:
    """Take each incoming change that is newer than this profile's own, in one journaled
    action (one undo step when `undoable`, none when no value changes). Winning changes keep
    their own time, so every machine ends up with the same newest change of each thing.

    A sync's merge is not `undoable`: it happens by itself, and an undo meant for the
    user's own last change must not revert (and spread) another machine's marks instead.
    MarksFileError, nothing changed, when a change is stamped more than a day ahead."""
    latest = latest_allowed(db.clock())
    best: dict[tuple[str, str, str], Record] = {}
    for record in incoming:
        if record.at > latest:
            raise MarksFileError(f"{record.kind} {record.paper or record.name}: {future_reason(record.at)}; "
                                 "nothing was changed")
        if newer(record.stamped, best[record.key].stamped if record.key in best else None):
            best[record.key] = record
    report = MergeReport()
    with db.writing("import marks") as conn:
        mine = current_records(conn)
        winners: list[Record] = []
        for key, record in best.items():
            own = mine.get(key)
            order = 1 if own is None else compare(record.stamped, own.stamped)
            if order > 0:
                winners.append(record)
            elif order < 0:
                report.ignored += 1
        changes: dict[str, list[Record]] = {kind: [] for kind in KINDS}
        for record in winners:
            if (mine[record.key].value if record.key in mine else ABSENT[record.kind]) != record.value:
                changes[record.kind].append(record)
                report.changed[record.kind, record.stamped.present] += 1
        if report:
            action_id = start_action(conn, db.now(), description)
            if not undoable:  # journaled as already undone: no undo step reaches it
                conn.execute("UPDATE actions SET undone = 1 WHERE id = ?", (action_id,))
            for kind, records in changes.items():
                if records:
                    _APPLY[kind](conn, action_id, records)
            prune_journal(conn, action_id)
        # After the writes: their triggers stamped "now", the changes keep their own time.
        write_stamps(conn, ((record.key, record.at) for record in winners))
        if report:
            db.changed()
    return report


def _apply_marks(conn: sqlite3.Connection, action_id: int, records: list[Record]) -> None:
    field_name = records[0].kind  # read or starred, one at a time
    old = {record.paper: (0, None) for record in records}
    for rows in select_chunks(conn, f"SELECT paper_id, {field_name}, {field_name}_at FROM marks", list(old)):
        old.update((pid, (value, at)) for pid, value, at in rows)
    conn.executemany(
        "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)",
        ((action_id, r.paper, field_name, *old[r.paper], int(r.value)) for r in records),
    )
    write_field(conn, field_name, ((r.paper, int(r.value), iso_seconds(r.at) if r.value else None) for r in records))


def _apply_tags(conn: sqlite3.Connection, action_id: int, records: list[Record]) -> None:
    old = {(pid, tag): at for pid, tag, at in conn.execute("SELECT paper_id, tag, added_at FROM tags")}
    conn.executemany(
        "INSERT INTO tag_changes VALUES (?, ?, ?, ?, ?)",
        ((action_id, r.paper, r.name, int((r.paper, r.name) in old), old.get((r.paper, r.name))) for r in records),
    )
    added = [(r.paper, r.name, iso_seconds(r.at)) for r in records if r.value]
    conn.executemany("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", added)
    removed = [(r.paper, r.name) for r in records if not r.value]
    conn.executemany("DELETE FROM tags WHERE paper_id = ? AND tag = ?", removed)


def _apply_notes(conn: sqlite3.Connection, action_id: int, records: list[Record]) -> None:
    for record in records:
        row = conn.execute("SELECT body, updated_at FROM notes WHERE paper_id = ?", (record.paper,)).fetchone()
        conn.execute("INSERT INTO note_changes VALUES (?, ?, ?, ?)", (action_id, record.paper, *(row or (None, None))))
        write_note(conn, record.paper, record.value, iso_seconds(record.at))


def _apply_mute_rules(conn: sqlite3.Connection, action_id: int, records: list[Record]) -> None:
    for record in records:
        conn.execute("INSERT INTO mute_changes VALUES (?, ?, ?)", (action_id, record.name, int(not record.value)))
        set_rules(conn, [(record.name, record.value)], iso_seconds(record.at))


def _apply_views(conn: sqlite3.Connection, action_id: int, records: list[Record]) -> None:
    for record in records:
        row = conn.execute(
            "SELECT name, query, view, created_at FROM saved_views WHERE name = ?", (record.name,)
        ).fetchone()
        old_name, old_query, old_view, old_at = row if row else (record.name, None, None, None)
        conn.execute(
            "INSERT INTO view_changes VALUES (?, ?, ?, ?, ?)", (action_id, old_name, old_query, old_view, old_at)
        )
        write_view(conn, record.name, record.value, iso_seconds(record.at))


_APPLY = {
    "read": _apply_marks, "starred": _apply_marks, "tag": _apply_tags, "note": _apply_notes,
    "mute": _apply_mute_rules, "view": _apply_views,
}
