"""Undo: revert the newest action of the journal, whichever process made it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from reader.state.connection import StateDatabase
from reader.state.marks import undo_marks
from reader.state.mute import undo_mute_rules
from reader.state.settings import undo_views
from reader.state.tags_notes import undo_annotations

UNDONE_TITLE_CHARS = 60  # a title named in an undo message is shortened to this


@dataclass(frozen=True)
class UndoResult:
    description: str
    paper_ids: tuple[str, ...]
    mute_rules: tuple[str, ...] = ()  # rules added or removed by the undo

    def naming_the_paper(self, title_of: Callable[[str], str | None]) -> str:
        """The description with the title of the one paper it changed, so the user knows
        which paper came back: `read on open: "Mélange: Cost Efficient…"`."""
        title = title_of(self.paper_ids[0]) if len(self.paper_ids) == 1 else None
        if not title:
            return self.description
        return f'{self.description}: "{textwrap.shorten(title, UNDONE_TITLE_CHARS, placeholder="…")}"'


def undo(db: StateDatabase) -> UndoResult | None:
    """Revert the newest not-yet-undone action (from any process)."""
    with db.writing("undo") as conn:
        row = conn.execute("SELECT id, description FROM actions WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        action_id, description = row
        now = db.now()
        papers = undo_marks(conn, action_id)
        rules = undo_mute_rules(conn, action_id, now)
        papers += undo_annotations(conn, action_id, now)
        undo_views(conn, action_id, now)
        conn.execute("UPDATE actions SET undone = 1 WHERE id = ?", (action_id,))
        db.changed()
        return UndoResult(description, tuple(dict.fromkeys(papers)), tuple(rules))


def can_undo(db: StateDatabase) -> bool:
    with db.reading("read the undo journal") as conn:
        return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM actions WHERE undone = 0)").fetchone()[0])
