"""Recording actions in the undo journal (run inside a write transaction).

An action is one row of `actions` (when, and what the user is told on undo); what it
changed goes into one table per kind of thing: `changes` (read and star marks),
`tag_changes`, `note_changes` and `mute_changes`, each row holding the value before.
"""

from __future__ import annotations

import sqlite3

from reader.state.schema import JOURNAL_TABLES

# Older actions are pruned so the journal cannot grow without bound.
JOURNAL_LIMIT = 1000


def start_action(conn: sqlite3.Connection, at: str, description: str) -> int:
    """A new action's id, to key the rows of what it changes."""
    action_id = conn.execute("INSERT INTO actions (at, description) VALUES (?, ?)", (at, description)).lastrowid
    assert action_id is not None  # an INSERT into a rowid table always has one
    return action_id


def prune_journal(conn: sqlite3.Connection, action_id: int) -> None:
    """Keep the newest JOURNAL_LIMIT actions; undo stays multi-level."""
    cutoff = action_id - JOURNAL_LIMIT
    if cutoff > 0:
        for table in JOURNAL_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE action_id <= ?", (cutoff,))
        conn.execute("DELETE FROM actions WHERE id <= ?", (cutoff,))
