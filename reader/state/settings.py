"""Small settings of the app (JSON values by key) and the user's saved views."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from reader.domain.models import SavedView
from reader.domain.query_text import check_stored_query
from reader.state.connection import StateDatabase

SAVED_VIEW_NAME_MAX = 60


def get_setting(db: StateDatabase, key: str, default: Any = None) -> Any:
    with db.reading("read settings") as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if row is None:
        return default
    try:
        return json.loads(row[0])
    except ValueError:
        return default  # a damaged setting must not stop the app


def set_setting(db: StateDatabase, key: str, value: Any) -> None:
    text = json.dumps(value)  # TypeError for non-JSON values, before any write
    if db.read_only:
        return  # session and theme are not marks: a read-only file keeps its own
    with db.writing("save settings") as conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, text),
        )
        db.changed()


def check_view_name(name: str) -> str:
    """The name trimmed; ValueError with the reason when it cannot name a view."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("a saved view needs a name")
    if len(name) > SAVED_VIEW_NAME_MAX:
        raise ValueError(f"a saved view's name has at most {SAVED_VIEW_NAME_MAX} characters")
    if any(not char.isprintable() for char in name):
        raise ValueError("a saved view's name cannot hold control characters")
    return name


def saved_views(db: StateDatabase) -> list[SavedView]:
    """Every saved view, by name (case ignored)."""
    with db.reading("read saved views") as conn:
        rows = conn.execute("SELECT name, query, view FROM saved_views ORDER BY name").fetchall()
    return [SavedView(*row) for row in rows]


def save_view(db: StateDatabase, view: SavedView) -> bool:
    """Store `view`, replacing one of the same name (case ignored); True if it replaced one."""
    name = check_view_name(view.name)
    if not view.query.strip():
        raise ValueError("a saved view needs a search to keep")
    check_stored_query(view.query.strip(), "a saved view's search")
    with db.writing("save the view") as conn:
        replaced = conn.execute("DELETE FROM saved_views WHERE name = ?", (name,)).rowcount > 0
        conn.execute(
            "INSERT INTO saved_views (name, query, view, created_at) VALUES (?, ?, ?, ?)",
            (name, view.query.strip(), view.view, db.now()),
        )
        db.changed()
    return replaced


def rename_view(db: StateDatabase, old: str, new: str) -> None:
    new = check_view_name(new)
    with db.writing("rename the view") as conn:
        taken = conn.execute("SELECT name FROM saved_views WHERE name = ?", (new,)).fetchone()
        if taken and taken[0].casefold() != old.casefold():
            raise ValueError(f"a saved view named {taken[0]!r} exists already")
        if conn.execute("UPDATE saved_views SET name = ? WHERE name = ?", (new, old)).rowcount == 0:
            raise ValueError(f"no saved view named {old!r}")
        db.changed()


def delete_view(db: StateDatabase, name: str) -> bool:
    with db.writing("delete the view") as conn:
        deleted = conn.execute("DELETE FROM saved_views WHERE name = ?", (name,)).rowcount > 0
        db.changed()
    return deleted


def write_view(conn: sqlite3.Connection, name: str, value: dict[str, str] | None, at: str) -> None:
    """Set a view as a marks file gives it ({"query", "view"}, or None: deleted)."""
    conn.execute("DELETE FROM saved_views WHERE name = ?", (name,))
    if value is not None:
        conn.execute(
            "INSERT INTO saved_views (name, query, view, created_at) VALUES (?, ?, ?, ?)",
            (name, value["query"], value["view"], at),
        )


def undo_views(conn: sqlite3.Connection, action_id: int, now: str) -> None:
    """Put back the views an action (an import) changed."""
    for name, query, view, at in conn.execute(
        "SELECT name, old_query, old_view, old_at FROM view_changes WHERE action_id = ? ORDER BY rowid DESC",
        (action_id,),
    ).fetchall():
        write_view(conn, name, None if query is None else {"query": query, "view": view}, at or now)
