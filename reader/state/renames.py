"""Marks, tags, notes and first sightings follow a paper whose id changed
(see reader.library.renamed_ids), each rename once per profile."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from reader.state.connection import StateDatabase
from reader.state.marks import CHUNK, FIELDS

# Renames applied to this profile; created when first needed, and never restored from a
# backup (so a restored backup's marks follow the renames again).
_FOLLOWED_RENAMES_SCHEMA = """
CREATE TABLE IF NOT EXISTS followed_renames (
    old_id     TEXT NOT NULL,
    new_id     TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (old_id, new_id)
) WITHOUT ROWID
"""

# (journal table, old id, field or tag) -> the new id its rows should name
Moves = dict[tuple[str, str, str], str]


def follow_renamed_ids(
    db: StateDatabase, renames: Iterable[tuple[str, str]], keep_on_old: Iterable[str]
) -> tuple[int, list[tuple[str, str]]]:
    """Carry read, star, tags, note and "shown" from each old id to its new id, in one
    transaction, each rename once per profile (remembered in `followed_renames`, so a
    mark the user removes later is never brought back).

    Nothing is overwritten: what the new id has stays, and the old id keeps what could
    not go (a different note). What went is taken off the old id, and its undo journal
    goes with it, unless the old id is in `keep_on_old` (a paper still listed, or renamed
    to several). Not journaled itself: undo must not send marks back to an id no paper has.
    Returns (papers that gained something, the renames applied now)."""
    wanted = list(dict.fromkeys((old, new) for old, new in renames if old != new))
    if not wanted or not _renames_pending(db, wanted):
        return 0, []  # the common case: no write at all
    kept = set(keep_on_old)
    with db.writing("keep marks on renamed papers") as conn:
        conn.execute(_FOLLOWED_RENAMES_SCHEMA)
        done = set(conn.execute("SELECT old_id, new_id FROM followed_renames").fetchall())
        pending = [pair for pair in wanted if pair not in done]
        moved: Moves = {}
        gained = {new for old, new in pending if _carry_to_new_id(conn, old, new, moved, old not in kept)}
        _follow_in_journal(conn, moved)
        at = db.now()
        conn.executemany(
            "INSERT OR IGNORE INTO followed_renames VALUES (?, ?, ?)", ((old, new, at) for old, new in pending)
        )
        db.changed()
        return len(gained), pending


def _renames_pending(db: StateDatabase, wanted: list[tuple[str, str]]) -> bool:
    """Whether any rename is not applied yet (read without taking the write lock)."""
    with db.reading("read renamed papers") as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'followed_renames'").fetchone():
            return True
        done = set(conn.execute("SELECT old_id, new_id FROM followed_renames").fetchall())
    return any(pair not in done for pair in wanted)


def _carry_to_new_id(conn: sqlite3.Connection, old: str, new: str, moved: Moves, move: bool) -> bool:
    """One paper's marks, tags, note and first sighting from `old` to `new` where `new`
    has none of its own; with `move`, taken off `old` and noted in `moved` for the
    journal. True when `new` gained a mark, tag or note."""
    gained = _carry_marks(conn, old, new, moved, move)
    gained = _carry_tags(conn, old, new, moved, move) or gained
    gained = _carry_note(conn, old, new, moved, move) or gained
    # Seen before under its old id: not new to the user.
    conn.execute("INSERT OR IGNORE INTO known SELECT ?, first_seen FROM known WHERE paper_id = ?", (new, old))
    return gained


def _carry_marks(conn: sqlite3.Connection, old: str, new: str, moved: Moves, move: bool) -> bool:
    gained = False
    old_marks = conn.execute(
        "SELECT read, read_at, starred, starred_at FROM marks WHERE paper_id = ?", (old,)
    ).fetchone()
    new_marks = conn.execute("SELECT read, starred FROM marks WHERE paper_id = ?", (new,)).fetchone()
    for number, field in enumerate(FIELDS):
        if not old_marks or not old_marks[2 * number]:
            continue
        if not (new_marks and new_marks[number]):
            conn.execute(
                f"INSERT INTO marks (paper_id, {field}, {field}_at) VALUES (?, 1, ?) ON CONFLICT(paper_id) "
                f"DO UPDATE SET {field} = 1, {field}_at = excluded.{field}_at",
                (new, old_marks[2 * number + 1]),
            )
            gained = True
            if move:
                moved["changes", old, field] = new
        if move:  # gone, or already on the new id
            conn.execute(f"UPDATE marks SET {field} = 0, {field}_at = NULL WHERE paper_id = ?", (old,))
    return gained


def _carry_tags(conn: sqlite3.Connection, old: str, new: str, moved: Moves, move: bool) -> bool:
    gained = False
    new_tags = {row[0] for row in conn.execute("SELECT tag FROM tags WHERE paper_id = ?", (new,))}
    for tag, added_at in conn.execute("SELECT tag, added_at FROM tags WHERE paper_id = ?", (old,)).fetchall():
        if tag not in new_tags:
            conn.execute("INSERT INTO tags VALUES (?, ?, ?)", (new, tag, added_at))
            gained = True
            if move:
                moved["tag_changes", old, tag] = new
        if move:
            conn.execute("DELETE FROM tags WHERE paper_id = ? AND tag = ?", (old, tag))
    return gained


def _carry_note(conn: sqlite3.Connection, old: str, new: str, moved: Moves, move: bool) -> bool:
    gained = False
    old_note = conn.execute("SELECT body, updated_at FROM notes WHERE paper_id = ?", (old,)).fetchone()
    new_note = conn.execute("SELECT body FROM notes WHERE paper_id = ?", (new,)).fetchone()
    if old_note and not new_note:
        conn.execute("INSERT INTO notes VALUES (?, ?, ?)", (new, *old_note))
        gained = True
        if move:
            moved["note_changes", old, ""] = new
    if old_note and move and (not new_note or new_note[0] == old_note[0]):
        conn.execute("DELETE FROM notes WHERE paper_id = ?", (old,))
    return gained


def _follow_in_journal(conn: sqlite3.Connection, moved: Moves) -> None:
    """Point the undo journal's entries for what moved at the new ids (so undoing an old
    star unstars the paper where it is now), one pass per table whatever the number."""
    columns = {"changes": "field", "tag_changes": "tag", "note_changes": "''"}
    for table, column in columns.items():
        olds = list(dict.fromkeys(old for kind, old, _ in moved if kind == table))
        for start in range(0, len(olds), CHUNK):
            chunk = olds[start : start + CHUNK]
            rows = conn.execute(
                f"SELECT rowid, paper_id, {column} FROM {table} WHERE paper_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            updates = []
            for rowid, pid, what in rows:
                target, seen = pid, {pid}
                while (table, target, what) in moved and moved[table, target, what] not in seen:
                    target = moved[table, target, what]  # a paper renamed twice: to the last id
                    seen.add(target)
                if target != pid:
                    updates.append((target, rowid))
            conn.executemany(f"UPDATE {table} SET paper_id = ? WHERE rowid = ?", updates)
