"""The user's marks (read / starred), an undo journal and small UI settings.

Stored in one SQLite file per profile.  Several copies of the app may run at
once, so every write is a single ``BEGIN IMMEDIATE`` transaction (the write
lock is taken before reading the old values, so concurrent writers serialise
instead of losing updates) and every read runs outside a transaction, so it
sees the newest commit of any process.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .models import Mark

SCHEMA_VERSION = 1
# Older actions are pruned so the journal cannot grow without bound.
JOURNAL_LIMIT = 1000
_SQLITE_HEADER = b"SQLite format 3\x00"
_PROFILE_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
# Stay below SQLite's smallest default host-parameter limit (999).
_CHUNK = 900
_FIELDS = ("read", "starred")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    paper_id   TEXT PRIMARY KEY,
    read       INTEGER NOT NULL DEFAULT 0,
    read_at    TEXT,
    starred    INTEGER NOT NULL DEFAULT 0,
    starred_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actions (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    description TEXT NOT NULL,
    undone      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS changes (
    action_id INTEGER NOT NULL,
    paper_id  TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value INTEGER NOT NULL,
    old_at    TEXT,
    new_value INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_action ON changes(action_id);
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class StateError(Exception):
    """The state file cannot be opened or written; the message names the file."""


@dataclass(frozen=True)
class UndoResult:
    description: str
    paper_ids: tuple[str, ...]


def state_path(data_dir: Path, profile: str) -> Path:
    """Where a profile's state lives; "default" keeps the historical location."""
    if not isinstance(profile, str) or not _PROFILE_RE.fullmatch(profile):
        raise ValueError(
            f"invalid profile name {profile!r}: use 1-64 letters, digits, '-', '_' "
            "or '.', not starting with '.'"
        )
    if profile == "default":
        return Path(data_dir) / "state.sqlite3"
    return Path(data_dir) / "profiles" / profile / "state.sqlite3"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _plural(n: int) -> str:
    return f"{n} paper" if n == 1 else f"{n} papers"


def _make_private_dirs(directory: Path) -> None:
    """Create missing directories with mode 0700 (chmod: mkdir obeys umask)."""
    missing = []
    for d in (directory, *directory.parents):
        if d.exists():
            break
        missing.append(d)
    for d in reversed(missing):
        d.mkdir(mode=0o700, exist_ok=True)
        os.chmod(d, 0o700)


class StateStore:
    """Marks, undo journal and settings in one SQLite file (see module doc)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()  # one connection shared by UI worker threads
        self._counter = 0
        self._data_version: int | None = None
        self._conn: sqlite3.Connection | None = None
        try:
            self._prepare_file()
            self._conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA busy_timeout = 10000")
            self._enable_wal()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._init_schema()
            self._data_version = self._read_data_version()
        except BaseException as exc:
            self.close()
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise StateError(f"cannot open state file {self.path}: {exc}") from exc
            raise

    def _prepare_file(self) -> None:
        _make_private_dirs(self.path.parent)
        if self.path.exists() and self.path.stat().st_size > 0:
            # Refuse foreign files up front so SQLite never touches them.
            with open(self.path, "rb") as f:
                if f.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                    raise StateError(
                        f"state file {self.path} is not a SQLite database; "
                        "move it away or choose another profile (it was left untouched)"
                    )
        else:
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        try:
            os.chmod(self.path, 0o600)
        except OSError:
            pass  # not ours to change (e.g. another owner); SQLite decides if usable

    def _enable_wal(self) -> None:
        # Switching journal mode can fail with SQLITE_BUSY at once, without the
        # busy handler, while another process opens the same new file: retry.
        conn = self._db()
        deadline = time.monotonic() + 10.0
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _init_schema(self) -> None:
        with self._transaction() as conn:
            found = conn.execute("PRAGMA user_version").fetchone()[0]
            if found > SCHEMA_VERSION:
                raise StateError(
                    f"state file {self.path} has schema version {found}, newer than "
                    f"this program supports ({SCHEMA_VERSION}); please upgrade"
                )
            if found < SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- plumbing ---------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StateError(f"state file {self.path} is closed")
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any error, never half-applied."""
        with self._lock:
            conn = self._db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # e.g. COMMIT itself failed
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn SQLite failures (locked too long, disk full…) into StateError."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StateError(f"cannot {doing} in state file {self.path}: {exc}") from exc

    def _read_data_version(self) -> int:
        return self._db().execute("PRAGMA data_version").fetchone()[0]

    # -- reads ------------------------------------------------------------

    def version(self) -> int:
        """A number that changes after any commit, ours or another process's."""
        with self._lock, self._errors("read"):
            current = self._read_data_version()  # only moves on others' commits
            if current != self._data_version:
                self._data_version = current
                self._counter += 1
            return self._counter

    def _ids_where(self, column: str) -> frozenset[str]:
        with self._lock, self._errors("read marks"):
            rows = self._db().execute(f"SELECT paper_id FROM marks WHERE {column} = 1")
            return frozenset(r[0] for r in rows)

    def read_ids(self) -> frozenset[str]:
        return self._ids_where("read")

    def starred_ids(self) -> frozenset[str]:
        return self._ids_where("starred")

    def mark(self, paper_id: str) -> Mark:
        return self.marks([paper_id]).get(paper_id, Mark())

    def marks(self, paper_ids: Iterable[str]) -> dict[str, Mark]:
        """Marks for every requested id (a default Mark when never marked)."""
        ids = [paper_ids] if isinstance(paper_ids, str) else list(dict.fromkeys(paper_ids))
        result = {pid: Mark() for pid in ids}
        with self._lock, self._errors("read marks"):
            for rows in self._select_chunks(
                "SELECT paper_id, read, starred, read_at, starred_at FROM marks", ids
            ):
                for pid, read, starred, read_at, starred_at in rows:
                    result[pid] = Mark(bool(read), bool(starred), read_at, starred_at)
        return result

    def _select_chunks(self, select: str, ids: list[str]) -> Iterator[list[tuple]]:
        conn = self._db()
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield conn.execute(f"{select} WHERE paper_id IN ({marks})", chunk).fetchall()

    # -- writes -----------------------------------------------------------

    def set_read(
        self, paper_ids: Iterable[str], read: bool, description: str | None = None
    ) -> int:
        return self._set("read", paper_ids, read, description)

    def set_starred(
        self, paper_ids: Iterable[str], starred: bool, description: str | None = None
    ) -> int:
        return self._set("starred", paper_ids, starred, description)

    def _set(
        self, field: str, paper_ids: Iterable[str], value: bool, description: str | None
    ) -> int:
        assert field in _FIELDS
        if isinstance(paper_ids, str):  # a lone id would otherwise iterate by char
            paper_ids = [paper_ids]
        ids = list(dict.fromkeys(paper_ids))
        new = 1 if value else 0
        with self._errors("save marks"), self._transaction() as conn:
            # Old values are read inside the write lock, so they are exact.
            old = {pid: (0, None) for pid in ids}
            for rows in self._select_chunks(
                f"SELECT paper_id, {field}, {field}_at FROM marks", ids
            ):
                for pid, old_value, old_at in rows:
                    old[pid] = (old_value, old_at)
            changed = [pid for pid in ids if old[pid][0] != new]
            if not changed:
                return 0  # no journal entry for a no-op
            at = _now()
            if description is None:
                verb = {
                    ("read", 1): "mark {} read",
                    ("read", 0): "mark {} unread",
                    ("starred", 1): "star {}",
                    ("starred", 0): "unstar {}",
                }[field, new]
                description = verb.format(_plural(len(changed)))
            action_id = conn.execute(
                "INSERT INTO actions (at, description) VALUES (?, ?)", (at, description)
            ).lastrowid
            conn.executemany(
                "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)",
                ((action_id, pid, field, old[pid][0], old[pid][1], new) for pid in changed),
            )
            self._write_field(conn, field, ((pid, new, at if new else None) for pid in changed))
            # Keep the newest JOURNAL_LIMIT actions; undo stays multi-level.
            cutoff = action_id - JOURNAL_LIMIT
            if cutoff > 0:
                conn.execute("DELETE FROM changes WHERE action_id <= ?", (cutoff,))
                conn.execute("DELETE FROM actions WHERE id <= ?", (cutoff,))
            self._counter += 1
            return len(changed)

    @staticmethod
    def _write_field(
        conn: sqlite3.Connection, field: str, rows: Iterable[tuple[str, int, str | None]]
    ) -> None:
        conn.executemany(
            f"INSERT INTO marks (paper_id, {field}, {field}_at) VALUES (?, ?, ?) "
            f"ON CONFLICT(paper_id) DO UPDATE SET "
            f"{field} = excluded.{field}, {field}_at = excluded.{field}_at",
            rows,
        )

    def undo(self) -> UndoResult | None:
        """Revert the newest not-yet-undone action (from any process)."""
        with self._errors("undo"), self._transaction() as conn:
            row = conn.execute(
                "SELECT id, description FROM actions WHERE undone = 0 "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            action_id, description = row
            changes = conn.execute(
                "SELECT paper_id, field, old_value, old_at FROM changes "
                "WHERE action_id = ? ORDER BY rowid",
                (action_id,),
            ).fetchall()
            for field in _FIELDS:
                self._write_field(
                    conn, field, ((p, v, a) for p, f, v, a in changes if f == field)
                )
            conn.execute("UPDATE actions SET undone = 1 WHERE id = ?", (action_id,))
            self._counter += 1
            return UndoResult(description, tuple(dict.fromkeys(c[0] for c in changes)))

    def can_undo(self) -> bool:
        with self._lock, self._errors("read the undo journal"):
            return bool(
                self._db()
                .execute("SELECT EXISTS (SELECT 1 FROM actions WHERE undone = 0)")
                .fetchone()[0]
            )

    # -- settings ---------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        with self._lock, self._errors("read settings"):
            row = self._db().execute(
                "SELECT value FROM settings WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except ValueError:
            return default  # a damaged setting must not stop the app

    def set_setting(self, key: str, value: Any) -> None:
        text = json.dumps(value)  # TypeError for non-JSON values, before any write
        with self._errors("save settings"), self._transaction() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, text),
            )
            self._counter += 1
