"""The user's marks (read / starred), an undo journal and small UI settings.

Stored in one SQLite file per profile.  Several copies of the app may run at
once, so every write is a single ``BEGIN IMMEDIATE`` transaction (the write
lock is taken before reading the old values, so concurrent writers serialise
instead of losing updates) and every read runs outside a transaction, so it
sees the newest commit of any process.

The CLI and the TUI open it with `open_state`, which never loses the user's
data: a damaged file is moved aside as ``state.sqlite3.corrupt-<time>`` (never
deleted or overwritten) and an empty one started, with a notice naming where
the old one went; a busy or newer-version file is an error and left alone.
`open_state` also makes the daily backup (see `reader.state.backup`).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import textwrap
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.domain.models import Mark, SavedView
from reader.domain.tags import MAX_NOTE_CHARS, normalise_note, normalise_tag
from reader.system.private import make_private_dirs
from reader.system.sqlite_wal import enable_wal

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
# Added after version 1 shipped: created on every open, so existing files gain it in place.
_SAVED_VIEWS_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_views (
    name       TEXT PRIMARY KEY COLLATE NOCASE,
    query      TEXT NOT NULL,
    view       TEXT NOT NULL DEFAULT 'all',
    created_at TEXT NOT NULL
)
"""
SAVED_VIEW_NAME_MAX = 60

# Tags and notes, with their own journal tables (a note's old text does not fit `changes`).
# Run at every open: CREATE ... IF NOT EXISTS upgrades older files in place.
_ANNOTATION_SCHEMA = """
CREATE TABLE IF NOT EXISTS tags (
    paper_id TEXT NOT NULL,
    tag      TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_by_tag ON tags(tag);
CREATE TABLE IF NOT EXISTS notes (
    paper_id   TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tag_changes (
    action_id   INTEGER NOT NULL,
    paper_id    TEXT NOT NULL,
    tag         TEXT NOT NULL,
    was_present INTEGER NOT NULL,
    old_at      TEXT
);
CREATE INDEX IF NOT EXISTS tag_changes_by_action ON tag_changes(action_id);
CREATE TABLE IF NOT EXISTS note_changes (
    action_id INTEGER NOT NULL,
    paper_id  TEXT NOT NULL,
    old_body  TEXT,
    old_at    TEXT
);
CREATE INDEX IF NOT EXISTS note_changes_by_action ON note_changes(action_id);
"""

# Tables added after version 1: created on every open, so older files gain them in place.
_PROVENANCE_SCHEMA = """
CREATE TABLE IF NOT EXISTS known (
    paper_id   TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mute_rules (
    query      TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
) WITHOUT ROWID
"""
# The journal's `field` for a mute rule; its `paper_id` column holds the rule's query.
_MUTE_FIELD = "mute"


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


def _is_corruption(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


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
    return datetime.now(UTC).isoformat(timespec="seconds")


def _plural(n: int) -> str:
    return f"{n} paper" if n == 1 else f"{n} papers"


class StateStore:
    """Marks, undo journal and settings in one SQLite file (see module doc)."""

    # Seconds to wait for another copy's write lock before giving up (StateError).
    busy_timeout = 10.0
    # Seconds a write waits for that lock before `on_wait` is told (a commit takes ~1 ms).
    wait_notice_after = 0.2

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # Called (from the writing thread) when a write has to wait for another copy's lock.
        self.on_wait: Callable[[], None] | None = None
        # Set when the file's mode denies writing (e.g. chmod 0444): marks are shown, never changed.
        self.read_only_mode: int | None = None
        self._lock = threading.RLock()  # one connection shared by UI worker threads
        self._counter = 0
        self._data_version: int | None = None
        self._conn: sqlite3.Connection | None = None
        try:
            self._prepare_file()
            self._conn = sqlite3.connect(
                _read_only_uri(self.path) if self.read_only else self.path,
                uri=self.read_only,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            if not self.read_only:
                self._enable_wal()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._init_schema()
            self._data_version = self._read_data_version()
        except BaseException as exc:
            self.close()
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise StateError(
                    f"cannot open state file {self.path}: {exc}",
                    corrupt=_is_corruption(exc),
                    reason=str(exc),
                ) from exc
            raise

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

    def _prepare_file(self) -> None:
        make_private_dirs(self.path.parent)
        if self.path.exists():
            # The user's own mode bits decide, not a failed write: root may write any file.
            mode = self.path.stat().st_mode
            if not mode & stat.S_IWUSR or not os.access(self.path, os.W_OK):
                self.read_only_mode = stat.S_IMODE(mode)
        if self.path.exists() and self.path.stat().st_size > 0:
            # Refuse foreign files up front so SQLite never touches them.
            with open(self.path, "rb") as f:
                if f.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                    raise StateError(
                        f"state file {self.path} is not a SQLite database; "
                        "move it away or choose another profile (it was left untouched)",
                        corrupt=True,
                        reason="not a SQLite database",
                    )
        elif not self.read_only:
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        if self.read_only:
            return  # left as the user set it
        try:
            os.chmod(self.path, 0o600)
        except OSError:
            pass  # not ours to change (e.g. another owner); SQLite decides if usable

    def _enable_wal(self) -> None:
        enable_wal(self._db(), self.busy_timeout)

    def _init_schema(self) -> None:
        if self.read_only:
            self._check_read_only_schema()
            return
        if self._schema_is_current():
            return  # nothing to add: opening needs no write lock (another copy may hold it)
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
            for schema in (_ANNOTATION_SCHEMA, _PROVENANCE_SCHEMA, _SAVED_VIEWS_SCHEMA):
                for statement in schema.split(";"):
                    if statement.strip():
                        conn.execute(statement)

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
        self.check_writable()
        with self._lock:
            conn = self._db()
            self._begin(conn)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # e.g. COMMIT itself failed
                    conn.execute("ROLLBACK")
                raise

    def _schema_is_current(self) -> bool:
        conn = self._db()
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        return version == SCHEMA_VERSION and names >= _KNOWN_TABLES.keys() | _OWN_INDEXES

    def _check_read_only_schema(self) -> None:
        """A read-only file cannot gain tables: it must have them all already."""
        conn = self._db()
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if found > SCHEMA_VERSION:
            raise StateError(
                f"state file {self.path} has schema version {found}, newer than "
                f"this program supports ({SCHEMA_VERSION}); please upgrade"
            )
        if found < SCHEMA_VERSION or not tables >= _KNOWN_TABLES.keys():
            raise StateError(
                f"state file {self.path} is read-only and lacks tables this version adds; "
                f"make it writable once (chmod u+w) so the reader can add them"
            )

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
            action_id = _start_action(conn, at, description)
            conn.executemany(
                "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)",
                ((action_id, pid, field, old[pid][0], old[pid][1], new) for pid in changed),
            )
            self._write_field(conn, field, ((pid, new, at if new else None) for pid in changed))
            _prune_journal(conn, action_id)
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
            rules = [(query, was) for query, f, was, _ in changes if f == _MUTE_FIELD]
            self._restore_mute_rules(conn, rules)
            annotated = _undo_annotations(conn, action_id)
            conn.execute("UPDATE actions SET undone = 1 WHERE id = ?", (action_id,))
            self._counter += 1
            papers = [c[0] for c in changes if c[1] != _MUTE_FIELD] + annotated
            return UndoResult(description, tuple(dict.fromkeys(papers)), tuple(query for query, _ in rules))

    # -- tags and notes ---------------------------------------------------

    def all_tags(self) -> dict[str, tuple[str, ...]]:
        """paper id -> its tags, sorted (only papers that have any)."""
        with self._lock, self._errors("read tags"):
            rows = self._db().execute("SELECT paper_id, tag FROM tags ORDER BY paper_id, tag").fetchall()
        result: dict[str, list[str]] = {}
        for pid, tag in rows:
            result.setdefault(pid, []).append(tag)
        return {pid: tuple(tags) for pid, tags in result.items()}

    def all_notes(self) -> dict[str, str]:
        """paper id -> its note (only papers that have one)."""
        with self._lock, self._errors("read notes"):
            return dict(self._db().execute("SELECT paper_id, body FROM notes").fetchall())

    def change_tags(
        self,
        paper_id: str,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        description: str | None = None,
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Add and remove tags on one paper in one journaled action; (added, removed).

        Tags are normalised again here; adding a present tag or removing an absent
        one is no change, and an action that changes nothing leaves no journal entry.
        """
        adding = [t for t in dict.fromkeys(normalise_tag(t) for t in add) if t]
        removing = [t for t in dict.fromkeys(normalise_tag(t) for t in remove) if t and t not in adding]
        with self._errors("save tags"), self._transaction() as conn:
            present = dict(
                conn.execute("SELECT tag, added_at FROM tags WHERE paper_id = ?", (paper_id,)).fetchall()
            )
            added = tuple(t for t in adding if t not in present)
            removed = tuple(t for t in removing if t in present)
            if not added and not removed:
                return (), ()
            at = _now()
            action_id = _start_action(conn, at, description or _tags_description(added, removed))
            conn.executemany(
                "INSERT INTO tag_changes VALUES (?, ?, ?, ?, ?)",
                [(action_id, paper_id, t, 0, None) for t in added]
                + [(action_id, paper_id, t, 1, present[t]) for t in removed],
            )
            conn.executemany("INSERT INTO tags VALUES (?, ?, ?)", [(paper_id, t, at) for t in added])
            conn.executemany(
                "DELETE FROM tags WHERE paper_id = ? AND tag = ?", [(paper_id, t) for t in removed]
            )
            _prune_journal(conn, action_id)
            self._counter += 1
            return added, removed

    def set_note(self, paper_id: str, body: str, description: str | None = None) -> bool:
        """Replace a paper's note (an empty one deletes it) in one journaled action.

        Returns False when the note was already so (no journal entry). Raises
        ValueError for a note longer than MAX_NOTE_CHARS, before any write.
        """
        body = normalise_note(body)
        if len(body) > MAX_NOTE_CHARS:
            raise ValueError(f"the note is too long ({len(body):,} characters; at most {MAX_NOTE_CHARS:,})")
        with self._errors("save the note"), self._transaction() as conn:
            row = conn.execute(
                "SELECT body, updated_at FROM notes WHERE paper_id = ?", (paper_id,)
            ).fetchone()
            old_body, old_at = row if row else (None, None)
            if (old_body or "") == body:
                return False
            at = _now()
            if description is None:
                description = "delete a note" if not body else ("edit a note" if old_body else "add a note")
            action_id = _start_action(conn, at, description)
            conn.execute(
                "INSERT INTO note_changes VALUES (?, ?, ?, ?)", (action_id, paper_id, old_body, old_at)
            )
            _write_note(conn, paper_id, body or None, at)
            _prune_journal(conn, action_id)
            self._counter += 1
            return True

    def can_undo(self) -> bool:
        with self._lock, self._errors("read the undo journal"):
            return bool(
                self._db()
                .execute("SELECT EXISTS (SELECT 1 FROM actions WHERE undone = 0)")
                .fetchone()[0]
            )

    # -- papers the user has been shown, and mute rules ---------------------

    def known_ids(self) -> frozenset[str]:
        """Every paper the reader has listed to this profile (see reader.library.provenance)."""
        with self._lock, self._errors("read the papers already shown"):
            return frozenset(row[0] for row in self._db().execute("SELECT paper_id FROM known"))

    def record_known(self, paper_ids: Iterable[str]) -> int:
        """Remember papers as shown (first time kept); one transaction, not journaled."""
        ids = [paper_ids] if isinstance(paper_ids, str) else list(paper_ids)
        if not ids or self.read_only:  # not a mark: a read-only file simply does not remember it
            return 0
        at = _now()
        with self._errors("remember the papers shown"), self._transaction() as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO known (paper_id, first_seen) VALUES (?, ?)",
                ((pid, at) for pid in ids),
            )
            return conn.total_changes - before  # not a mark: the marks' version stays

    def mute_rules(self) -> list[str]:
        """The profile's mute queries, oldest first."""
        with self._lock, self._errors("read mute rules"):
            rows = self._db().execute("SELECT query FROM mute_rules ORDER BY created_at, query")
            return [row[0] for row in rows]

    def add_mute_rule(self, query: str) -> bool:
        """Mute papers matching `query`; False when the rule exists. Undoable."""
        return self._change_mute_rule(query, True, "mute {}")

    def remove_mute_rule(self, query: str) -> bool:
        """Drop a mute rule; False when there is none. Undoable."""
        return self._change_mute_rule(query, False, "unmute {}")

    def _change_mute_rule(self, query: str, present: bool, description: str) -> bool:
        query = query.strip()
        if not query:
            raise ValueError("a mute rule needs a query")
        with self._errors("save mute rules"), self._transaction() as conn:
            exists = conn.execute("SELECT 1 FROM mute_rules WHERE query = ?", (query,)).fetchone() is not None
            if exists == present:
                return False
            action_id = _start_action(conn, _now(), description.format(query))
            conn.execute(
                "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)",
                (action_id, query, _MUTE_FIELD, int(exists), None, int(present)),
            )
            self._restore_mute_rules(conn, [(query, int(present))])
            _prune_journal(conn, action_id)
            self._counter += 1
            return True

    @staticmethod
    def _restore_mute_rules(conn: sqlite3.Connection, rules: Iterable[tuple[str, int]]) -> None:
        for query, present in rules:
            if present:
                conn.execute("INSERT OR IGNORE INTO mute_rules VALUES (?, ?)", (query, _now()))
            else:
                conn.execute("DELETE FROM mute_rules WHERE query = ?", (query,))

    # -- health, backup and restore ----------------------------------------

    def check(self) -> str | None:
        """None when SQLite's quick check passes, else its first complaint."""
        with self._lock:
            try:
                rows = self._db().execute("PRAGMA quick_check(5)").fetchall()
            except sqlite3.Error as exc:
                if _is_corruption(exc):
                    return str(exc)
                raise StateError(f"cannot check state file {self.path}: {exc}") from exc
        problems = [str(row[0]) for row in rows if row[0] != "ok"]
        return "; ".join(problems) or None

    def counts(self) -> tuple[int, int]:
        """(papers marked read, papers starred)."""
        with self._lock, self._errors("read marks"):
            row = self._db().execute(
                "SELECT coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM marks"
            ).fetchone()
        return int(row[0]), int(row[1])

    def is_empty(self) -> bool:
        """True when no mark was ever made (nothing worth a backup)."""
        with self._lock, self._errors("read marks"):
            return not self._db().execute(
                "SELECT EXISTS (SELECT 1 FROM marks) OR EXISTS (SELECT 1 FROM actions)"
            ).fetchone()[0]

    def backup_to(self, target: Path) -> None:
        """Copy a consistent snapshot into a new file `target` (SQLite backup API).

        The copy uses a rollback journal, so it is one self-contained file.
        """
        target = Path(target)
        with self._lock, self._errors("back up"):
            dest = sqlite3.connect(target, isolation_level=None)
            try:
                self._db().backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()

    def restore_from(self, source: Path) -> list[str]:
        """Replace every mark, journal entry and setting with those of `source`.

        Only the rows of the reader's own tables are taken, into a fresh database
        with the reader's own schema: triggers, views and anything else in the
        file are left behind (their names are returned). That fresh copy goes into
        this live database with the backup API (one write transaction), so other
        copies of the app that have it open simply see a new commit.
        The source must be a healthy state database (see `check_state_file`).
        """
        self.check_writable()
        check_state_file(source)
        src = _connect_read_only(Path(source))
        try:
            with self._lock:
                fresh = sqlite3.connect(":memory:", isolation_level=None)
                try:
                    page_size = self._db().execute("PRAGMA page_size").fetchone()[0]
                    fresh.execute(f"PRAGMA page_size = {int(page_size)}")  # the backup API needs the same
                    with self._errors("restore"):
                        try:
                            left_out = _copy_known_rows(src, fresh)
                        except sqlite3.Error as exc:
                            raise StateError(f"cannot restore {source}: {exc}") from exc
                        fresh.backup(self._db())
                        self._init_schema()
                finally:
                    fresh.close()
                self._counter += 1
        finally:
            src.close()
        return left_out

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
        if self.read_only:
            return  # session and theme are not marks: a read-only file keeps its own
        with self._errors("save settings"), self._transaction() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, text),
            )
            self._counter += 1


    # -- saved views --------------------------------------------------------

    def saved_views(self) -> list[SavedView]:
        """Every saved view, by name (case ignored)."""
        with self._lock, self._errors("read saved views"):
            rows = self._db().execute("SELECT name, query, view FROM saved_views ORDER BY name").fetchall()
        return [SavedView(*row) for row in rows]

    def save_view(self, view: SavedView) -> bool:
        """Store `view`, replacing one of the same name (case ignored); True if it replaced one."""
        name = check_view_name(view.name)
        if not view.query.strip():
            raise ValueError("a saved view needs a search to keep")
        with self._errors("save the view"), self._transaction() as conn:
            replaced = conn.execute("DELETE FROM saved_views WHERE name = ?", (name,)).rowcount > 0
            conn.execute(
                "INSERT INTO saved_views (name, query, view, created_at) VALUES (?, ?, ?, ?)",
                (name, view.query.strip(), view.view, _now()),
            )
            self._counter += 1
        return replaced

    def rename_view(self, old: str, new: str) -> None:
        new = check_view_name(new)
        with self._errors("rename the view"), self._transaction() as conn:
            taken = conn.execute("SELECT name FROM saved_views WHERE name = ?", (new,)).fetchone()
            if taken and taken[0].casefold() != old.casefold():
                raise ValueError(f"a saved view named {taken[0]!r} exists already")
            if conn.execute("UPDATE saved_views SET name = ? WHERE name = ?", (new, old)).rowcount == 0:
                raise ValueError(f"no saved view named {old!r}")
            self._counter += 1

    def delete_view(self, name: str) -> bool:
        with self._errors("delete the view"), self._transaction() as conn:
            deleted = conn.execute("DELETE FROM saved_views WHERE name = ?", (name,)).rowcount > 0
            self._counter += 1
        return deleted

    # -- papers whose id changed (their title is cleaned up differently) ------

    def follow_renamed_ids(
        self, renames: Iterable[tuple[str, str]], keep_on_old: Iterable[str] = ()
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
        if not wanted or not self._renames_pending(wanted):
            return 0, []  # the common case: no write at all
        kept = set(keep_on_old)
        with self._errors("keep marks on renamed papers"), self._transaction() as conn:
            conn.execute(_FOLLOWED_RENAMES_SCHEMA)
            done = set(conn.execute("SELECT old_id, new_id FROM followed_renames").fetchall())
            pending = [pair for pair in wanted if pair not in done]
            moved: dict[tuple[str, str, str], str] = {}  # (table, old id, field or tag) -> new id
            gained = {new for old, new in pending if self._carry_to_new_id(conn, old, new, moved, old not in kept)}
            _follow_in_journal(conn, moved)
            at = _now()
            conn.executemany(
                "INSERT OR IGNORE INTO followed_renames VALUES (?, ?, ?)", ((old, new, at) for old, new in pending)
            )
            self._counter += 1
            return len(gained), pending

    def _renames_pending(self, wanted: list[tuple[str, str]]) -> bool:
        """Whether any rename is not applied yet (read without taking the write lock)."""
        with self._lock, self._errors("read renamed papers"):
            conn = self._db()
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'followed_renames'").fetchone():
                return True
            done = set(conn.execute("SELECT old_id, new_id FROM followed_renames").fetchall())
        return any(pair not in done for pair in wanted)

    @staticmethod
    def _carry_to_new_id(
        conn: sqlite3.Connection, old: str, new: str, moved: dict[tuple[str, str, str], str], move: bool
    ) -> bool:
        """One paper's marks, tags, note and first sighting from `old` to `new` where `new`
        has none of its own; with `move`, taken off `old` and noted in `moved` for the
        journal. True when `new` gained a mark, tag or note."""
        gained = False
        old_marks = conn.execute(
            "SELECT read, read_at, starred, starred_at FROM marks WHERE paper_id = ?", (old,)
        ).fetchone()
        new_marks = conn.execute("SELECT read, starred FROM marks WHERE paper_id = ?", (new,)).fetchone()
        for number, field in enumerate(_FIELDS):
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
        new_tags = {row[0] for row in conn.execute("SELECT tag FROM tags WHERE paper_id = ?", (new,))}
        for tag, added_at in conn.execute("SELECT tag, added_at FROM tags WHERE paper_id = ?", (old,)).fetchall():
            if tag not in new_tags:
                conn.execute("INSERT INTO tags VALUES (?, ?, ?)", (new, tag, added_at))
                gained = True
                if move:
                    moved["tag_changes", old, tag] = new
            if move:
                conn.execute("DELETE FROM tags WHERE paper_id = ? AND tag = ?", (old, tag))
        old_note = conn.execute("SELECT body, updated_at FROM notes WHERE paper_id = ?", (old,)).fetchone()
        new_note = conn.execute("SELECT body FROM notes WHERE paper_id = ?", (new,)).fetchone()
        if old_note and not new_note:
            conn.execute("INSERT INTO notes VALUES (?, ?, ?)", (new, *old_note))
            gained = True
            if move:
                moved["note_changes", old, ""] = new
        if old_note and move and (not new_note or new_note[0] == old_note[0]):
            conn.execute("DELETE FROM notes WHERE paper_id = ?", (old,))
        # Seen before under its old id: not new to the user.
        conn.execute("INSERT OR IGNORE INTO known SELECT ?, first_seen FROM known WHERE paper_id = ?", (new, old))
        return gained


# Every table of a state file, with the columns restore copies (rowid order kept).
_KNOWN_TABLES = {
    "marks": "paper_id, read, read_at, starred, starred_at",
    "actions": "id, at, description, undone",
    "changes": "action_id, paper_id, field, old_value, old_at, new_value",
    "settings": "key, value",
    "saved_views": "name, query, view, created_at",
    "tags": "paper_id, tag, added_at",
    "notes": "paper_id, body, updated_at",
    "tag_changes": "action_id, paper_id, tag, was_present, old_at",
    "note_changes": "action_id, paper_id, old_body, old_at",
    "known": "paper_id, first_seen",
    "mute_rules": "query, created_at",
}


def _create_schema(conn: sqlite3.Connection) -> None:
    """The reader's own tables and indexes, as a new file gets them."""
    for schema in (_SCHEMA, _ANNOTATION_SCHEMA, _PROVENANCE_SCHEMA, _SAVED_VIEWS_SCHEMA):
        for statement in schema.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _copy_known_rows(src: sqlite3.Connection, fresh: sqlite3.Connection) -> list[str]:
    """Copy the rows of the reader's tables from `src` into `fresh` (given the reader's schema).

    Returns the names of what was left behind: triggers, views, other tables.
    """
    _create_schema(fresh)
    objects = src.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    tables = {name for kind, name in objects if kind == "table"}
    own_indexes = {name for kind, name in fresh.execute("SELECT type, name FROM sqlite_master") if kind == "index"}
    fresh.execute("BEGIN")
    for table, columns in _KNOWN_TABLES.items():
        if table in tables:  # older files lack the newer tables
            rows = src.execute(f"SELECT {columns} FROM {table} ORDER BY rowid" if table not in _WITHOUT_ROWID
                               else f"SELECT {columns} FROM {table}")
            marks = ", ".join("?" * len(columns.split(",")))
            fresh.executemany(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})", rows)
    fresh.execute("COMMIT")
    return [
        f"{kind} {name}"
        for kind, name in objects
        if not (kind == "table" and name in _KNOWN_TABLES or kind == "index" and name in own_indexes)
    ]


_WITHOUT_ROWID = {"marks", "tags", "notes", "known", "mute_rules"}
_OWN_INDEXES = {"changes_by_action", "tags_by_tag", "tag_changes_by_action", "note_changes_by_action"}


def check_view_name(name: str) -> str:
    """The name trimmed; ValueError with the reason when it cannot name a view."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("a saved view needs a name")
    if len(name) > SAVED_VIEW_NAME_MAX:
        raise ValueError(f"a saved view's name has at most {SAVED_VIEW_NAME_MAX} characters")
    if any(not char.isprintable() for char in name):
        raise ValueError("a saved view's name cannot hold control characters")
    return name
# -- journal helpers (run inside a write transaction) --------------------------------


def _start_action(conn: sqlite3.Connection, at: str, description: str) -> int:
    return conn.execute(
        "INSERT INTO actions (at, description) VALUES (?, ?)", (at, description)
    ).lastrowid


def _prune_journal(conn: sqlite3.Connection, action_id: int) -> None:
    """Keep the newest JOURNAL_LIMIT actions; undo stays multi-level."""
    cutoff = action_id - JOURNAL_LIMIT
    if cutoff > 0:
        for table in ("changes", "tag_changes", "note_changes"):
            conn.execute(f"DELETE FROM {table} WHERE action_id <= ?", (cutoff,))
        conn.execute("DELETE FROM actions WHERE id <= ?", (cutoff,))


def _tags_description(added: Iterable[str], removed: Iterable[str]) -> str:
    words = [f"+{tag}" for tag in added] + [f"-{tag}" for tag in removed]
    return "tag 1 paper " + " ".join(words)


def _write_note(conn: sqlite3.Connection, paper_id: str, body: str | None, at: str | None) -> None:
    if body:
        conn.execute(
            "INSERT INTO notes VALUES (?, ?, ?) ON CONFLICT(paper_id) DO UPDATE SET "
            "body = excluded.body, updated_at = excluded.updated_at",
            (paper_id, body, at or _now()),
        )
    else:
        conn.execute("DELETE FROM notes WHERE paper_id = ?", (paper_id,))


def _undo_annotations(conn: sqlite3.Connection, action_id: int) -> list[str]:
    """Put back the tags and notes an action changed; returns the papers touched."""
    touched: list[str] = []
    for pid, tag, was_present, old_at in conn.execute(
        "SELECT paper_id, tag, was_present, old_at FROM tag_changes WHERE action_id = ? ORDER BY rowid",
        (action_id,),
    ).fetchall():
        if was_present:
            conn.execute("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", (pid, tag, old_at or _now()))
        else:
            conn.execute("DELETE FROM tags WHERE paper_id = ? AND tag = ?", (pid, tag))
        touched.append(pid)
    for pid, old_body, old_at in conn.execute(
        "SELECT paper_id, old_body, old_at FROM note_changes WHERE action_id = ? ORDER BY rowid",
        (action_id,),
    ).fetchall():
        _write_note(conn, pid, old_body, old_at)
        touched.append(pid)
    return touched


# -- opening with recovery ----------------------------------------------------


def _read_only_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(Path(path).resolve())) + "?mode=ro"


def _connect_read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(_read_only_uri(path), uri=True, isolation_level=None, timeout=10.0)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def check_state_file(path: Path) -> tuple[int, int]:
    """Check that `path` is a healthy state database (read-only, never changed).

    Returns its (read, starred) counts; raises StateError naming what is wrong.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            header = f.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StateError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if header != _SQLITE_HEADER:
        raise StateError(f"{path} is not a SQLite database", corrupt=True)
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise StateError(f"cannot open {path}: {exc}", corrupt=_is_corruption(exc)) from exc
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)") if r[0] != "ok"]
        if problems:
            raise StateError(f"{path} is damaged: {'; '.join(problems)}", corrupt=True)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_marks = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'marks')"
        ).fetchone()[0]
        if not has_marks or version < 1:
            raise StateError(f"{path} is a SQLite database but not a reader state file")
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{path} has schema version {version}, newer than this program "
                f"supports ({SCHEMA_VERSION}); please upgrade"
            )
        row = conn.execute(
            "SELECT coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM marks"
        ).fetchone()
        return int(row[0]), int(row[1])
    except sqlite3.Error as exc:
        raise StateError(f"cannot read {path}: {exc}", corrupt=_is_corruption(exc)) from exc
    finally:
        conn.close()


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


@contextmanager
def _recovery_lock(path: Path) -> Iterator[None]:
    """Serialise moving a damaged file aside between processes (POSIX only)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: best effort without a lock
        yield
        return
    lock_path = path.with_name(f".{path.name}.recover-lock")
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename a damaged state file (and its -wal/-shm) to `<name>.corrupt-<time>`.

    Nothing is deleted. The -wal and -shm files go first so a fresh database
    created at `path` can never pick up the damaged one's write-ahead log.
    """
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
        number += 1
    try:
        for suffix in ("-wal", "-shm", ""):
            source = Path(f"{path}{suffix}")
            if source.exists():
                os.rename(source, f"{target}{suffix}")
    except OSError as exc:
        raise StateError(
            f"state file {path} is damaged and could not be moved aside "
            f"({exc.strerror or exc}); move it away by hand"
        ) from exc
    return target


def open_state(
    data_dir: Path, profile: str, now: datetime | None = None
) -> tuple[StateStore, list[str]]:
    """Open a profile's state for the CLI or the TUI, recovering from damage.

    A damaged file is moved aside (never deleted or overwritten) and an empty
    store is opened in its place; the daily backup is made. Returns the store
    and notices for the user (what was moved where, a failed backup...).
    Errors that are not damage (busy, permissions, newer schema) raise
    StateError and leave the file alone.
    """
    from reader.state import backup  # backup imports this module

    path = state_path(data_dir, profile)
    notices: list[str] = []
    try:
        store = _open_checked(path)
    except StateError as first:
        if not first.corrupt:
            raise
        with _recovery_lock(path):
            try:  # another copy may have recovered it while we waited
                store = _open_checked(path)
            except StateError as again:
                if not again.corrupt:
                    raise
                moved = move_aside(path, now)
                store = StateStore(path)
                have = backup.list_backups(data_dir, profile)
                hint = (
                    "`reader restore` lists your backups and brings one back"
                    if have
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


# Renames applied to this profile (see StateStore.follow_renamed_ids); created when first needed.
_FOLLOWED_RENAMES_SCHEMA = """
CREATE TABLE IF NOT EXISTS followed_renames (
    old_id     TEXT NOT NULL,
    new_id     TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (old_id, new_id)
) WITHOUT ROWID
"""


def _follow_in_journal(conn: sqlite3.Connection, moved: dict[tuple[str, str, str], str]) -> None:
    """Point the undo journal's entries for what moved at the new ids (so undoing an old
    star unstars the paper where it is now), one pass per table whatever the number."""
    columns = {"changes": "field", "tag_changes": "tag", "note_changes": "''"}
    for table, column in columns.items():
        olds = list(dict.fromkeys(old for kind, old, _ in moved if kind == table))
        for start in range(0, len(olds), _CHUNK):
            chunk = olds[start : start + _CHUNK]
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
