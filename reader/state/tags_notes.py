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
    return change_tags_of(db, [paper_id], add, remove, description).get(paper_id, ((), ()))


def change_tags_of(
    db: StateDatabase, paper_ids: Iterable[str], add: Iterable[str], remove: Iterable[str], description: str | None
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Add and remove the same tags on many papers in one journaled action (one undo step);
    paper id -> (added, removed) for the papers that changed."""
    adding = [t for t in dict.fromkeys(normalise_tag(t) for t in add) if t]
    removing = [t for t in dict.fromkeys(normalise_tag(t) for t in remove) if t and t not in adding]
    with db.writing("save tags") as conn:
        changed: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]] = {}
        for paper_id in dict.fromkeys(paper_ids):
            present = dict(conn.execute("SELECT tag, added_at FROM tags WHERE paper_id = ?", (paper_id,)).fetchall())
            added = tuple(t for t in adding if t not in present)
            removed = tuple(t for t in removing if t in present)
            if added or removed:
                changed[paper_id] = (added, removed, present)
        if not changed:
            return {}
        at = db.now()
        added_any = [t for t in adding if any(t in added for added, _, _ in changed.values())]
        removed_any = [t for t in removing if any(t in removed for _, removed, _ in changed.values())]
        action_id = start_action(conn, at, description or _tags_description(added_any, removed_any, len(changed)))
        for paper_id, (added, removed, present) in changed.items():
            conn.executemany(
                "INSERT INTO tag_changes VALUES (?, ?, ?, ?, ?)",
                [(action_id, paper_id, t, 0, None) for t in added]
                + [(action_id, paper_id, t, 1, present[t]) for t in removed],
            )
            conn.executemany("INSERT INTO tags VALUES (?, ?, ?)", [(paper_id, t, at) for t in added])
            conn.executemany("DELETE FROM tags WHERE paper_id = ? AND tag = ?", [(paper_id, t) for t in removed])
        prune_journal(conn, action_id)
        db.changed()
        return {paper_id: (added, removed) for paper_id, (added, removed, _) in changed.items()}


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
        write_note(conn, paper_id, body or None, at)
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
        write_note(conn, pid, old_body, old_at or now)
        touched.append(pid)
    return touched


def _tags_description(added: Iterable[str], removed: Iterable[str], papers: int = 1) -> str:
    words = [f"+{tag}" for tag in added] + [f"-{tag}" for tag in removed]
    return f"tag {papers:,} paper{'' if papers == 1 else 's'} " + " ".join(words)


def write_note(conn: sqlite3.Connection, paper_id: str, body: str | None, at: str) -> None:
    if body:
        conn.execute(
            "INSERT INTO notes VALUES (?, ?, ?) ON CONFLICT(paper_id) DO UPDATE SET "
            "body = excluded.body, updated_at = excluded.updated_at",
            (paper_id, body, at),
        )
    else:
        conn.execute("DELETE FROM notes WHERE paper_id = ?", (paper_id,))
