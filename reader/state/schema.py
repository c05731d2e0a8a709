"""The state file's tables, built by numbered migrations.

``PRAGMA user_version`` counts the migrations a file has had. Opening a file runs the
ones it lacks, in order, inside one write transaction with the new number (see
`reader.state.connection`), so an upgrade happens once and never half; a file whose
number is above `SCHEMA_VERSION` was written by a newer reader and is refused untouched.

Files numbered 1 differ among themselves: early readers added tables on every open
while the number stayed 1, so migration 2 creates those tables only where missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from reader.state import sync_stamps

# 1: marks, the undo journal of marks, and settings (the first shipped shape).
_MARKS_AND_JOURNAL = """
CREATE TABLE IF NOT EXISTS marks (
    paper_id   TEXT PRIMARY KEY,
    read       INTEGER NOT NULL DEFAULT 0,
    read_at    TEXT,
    starred    INTEGER NOT NULL DEFAULT 0,
    starred_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actions (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    description TEXT NOT NULL,
    undone      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS changes (
    action_id INTEGER NOT NULL,
    paper_id  TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value INTEGER NOT NULL,
    old_at    TEXT,
    new_value INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_action ON changes(action_id);
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# 2: what version-1 readers added in place: tags and notes with their own journal tables
# (a note's old text does not fit `changes`), papers already shown, mute rules, saved views.
_ADDED_UNDER_VERSION_1 = """
CREATE TABLE IF NOT EXISTS tags (
    paper_id TEXT NOT NULL,
    tag      TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_by_tag ON tags(tag);
CREATE TABLE IF NOT EXISTS notes (
    paper_id   TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tag_changes (
    action_id   INTEGER NOT NULL,
    paper_id    TEXT NOT NULL,
    tag         TEXT NOT NULL,
    was_present INTEGER NOT NULL,
    old_at      TEXT
);
CREATE INDEX IF NOT EXISTS tag_changes_by_action ON tag_changes(action_id);
CREATE TABLE IF NOT EXISTS note_changes (
    action_id INTEGER NOT NULL,
    paper_id  TEXT NOT NULL,
    old_body  TEXT,
    old_at    TEXT
);
CREATE INDEX IF NOT EXISTS note_changes_by_action ON note_changes(action_id);
CREATE TABLE IF NOT EXISTS known (
    paper_id   TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mute_rules (
    query      TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS saved_views (
    name       TEXT PRIMARY KEY COLLATE NOCASE,
    query      TEXT NOT NULL,
    view       TEXT NOT NULL DEFAULT 'all',
    created_at TEXT NOT NULL
);
"""

# 3: mute rules get a journal table of their own; `changes` holds papers only.
_MUTE_JOURNAL = """
CREATE TABLE IF NOT EXISTS mute_changes (
    action_id   INTEGER NOT NULL,
    query       TEXT NOT NULL,
    was_present INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mute_changes_by_action ON mute_changes(action_id);
"""

# How versions 1 and 2 journaled a mute rule: a `changes` row with this field, the query as paper id.
_OLD_MUTE_FIELD = "mute"


def _move_mute_rules_out_of_changes(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO mute_changes (action_id, query, was_present) "
        "SELECT action_id, paper_id, old_value FROM changes WHERE field = ? ORDER BY rowid",
        (_OLD_MUTE_FIELD,),
    )
    conn.execute("DELETE FROM changes WHERE field = ?", (_OLD_MUTE_FIELD,))


@dataclass(frozen=True)
class Migration:
    # CREATE ... IF NOT EXISTS statements giving the tables it adds their current shape
    # (run again at any open that finds one missing, so they must stay idempotent).
    tables: str
    convert: Callable[[sqlite3.Connection], None] | None = None  # moves existing rows, once


MIGRATIONS = (
    Migration(_MARKS_AND_JOURNAL),
    Migration(_ADDED_UNDER_VERSION_1),
    Migration(_MUTE_JOURNAL, _move_mute_rules_out_of_changes),
    # 4: when each mark, tag, note, view and mute rule last changed, deletions included (for
    # syncing marks between machines), stamped from the times kept so far; views get a journal.
    Migration(sync_stamps.TABLES, sync_stamps.fill_from_existing),
)
SCHEMA_VERSION = len(MIGRATIONS)
# Files numbered 1 may lack tables of version 2 (see module doc): read them as version 2.
FIRST_SETTLED_VERSION = 2
# The undo journal's tables, each keyed by `action_id` (pruned together).
JOURNAL_TABLES = ("changes", "tag_changes", "note_changes", "mute_changes", "view_changes")


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    # Statement by statement: executescript would COMMIT the caller's transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def upgrade(conn: sqlite3.Connection, found: int, target: int = SCHEMA_VERSION) -> None:
    """Run migrations `found`+1 .. `target` and record `target` (inside the caller's transaction)."""
    for migration in MIGRATIONS[found:target]:
        _execute_script(conn, migration.tables)
        if migration.convert is not None:
            migration.convert(conn)
    conn.execute(f"PRAGMA user_version = {int(target)}")


def add_missing_tables(conn: sqlite3.Connection) -> None:
    """Recreate any table or index of the current shape that is missing (rows untouched)."""
    for migration in MIGRATIONS:
        _execute_script(conn, migration.tables)


@dataclass(frozen=True)
class Shape:
    """The reader's own tables (name -> columns) and indexes at one version."""

    tables: dict[str, tuple[str, ...]]
    indexes: frozenset[str]
    without_rowid: frozenset[str]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.tables) | self.indexes


@cache
def shape(version: int = SCHEMA_VERSION) -> Shape:
    """What migrations 1 .. `version` build, read off an empty in-memory database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        upgrade(conn, 0, version)
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY rowid").fetchall()
        tables = {
            name: tuple(column[1] for column in conn.execute(f"PRAGMA table_info({name})"))
            for kind, name, _ in rows
            if kind == "table"
        }
    finally:
        conn.close()
    return Shape(
        tables,
        frozenset(name for kind, name, _ in rows if kind == "index" and not name.startswith("sqlite_")),
        frozenset(name for kind, name, sql in rows if kind == "table" and "WITHOUT ROWID" in sql.upper()),
    )
