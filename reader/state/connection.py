"""Opening one profile's state file, and the locking every read and write goes through.

Several copies of the app may run at once, so every write is a single ``BEGIN
IMMEDIATE`` transaction (the write lock is taken before reading the old values, so
concurrent writers serialise instead of losing updates) and every read runs outside a
transaction, so it sees the newest commit of any process. Opening brings an older file
up to date with the numbered migrations of `reader.state.schema`, once, in one such
transaction; a file from a newer reader is refused before anything could change it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from reader.domain.newer_wins import stamp_of
from reader.state import schema, sync_stamps
from reader.state.errors import StateError, StateReadOnly, is_corruption, newer_version
from reader.state.state_file import has_sqlite_header, read_only_uri
from reader.system.private import make_private_dirs
from reader.system.sqlite_wal import enable_wal

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StateDatabase:
    """One open state file: its connection, the write lock, the clock and read-only mode."""

    # Seconds to wait for another copy's write lock before giving up (StateError).
    busy_timeout = 10.0
    # Seconds a write waits for that lock before `on_wait` is told (a commit takes ~1 ms).
    wait_notice_after = 0.2

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        self.path = Path(path)
        # The time stamped on marks, tags, notes and the journal; naive times count as UTC.
        self.clock: Clock = clock or utc_now
        # Called (from the writing thread) when a write has to wait for another copy's lock.
        self.on_wait: Callable[[], None] | None = None
        # Set when the file's mode denies writing (e.g. chmod 0444): marks are shown, never changed.
        self.read_only_mode: int | None = None
        self._lock = threading.RLock()  # one connection shared by UI worker threads
        self._counter = 0
        self._data_version: int | None = None
        self._conn: sqlite3.Connection | None = None
        self._stamp: str | None = None  # the current write transaction's sync stamp
        try:
            self._prepare_file()
            self._conn = sqlite3.connect(
                read_only_uri(self.path) if self.read_only else self.path,
                uri=self.read_only,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            self._refuse_newer_version()  # before the chmod and WAL switch below change the file
            if not self.read_only:
                self._make_private()
                enable_wal(self._conn, self.busy_timeout)
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._init_schema()
            if not self.read_only:
                sync_stamps.install(self._conn, self.stamp)
            self._data_version = self._read_data_version()
        except BaseException as exc:
            self.close()
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise StateError(
                    f"cannot open state file {self.path}: {exc}", corrupt=is_corruption(exc), reason=str(exc)
                ) from exc
            raise

    # -- read-only files ------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.read_only_mode is not None

    def read_only_notice(self) -> str | None:
        """What to tell the user when the file is read-only (None when it is writable)."""
        if self.read_only_mode is None:
            return None
        return (
            f"the state file {self.path} is read-only (mode {self.read_only_mode:04o}): your marks are "
            f"shown but cannot be changed; make it writable (chmod u+w) to change them"
        )

    def check_writable(self) -> None:
        """StateReadOnly (before anything is written) when the file is read-only."""
        if self.read_only_mode is not None:
            raise StateReadOnly(f"marks cannot be changed: {self.read_only_notice()}")

    # -- opening --------------------------------------------------------------------

    def _prepare_file(self) -> None:
        make_private_dirs(self.path.parent)
        if self.path.exists():
            # The user's own mode bits decide, not a failed write: root may write any file.
            mode = self.path.stat().st_mode
            if not mode & stat.S_IWUSR or not os.access(self.path, os.W_OK):
                self.read_only_mode = stat.S_IMODE(mode)
        if self.path.exists() and self.path.stat().st_size > 0:
            # Refuse foreign files up front so SQLite never touches them.
            if not has_sqlite_header(self.path):
                raise StateError(
                    f"state file {self.path} is not a SQLite database; "
                    "move it away or choose another profile (it was left untouched)",
                    corrupt=True,
                    reason="not a SQLite database",
                )
        elif not self.read_only:
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))

    def _make_private(self) -> None:
        try:
            os.chmod(self.path, 0o600)
        except OSError:
            pass  # not ours to change (e.g. another owner); SQLite decides if usable

    def _user_version(self) -> int:
        return int(self._db().execute("PRAGMA user_version").fetchone()[0])

    def _refuse_newer_version(self) -> None:
        found = self._user_version()
        if found > schema.SCHEMA_VERSION:
            raise newer_version(f"state file {self.path}", found, schema.SCHEMA_VERSION)

    def _init_schema(self) -> None:
        """Bring the file to the current schema: the migrations it lacks, in one transaction."""
        if self.read_only:
            self._check_read_only_schema()
            return
        if self._schema_is_current():
            return  # nothing to add: opening needs no write lock (another copy may hold it)
        with self._transaction() as conn:
            found = self._user_version()  # again, under the lock: another copy may have upgraded it
            if found > schema.SCHEMA_VERSION:
                raise newer_version(f"state file {self.path}", found, schema.SCHEMA_VERSION)
            schema.upgrade(conn, found)
            schema.add_missing_tables(conn)  # e.g. one dropped by hand; rows elsewhere untouched

    def _schema_is_current(self) -> bool:
        names = {row[0] for row in self._db().execute("SELECT name FROM sqlite_master")}
        return self._user_version() == schema.SCHEMA_VERSION and names >= schema.shape().names

    def _check_read_only_schema(self) -> None:
        """A read-only file cannot be upgraded: it must have every table the reads use."""
        found = self._user_version()
        tables = {row[0] for row in self._db().execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if found > schema.SCHEMA_VERSION:
            raise newer_version(f"state file {self.path}", found, schema.SCHEMA_VERSION)
        # The journal tables of later versions only matter to writes, which it refuses anyway.
        if found < 1 or not tables >= schema.shape(schema.FIRST_SETTLED_VERSION).tables.keys():
            raise StateError(
                f"state file {self.path} is read-only and lacks tables this version adds; "
                f"make it writable once (chmod u+w) so the reader can add them"
            )

    def ensure_schema(self) -> None:
        """Upgrade the file again (after its content was replaced by a restore)."""
        self._init_schema()

    # -- plumbing -------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StateError(f"state file {self.path} is closed")
        return self._conn

    def now(self) -> str:
        """The clock's time as stored: ISO 8601 in UTC, to the second."""
        moment = self.clock()
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        return moment.isoformat(timespec="seconds")

    def stamp(self) -> str:
        """The clock's time as a change's sync stamp: UTC to the microsecond (newer_wins),
        read once per write transaction (one action is one moment, and a bulk mark of
        100,000 papers does not read the clock 100,000 times)."""
        if self._stamp is None:
            self._stamp = stamp_of(self.clock())
        return self._stamp

    def changed(self) -> None:
        """Count a commit of ours (SQLite's data_version moves only on other processes' commits)."""
        self._counter += 1

    def version(self) -> int:
        """A number that changes after any commit, ours or another process's."""
        with self._lock, self._errors("read"):
            current = self._read_data_version()  # only moves on others' commits
            if current != self._data_version:
                self._data_version = current
                self._counter += 1
            return self._counter

    def _read_data_version(self) -> int:
        return int(self._db().execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def reading(self, doing: str) -> Iterator[sqlite3.Connection]:
        """The connection for reads (no transaction: the newest commit of any process)."""
        with self._lock, self._errors(doing):
            yield self._db()

    @contextmanager
    def writing(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; SQLite failures become StateError saying what was being done."""
        with self._errors(doing), self._transaction() as conn:
            yield conn

    @contextmanager
    def locked(self) -> Iterator[sqlite3.Connection]:
        """The connection under the thread lock only (callers handle errors themselves)."""
        with self._lock:
            yield self._db()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any error, never half-applied."""
        self.check_writable()
        with self._lock:
            conn = self._db()
            self._begin(conn)
            self._stamp = None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # e.g. COMMIT itself failed
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._stamp = None

    def _begin(self, conn: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE; if another copy holds the write lock, tell `on_wait`, then wait on."""
        if self.on_wait is None:
            conn.execute("BEGIN IMMEDIATE")
            return
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.wait_notice_after * 1000)}")
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY:
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        self.on_wait()
        conn.execute("BEGIN IMMEDIATE")

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn SQLite failures (locked too long, disk full…) into StateError."""
        try:
            yield
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY:
                raise StateError(
                    f"cannot {doing}: another copy of the reader kept the state file {self.path} "
                    f"locked for over {self.busy_timeout:g} s; nothing was changed"
                ) from exc
            raise StateError(f"cannot {doing} in state file {self.path}: {exc}") from exc
