"""The whole state file at once: its health, a snapshot copy, and replacing it by a restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.state import schema
from reader.state.connection import StateDatabase
from reader.state.errors import StateError, is_corruption
from reader.state.state_file import check_state_file, connect_read_only


def check(db: StateDatabase) -> str | None:
    """None when SQLite's quick check passes, else its first complaint."""
    with db.locked() as conn:
        try:
            rows = conn.execute("PRAGMA quick_check(5)").fetchall()
        except sqlite3.Error as exc:
            if is_corruption(exc):
                return str(exc)
            raise StateError(f"cannot check state file {db.path}: {exc}") from exc
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    return "; ".join(problems) or None


def backup_to(db: StateDatabase, target: Path) -> None:
    """Copy a consistent snapshot into a new file `target` (SQLite backup API).

    The copy uses a rollback journal, so it is one self-contained file.
    """
    with db.reading("back up") as conn:
        dest = sqlite3.connect(Path(target), isolation_level=None)
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()


def restore_from(db: StateDatabase, source: Path) -> list[str]:
    """Replace every mark, journal entry and setting with those of `source`.

    Only the rows of the reader's own tables are taken, into a fresh database
    with the reader's own schema: triggers, views and anything else in the
    file are left behind (their names are returned). That fresh copy goes into
    the live database with the backup API (one write transaction), so other
    copies of the app that have it open simply see a new commit.
    The source must be a healthy state database (see `check_state_file`); one
    from an older version is upgraded on the way, as opening it would.
    """
    db.check_writable()
    check_state_file(source)
    src = connect_read_only(Path(source))
    try:
        with db.locked() as live:
            fresh = sqlite3.connect(":memory:", isolation_level=None)
            try:
                page_size = live.execute("PRAGMA page_size").fetchone()[0]
                fresh.execute(f"PRAGMA page_size = {int(page_size)}")  # the backup API needs the same
                with db.reading("restore"):
                    try:
                        left_out = copy_known_rows(src, fresh)
                    except sqlite3.Error as exc:
                        raise StateError(f"cannot restore {source}: {exc}") from exc
                    fresh.backup(live)
                    db.ensure_schema()
            finally:
                fresh.close()
            db.changed()
    finally:
        src.close()
    return left_out


def copy_known_rows(src: sqlite3.Connection, fresh: sqlite3.Connection) -> list[str]:
    """Copy the rows of the reader's tables from `src` into the empty database `fresh`.

    `fresh` gets the shape of the source's version, takes the rows, then the migrations
    after that version, as a file of that version would when opened. Returns the names of
    what was left behind: triggers, views, other tables.
    """
    version = int(src.execute("PRAGMA user_version").fetchone()[0])
    start = min(max(version, schema.FIRST_SETTLED_VERSION), schema.SCHEMA_VERSION)
    objects = src.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    present = {name for kind, name in objects if kind == "table"}
    then = schema.shape(start)
    fresh.execute("BEGIN")
    schema.upgrade(fresh, 0, start)
    for table, columns in then.tables.items():
        if table in present:  # older files lack the newer tables
            names = ", ".join(columns)
            order = "" if table in then.without_rowid else " ORDER BY rowid"
            rows = src.execute(f"SELECT {names} FROM {table}{order}")
            fresh.executemany(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
    schema.upgrade(fresh, start)
    fresh.execute("COMMIT")
    now = schema.shape()
    own_indexes = {name for kind, name in fresh.execute("SELECT type, name FROM sqlite_master") if kind == "index"}
    return [
        f"{kind} {name}"
        for kind, name in objects
        if not (kind == "table" and name in now.tables or kind == "index" and name in own_indexes)
    ]
