"""Tags and notes on papers, each change one journaled action."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from reader.domain.tags import MAX_NOTE_CHARS, normalise_note, normalise_tag
from reader.state.connection import StateDatabase
from reader.state.journal import prune_journal, start_action


def all_tags(db: StateDatabase) -> dict[str, tuple[str, ...]]:
    """paper id -> its tags, sorted (only papers that have any)."""
    with db.reading("read tags") as conn:
        rows = conn.execute("SELECT paper_id, tag FROM tags ORDER BY paper_id, tag").fetchall()
    result: dict[str, list[str]] = {}
    for pid, tag in rows:
        result.setdefault(pid, []).append(tag)
    return {pid: tuple(tags) for pid, tags in result.items()}


def all_notes(db: StateDatabase) -> dict[str, str]:
    """paper id -> its note (only papers that have one)."""
    with db.reading("read notes") as conn:
        return dict(conn.execute("SELECT paper_id, body FROM notes").fetchall())


def change_tags(
    db: StateDatabase, paper_id: str, add: Iterable[str], remove: Iterable[str], description: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Add and remove tags on one paper in one journaled action; (added, removed).

    Tags are normalised again here; adding a present tag or removing an absent
    one is no change, and an action that changes nothing leaves no journal entry.
    """
    adding = [t for t in dict.fromkeys(normalise_tag(t) for t in add) if t]
    removing = [t for t in dict.fromkeys(normalise_tag(t) for t in remove) if t and t not in adding]
    with db.writing("save tags") as conn:
        present = dict(conn.execute("SELECT tag, added_at FROM tags WHERE paper_id = ?", (paper_id,)).fetchall())
        added = tuple(t for t in adding if t not in present)
        removed = tuple(t for t in removing if t in present)
        if not added and not removed:
            return (), ()
        at = db.now()
        action_id = start_action(conn, at, description or _tags_description(added, removed))
        conn.executemany(
            "INSERT INTO tag_changes VALUES (?, ?, ?, ?, ?)",
            [(action_id, paper_id, t, 0, None) for t in added]
            + [(action_id, paper_id, t, 1, present[t]) for t in removed],
        )
        conn.executemany("INSERT INTO tags VALUES (?, ?, ?)", [(paper_id, t, at) for t in added])
        conn.executemany("DELETE FROM tags WHERE paper_id = ? AND tag = ?", [(paper_id, t) for t in removed])
        prune_journal(conn, action_id)
        db.changed()
        return added, removed


def set_note(db: StateDatabase, paper_id: str, body: str, description: str | None) -> bool:
    """Replace a paper's note (an empty one deletes it) in one journaled action.

    Returns False when the note was already so (no journal entry). Raises
    ValueError for a note longer than MAX_NOTE_CHARS, before any write.
    """
    body = normalise_note(body)
    if len(body) > MAX_NOTE_CHARS:
        raise ValueError(f"the note is too long ({len(body):,} characters; at most {MAX_NOTE_CHARS:,})")
    with db.writing("save the note") as conn:
        row = conn.execute("SELECT body, updated_at FROM notes WHERE paper_id = ?", (paper_id,)).fetchone()
        old_body, old_at = row if row else (None, None)
        if (old_body or "") == body:
            return False
        at = db.now()
        if description is None:
            description = "delete a note" if not body else ("edit a note" if old_body else "add a note")
        action_id = start_action(conn, at, description)
        conn.execute("INSERT INTO note_changes VALUES (?, ?, ?, ?)", (action_id, paper_id, old_body, old_at))
        _write_note(conn, paper_id, body or None, at)
        prune_journal(conn, action_id)
        db.changed()
        return True


def undo_annotations(conn: sqlite3.Connection, action_id: int, now: str) -> list[str]:
    """Put back the tags and notes an action changed; returns the papers touched.

    `now` stamps what comes back without a time of its own in the journal."""
    touched: list[str] = []
    for pid, tag, was_present, old_at in conn.execute(
        "SELECT paper_id, tag, was_present, old_at FROM tag_changes WHERE action_id = ? ORDER BY rowid",
        (action_id,),
    ).fetchall():
        if was_present:
            conn.execute("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", (pid, tag, old_at or now))
        else:
            conn.execute("DELETE FROM tags WHERE paper_id = ? AND tag = ?", (pid, tag))
        touched.append(pid)
    for pid, old_body, old_at in conn.execute(
        "SELECT paper_id, old_body, old_at FROM note_changes WHERE action_id = ? ORDER BY rowid",
        (action_id,),
    ).fetchall():
        _write_note(conn, pid, old_body, old_at or now)
        touched.append(pid)
    return touched


def _tags_description(added: Iterable[str], removed: Iterable[str]) -> str:
    words = [f"+{tag}" for tag in added] + [f"-{tag}" for tag in removed]
    return "tag 1 paper " + " ".join(words)


def _write_note(conn: sqlite3.Connection, paper_id: str, body: str | None, at: str) -> None:
    if body:
        conn.execute(
            "INSERT INTO notes VALUES (?, ?, ?) ON CONFLICT(paper_id) DO UPDATE SET "
            "body = excluded.body, updated_at = excluded.updated_at",
            (paper_id, body, at),
        )
    else:
        conn.execute("DELETE FROM notes WHERE paper_id = ?", (paper_id,))
