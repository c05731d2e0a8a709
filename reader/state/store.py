"""The user's marks (read / starred), tags, notes, an undo journal and small UI settings.

Stored in one SQLite file per profile. `StateStore` is the one object the rest of the
reader holds: it is the open file (`connection`: locking, read-only files, the clock;
`schema`: the numbered migrations) and hands each request to the module of its concern:

  marks        read and star marks            tags_notes   tags and notes
  undo         undoing the newest action      journal      recording actions
  settings     settings and saved views       known        papers already shown
  mute         mute rules                     renames      marks following renamed papers
  snapshot     health check, backup copy, restore
  marks_file   marks files and the sync file (marks_sync merges, sync_format reads
               and writes them, sync_stamps remembers when each thing last changed)

Below them all: `errors` (StateError), `state_file` (where a profile's file is, checking
one read-only), `recovery` (moving a damaged file aside) and `backup` (daily copies).

The CLI and the TUI open it with `open_state`, which never loses the user's
data: a damaged file is moved aside as ``state.sqlite3.corrupt-<time>`` (never
deleted or overwritten) and an empty one started, with a notice naming where
the old one went; a busy or newer-version file is an error and left alone.
`open_state` also makes the daily backup (see `reader.state.backup`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.domain.models import Mark, SavedView
from reader.state import backup, known, marks, marks_file, mute, settings, snapshot, tags_notes, undo
from reader.state import renames as renamed_ids
from reader.state.connection import Clock, StateDatabase
from reader.state.errors import StateError, StateReadOnly
from reader.state.journal import JOURNAL_LIMIT
from reader.state.marks_sync import MergeReport
from reader.state.recovery import move_aside, recovery_lock
from reader.state.schema import SCHEMA_VERSION
from reader.state.settings import SAVED_VIEW_NAME_MAX, check_view_name
from reader.state.state_file import check_state_file, state_path
from reader.state.undo import UNDONE_TITLE_CHARS, UndoResult
from reader.system.private import make_private_dirs

# Names callers have always imported from here.
__all__ = [
    "JOURNAL_LIMIT",
    "SAVED_VIEW_NAME_MAX",
    "SCHEMA_VERSION",
    "UNDONE_TITLE_CHARS",
    "StateError",
    "StateReadOnly",
    "StateStore",
    "UndoResult",
    "check_state_file",
    "check_view_name",
    "make_private_dirs",
    "move_aside",
    "open_state",
    "state_path",
]


class StateStore(StateDatabase):
    """Marks, tags, notes, undo journal and settings in one SQLite file (see module doc).

    `clock` (a callable returning the time, the real one by default) stamps every
    change, so tests can set the time instead of waiting for it.
    """

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        super().__init__(path, clock)

    # -- marks ------------------------------------------------------------------------

    def read_ids(self) -> frozenset[str]:
        return marks.ids_where(self, "read")

    def starred_ids(self) -> frozenset[str]:
        return marks.ids_where(self, "starred")

    def mark(self, paper_id: str) -> Mark:
        return self.marks([paper_id]).get(paper_id, Mark())

    def marks(self, paper_ids: Iterable[str]) -> dict[str, Mark]:
        """Marks for every requested id (a default Mark when never marked)."""
        return marks.marks(self, paper_ids)

    def set_read(self, paper_ids: Iterable[str], read: bool, description: str | None = None) -> int:
        """Mark papers read or unread as one undoable action; how many changed."""
        return marks.set_field(self, "read", paper_ids, read, description)

    def set_starred(self, paper_ids: Iterable[str], starred: bool, description: str | None = None) -> int:
        """Star or unstar papers as one undoable action; how many changed."""
        return marks.set_field(self, "starred", paper_ids, starred, description)

    def counts(self) -> tuple[int, int]:
        """(papers marked read, papers starred)."""
        return marks.counts(self)

    def is_empty(self) -> bool:
        """True when no mark was ever made (nothing worth a backup)."""
        return marks.is_empty(self)

    # -- undo -------------------------------------------------------------------------

    def undo(self) -> UndoResult | None:
        """Revert the newest not-yet-undone action (from any process)."""
        return undo.undo(self)

    def can_undo(self) -> bool:
        return undo.can_undo(self)

    # -- tags and notes ---------------------------------------------------------------

    def all_tags(self) -> dict[str, tuple[str, ...]]:
        """paper id -> its tags, sorted (only papers that have any)."""
        return tags_notes.all_tags(self)

    def all_notes(self) -> dict[str, str]:
        """paper id -> its note (only papers that have one)."""
        return tags_notes.all_notes(self)

    def change_tags(
        self, paper_id: str, add: Iterable[str] = (), remove: Iterable[str] = (), description: str | None = None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Add and remove tags on one paper in one undoable action; (added, removed)."""
        return tags_notes.change_tags(self, paper_id, add, remove, description)

    def change_tags_of(
        self, paper_ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = (),
        description: str | None = None,
    ) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """The same tag edit on many papers in one undoable action; paper id -> (added,
        removed) for those that changed."""
        return tags_notes.change_tags_of(self, paper_ids, add, remove, description)

    def set_note(self, paper_id: str, body: str, description: str | None = None) -> bool:
        """Replace a paper's note (empty deletes it) as one undoable action; False when already so."""
        return tags_notes.set_note(self, paper_id, body, description)

    # -- papers the user has been shown, and mute rules -------------------------------

    def known_ids(self) -> frozenset[str]:
        """Every paper the reader has listed to this profile (see reader.library.provenance)."""
        return known.known_ids(self)

    def record_known(self, paper_ids: Iterable[str]) -> int:
        """Remember papers as shown (first time kept); one transaction, not journaled."""
        return known.record_known(self, paper_ids)

    def mute_rules(self) -> list[str]:
        """The profile's mute queries, oldest first."""
        return mute.mute_rules(self)

    def add_mute_rule(self, query: str) -> bool:
        """Mute papers matching `query`; False when the rule exists. Undoable."""
        return mute.change_mute_rule(self, query, True)

    def add_mute_rules(self, queries: Iterable[str], description: str) -> list[str]:
        """Add several mute rules in one undoable action; those that were not there yet."""
        return mute.change_mute_rules(self, queries, True, description)

    def remove_mute_rule(self, query: str) -> bool:
        """Drop a mute rule; False when there is none. Undoable."""
        return mute.change_mute_rule(self, query, False)

    # -- settings and saved views -----------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        return settings.get_setting(self, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        settings.set_setting(self, key, value)

    def saved_views(self) -> list[SavedView]:
        """Every saved view, by name (case ignored)."""
        return settings.saved_views(self)

    def save_view(self, view: SavedView) -> bool:
        """Store `view`, replacing one of the same name (case ignored); True if it replaced one."""
        return settings.save_view(self, view)

    def rename_view(self, old: str, new: str) -> None:
        settings.rename_view(self, old, new)

    def delete_view(self, name: str) -> bool:
        return settings.delete_view(self, name)

    # -- papers whose id changed ------------------------------------------------------

    def follow_renamed_ids(
        self, renames: Iterable[tuple[str, str]], keep_on_old: Iterable[str] = ()
    ) -> tuple[int, list[tuple[str, str]]]:
        """Carry marks, tags, note and "shown" from old ids to new ones, each rename once
        per profile (see reader.state.renames); (papers that gained something, renames applied)."""
        return renamed_ids.follow_renamed_ids(self, renames, keep_on_old)

    # -- marks files and the sync file (reader.state.marks_file) ----------------------

    def export_marks(self, path: Path) -> tuple[int, int]:
        """Write every change, deletions included, to a marks file atomically; how many
        records, and how many were left out as no reader would take them."""
        return marks_file.export_marks(self, path)

    def import_marks(self, path: Path) -> MergeReport:
        """Merge a marks file (the newer change of each thing wins) as one undo step."""
        return marks_file.import_marks(self, path)

    def sync_marks(self, path: Path) -> marks_file.SyncOutcome:
        """Read-merge-write the sync file shared with other machines."""
        return marks_file.sync_marks(self, path)

    # -- health, backup and restore ---------------------------------------------------

    def check(self) -> str | None:
        """None when SQLite's quick check passes, else its first complaint."""
        return snapshot.check(self)

    def backup_to(self, target: Path) -> None:
        """Copy a consistent snapshot into a new file `target` (one self-contained file)."""
        snapshot.backup_to(self, target)

    def restore_from(self, source: Path) -> list[str]:
        """Replace all state with that of `source` (see reader.state.snapshot); what was left out."""
        return snapshot.restore_from(self, source)


# -- opening with recovery ----------------------------------------------------------------


def _open_checked(path: Path) -> StateStore:
    """A StateStore that passed SQLite's quick check; StateError(corrupt=True) if not."""
    store = StateStore(path)
    try:
        problem = store.check()
    except BaseException:
        store.close()
        raise
    if problem is not None:
        store.close()
        raise StateError(f"state file {path} is damaged: {problem}", corrupt=True, reason=problem)
    return store


def open_state(data_dir: Path, profile: str, now: datetime | None = None) -> tuple[StateStore, list[str]]:
    """Open a profile's state for the CLI or the TUI, recovering from damage.

    A damaged file is moved aside (never deleted or overwritten) and an empty
    store is opened in its place; the daily backup is made. Returns the store
    and notices for the user (what was moved where, a failed backup...).
    Errors that are not damage (busy, permissions, newer schema) raise
    StateError and leave the file alone.
    """
    path = state_path(data_dir, profile)
    notices: list[str] = []
    try:
        store = _open_checked(path)
    except StateError as first:
        if not first.corrupt:
            raise
        with recovery_lock(path):
            try:  # another copy may have recovered it while we waited
                store = _open_checked(path)
            except StateError as again:
                if not again.corrupt:
                    raise
                moved = move_aside(path, now)
                store = StateStore(path)
                hint = (
                    "`reader restore` lists your backups and brings one back"
                    if backup.list_backups(data_dir, profile)
                    else "no backup was found"
                )
                notices.append(
                    f"the state file {path} was damaged ({again.reason}); it was moved to "
                    f"{moved} (nothing was deleted) and the reader starts with no marks; {hint}"
                )
    if (read_only := store.read_only_notice()) is not None:
        notices.append(read_only)
    try:
        backup.make_daily_backup(store, data_dir, profile, now)
    except StateError as exc:
        notices.append(f"warning: {exc}")
    return store, notices
