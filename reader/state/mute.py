"""Mute rules: searches whose papers the profile hides (see reader.library.mute)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from reader.domain.query_text import check_stored_query
from reader.state.connection import StateDatabase
from reader.state.journal import prune_journal, start_action


def mute_rules(db: StateDatabase) -> list[str]:
    """The profile's mute queries, oldest first."""
    with db.reading("read mute rules") as conn:
        return [row[0] for row in conn.execute("SELECT query FROM mute_rules ORDER BY created_at, query")]


def change_mute_rule(db: StateDatabase, query: str, present: bool) -> bool:
    """Add (`present`) or drop a rule as one journaled action; False when it already was so."""
    query = query.strip()
    if not query:
        raise ValueError("a mute rule needs a query")
    description = f"{'mute' if present else 'unmute'} {query}"
    return bool(change_mute_rules(db, [query], present, description))


def change_mute_rules(db: StateDatabase, queries: Iterable[str], present: bool, description: str) -> list[str]:
    """Add (`present`) or drop several rules as one journaled action (one undo step); the
    rules that changed (none: no journal entry)."""
    wanted = [query for query in dict.fromkeys(query.strip() for query in queries) if query]
    if present:  # one that could not be kept is refused; removing any is fine
        for query in wanted:
            check_stored_query(query, "a mute rule")
    with db.writing("save mute rules") as conn:
        changing = [
            query for query in wanted
            if (conn.execute("SELECT 1 FROM mute_rules WHERE query = ?", (query,)).fetchone() is not None) != present
        ]
        if not changing:
            return []
        at = db.now()
        action_id = start_action(conn, at, description)
        conn.executemany(
            "INSERT INTO mute_changes VALUES (?, ?, ?)", [(action_id, query, int(not present)) for query in changing]
        )
        set_rules(conn, [(query, present) for query in changing], at)
        prune_journal(conn, action_id)
        db.changed()
        return changing


def undo_mute_rules(conn: sqlite3.Connection, action_id: int, now: str) -> list[str]:
    """Put back the rules an action added or dropped; their queries, in journal order."""
    rules = conn.execute(
        "SELECT query, was_present FROM mute_changes WHERE action_id = ? ORDER BY rowid", (action_id,)
    ).fetchall()
    set_rules(conn, [(query, bool(was)) for query, was in rules], now)
    return [query for query, _ in rules]


def set_rules(conn: sqlite3.Connection, rules: Iterable[tuple[str, bool]], at: str) -> None:
    for query, present in rules:
        if present:
            conn.execute("INSERT OR IGNORE INTO mute_rules VALUES (?, ?)", (query, at))
        else:
            conn.execute("DELETE FROM mute_rules WHERE query = ?", (query,))
