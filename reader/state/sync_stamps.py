"""When each mark, tag, note, saved view and mute rule last changed, deletions included
(the `sync_changes` table, schema version 4), so a marks file can say "unstarred at T".

Every change is stamped by TEMP triggers this connection installs on the reader's tables
(`install`): whatever path writes (a mark, undo, a rename, an import), the stamp follows,
and the file itself stays free of triggers other programs would trip on. An import then
puts the incoming change's own time in place of the trigger's (see marks_sync).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from reader.domain.newer_wins import EPOCH, stamp_from_iso
from reader.state.sync_records import ABSENT, Record, view_key

TABLES = """
CREATE TABLE IF NOT EXISTS sync_changes (
    kind  TEXT NOT NULL,
    paper TEXT NOT NULL,
    name  TEXT NOT NULL,
    at    TEXT NOT NULL,
    PRIMARY KEY (kind, paper, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS view_changes (
    action_id INTEGER NOT NULL,
    name      TEXT NOT NULL,
    old_query TEXT,
    old_view  TEXT,
    old_at    TEXT
);
CREATE INDEX IF NOT EXISTS view_changes_by_action ON view_changes(action_id);
CREATE TABLE IF NOT EXISTS sync_counter (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    changes INTEGER NOT NULL
)
"""
# Counts every stamping (the newest stamp cannot show a change stamped before a newer one
# that arrived from another machine): what tells a sync there is something new to write.
_BUMP = "INSERT INTO sync_counter VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET changes = changes + 1"


def _stamp(kind: str, paper: str, name: str = "''", when: str = "1") -> str:
    # An upsert, not INSERT OR REPLACE: an outer statement's own conflict clause would override that.
    return (
        f"INSERT INTO sync_changes SELECT '{kind}', {paper}, {name}, reader_stamp() WHERE {when} "
        "ON CONFLICT (kind, paper, name) DO UPDATE SET at = excluded.at"
    )


# trigger name -> (its event, what it stamps)
_TRIGGERS = {
    "marks_inserted": ("AFTER INSERT ON main.marks", [
        _stamp("read", "new.paper_id", when="new.read"), _stamp("starred", "new.paper_id", when="new.starred"),
    ]),
    "marks_updated": ("AFTER UPDATE ON main.marks", [
        _stamp("read", "new.paper_id", when="old.read IS NOT new.read"),
        _stamp("starred", "new.paper_id", when="old.starred IS NOT new.starred"),
    ]),
    "marks_deleted": ("AFTER DELETE ON main.marks", [
        _stamp("read", "old.paper_id", when="old.read"), _stamp("starred", "old.paper_id", when="old.starred"),
    ]),
    "tags_inserted": ("AFTER INSERT ON main.tags", [_stamp("tag", "new.paper_id", "new.tag")]),
    "tags_deleted": ("AFTER DELETE ON main.tags", [_stamp("tag", "old.paper_id", "old.tag")]),
    "notes_inserted": ("AFTER INSERT ON main.notes", [_stamp("note", "new.paper_id")]),
    "notes_updated": ("AFTER UPDATE ON main.notes", [_stamp("note", "new.paper_id", when="old.body IS NOT new.body")]),
    "notes_deleted": ("AFTER DELETE ON main.notes", [_stamp("note", "old.paper_id")]),
    "mute_inserted": ("AFTER INSERT ON main.mute_rules", [_stamp("mute", "''", "new.query")]),
    "mute_deleted": ("AFTER DELETE ON main.mute_rules", [_stamp("mute", "''", "old.query")]),
    # A view is known by its name with case ignored (NOCASE, as the table compares names).
    "views_inserted": ("AFTER INSERT ON main.saved_views", [_stamp("view", "''", "lower(new.name)")]),
    "views_updated": ("AFTER UPDATE ON main.saved_views", [
        _stamp("view", "''", "lower(old.name)"), _stamp("view", "''", "lower(new.name)"),
    ]),
    "views_deleted": ("AFTER DELETE ON main.saved_views", [_stamp("view", "''", "lower(old.name)")]),
}


def install(conn: sqlite3.Connection, stamp: Callable[[], str]) -> None:
    """Stamp every change this connection makes (the triggers live in its TEMP schema only)."""
    conn.create_function("reader_stamp", 0, stamp)
    for name, (event, statements) in _TRIGGERS.items():
        body = "".join(f"{statement};\n" for statement in [*statements, _BUMP])
        conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS stamp_{name} {event} BEGIN\n{body}END")


def fill_from_existing(conn: sqlite3.Connection) -> None:
    """Migration 4: stamp what the file holds with the times it kept (marks made before the
    stamps existed still sync; deletions made before left no trace to stamp)."""
    records = current_records(conn, stamps={})
    write_stamps(conn, ((record.key, record.at) for record in records.values()))


def write_stamps(conn: sqlite3.Connection, stamps: Iterable[tuple[tuple[str, str, str], str]]) -> None:
    rows = [(*key, at) for key, at in stamps]
    if rows:
        conn.executemany("INSERT OR REPLACE INTO sync_changes VALUES (?, ?, ?, ?)", rows)
        conn.execute(_BUMP)


def changes_token(conn: sqlite3.Connection) -> list:
    """A value that moves whenever something is stamped: the stamping counter (with the
    count and newest stamp, so a file restored to another state moves it too)."""
    count, newest = conn.execute("SELECT count(*), max(at) FROM sync_changes").fetchone()
    row = conn.execute("SELECT changes FROM sync_counter").fetchone()
    return [count, newest, row[0] if row else 0]


def read_stamps(conn: sqlite3.Connection) -> dict[tuple[str, str, str], str]:
    return {(kind, paper, name): at for kind, paper, name, at in conn.execute("SELECT * FROM sync_changes")}


def current_records(
    conn: sqlite3.Connection, stamps: dict[tuple[str, str, str], str] | None = None
) -> dict[tuple[str, str, str], Record]:
    """Every thing's value now and when it last changed, tombstones included, by key.

    A present value without a stamp (written by something that bypassed the triggers)
    takes the time its row kept, or EPOCH; a stamp whose thing is absent is a deletion."""
    if stamps is None:
        stamps = read_stamps(conn)
    records: dict[tuple[str, str, str], Record] = {}

    def add(kind: str, paper: str, name: str, value: object, kept_at: str | None, key_name: str = "") -> None:
        key = (kind, paper, key_name or name)
        at = stamps.get(key) or stamp_from_iso(kept_at) or EPOCH
        records[key] = Record(kind, paper, name, value, at)

    for pid, read, read_at, starred, starred_at in conn.execute(
        "SELECT paper_id, read, read_at, starred, starred_at FROM marks WHERE read OR starred"
    ):
        if read:
            add("read", pid, "", True, read_at)
        if starred:
            add("starred", pid, "", True, starred_at)
    for pid, tag, added_at in conn.execute("SELECT paper_id, tag, added_at FROM tags"):
        add("tag", pid, tag, True, added_at)
    for pid, body, updated_at in conn.execute("SELECT paper_id, body, updated_at FROM notes"):
        add("note", pid, "", body, updated_at)
    for name, query, view, created_at in conn.execute("SELECT name, query, view, created_at FROM saved_views"):
        add("view", "", name, {"query": query, "view": view}, created_at, view_key(name))
    for query, created_at in conn.execute("SELECT query, created_at FROM mute_rules"):
        add("mute", "", query, True, created_at)
    for key, at in stamps.items():
        if key not in records:  # stamped, and gone since: a deletion
            kind, paper, name = key
            records[key] = Record(kind, paper, name, ABSENT[kind], at)
    return records

