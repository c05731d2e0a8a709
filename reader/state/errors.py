"""What goes wrong with a state file, as the reader tells it."""

from __future__ import annotations

import sqlite3


class StateError(Exception):
    """The state file cannot be opened or written; the message names the file.

    ``corrupt`` is true only when the file itself is damaged (not a SQLite
    database, or SQLite reports it malformed); a busy, locked, unreadable or
    newer-version file is never flagged, so callers never move a healthy file.
    """

    def __init__(self, message: str, *, corrupt: bool = False, reason: str | None = None) -> None:
        super().__init__(message)
        self.corrupt = corrupt
        self.reason = reason or message  # the bare cause, without the file name


class StateReadOnly(StateError):
    """A change was asked of a state file the user made read-only; nothing was written."""


def is_corruption(exc: BaseException) -> bool:
    """Whether SQLite says the file is damaged or not a database at all."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def newer_version(subject: str, found: int, supported: int) -> StateError:
    """The refusal of a file a newer reader wrote (never flagged corrupt: it is left alone)."""
    return StateError(
        f"{subject} has schema version {found}, newer than this program supports ({supported}); please upgrade"
    )
