"""The digest catalog: SQLite record of digests, the papers they list and where.

It lives in the cache folder next to the search indexes and remembers each digest's
fingerprint and what it contained, so a sync re-reads only new or changed files. It is a
cache: deleting it costs one rebuild, never a mark (marks live in the state database).
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from reader.domain.document import Document
from reader.domain.library_view import DigestInfo, LibraryView, PaperSummary
from reader.domain.models import Appearance, Digest, Paper
from reader.domain.paper_meta import PaperMeta
from reader.domain.text import find_links, paper_id
from reader.system.private import make_private_dirs
from reader.system.sqlite_wal import enable_wal

# 2: text clean-up removes invisible characters and inline-math dollars; file-name labels escaped.
# 3: braces around converted TeX macros go (`{\rho}` -> `ρ`).
CATALOG_VERSION = 3
CATALOG_FILE = "catalog.sqlite3"

_SCHEMA = """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE IF NOT EXISTS digests (
        id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime_ns INTEGER,
        sha1 TEXT, label TEXT NOT NULL, date TEXT, entries INTEGER, warnings TEXT);
    CREATE TABLE IF NOT EXISTS papers (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, abstract TEXT NOT NULL, links TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS appearances (
        digest_id INTEGER NOT NULL, position INTEGER NOT NULL, paper_id TEXT NOT NULL,
        PRIMARY KEY (digest_id, position));
    CREATE INDEX IF NOT EXISTS appearances_paper ON appearances (paper_id);
    -- What a fetched digest says of a paper (PaperMeta as JSON); page copies add none.
    CREATE TABLE IF NOT EXISTS paper_meta (
        digest_id INTEGER NOT NULL, paper_id TEXT NOT NULL, meta TEXT NOT NULL,
        PRIMARY KEY (digest_id, paper_id));
    CREATE INDEX IF NOT EXISTS paper_meta_paper ON paper_meta (paper_id);
    -- What each digest listed before a rebuild, until the rebuild has read the files
    -- again: the papers whose id a new text clean-up changes are found from it.
    CREATE TABLE IF NOT EXISTS previous_places (
        path TEXT NOT NULL, sha1 TEXT, position INTEGER NOT NULL, paper_id TEXT NOT NULL,
        title TEXT NOT NULL, PRIMARY KEY (path, position));
    -- Old id -> new id of the same paper, in the order found. Kept (never reset): the
    -- state is per profile, and a profile opened later must still follow them.
    CREATE TABLE IF NOT EXISTS renamed_ids (
        old_id TEXT NOT NULL, new_id TEXT NOT NULL, UNIQUE (old_id, new_id));
"""

# A digest's places as last read: (its sha1, [(position, paper id, title)]).
Places = tuple[str | None, list[tuple[int, str, str]]]


class Catalog:
    """SQLite record of digests, papers and appearances. Thread-safe through one lock."""

    def __init__(self, path: Path) -> None:
        make_private_dirs(path.parent)
        # Private whatever the umask (SQLite gives its -wal and -shm files the same mode).
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
        self.path = path
        self._lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, timeout=30, isolation_level=None)
        try:
            self._prepare()
        except BaseException:
            self.db.close()
            raise

    def _prepare(self) -> None:
        enable_wal(self.db, timeout=30)
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; other processes keep reading the last commit meanwhile."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def reset(self) -> None:
        """Forget every digest and paper, keeping where each paper was listed (unless the
        catalog is empty: a rebuild cut short keeps the places it had not read yet)."""
        with self._lock:
            self.db.executescript(
                """
                BEGIN;
                DELETE FROM previous_places WHERE EXISTS (SELECT 1 FROM appearances);
                INSERT OR IGNORE INTO previous_places
                    SELECT d.path, d.sha1, a.position, a.paper_id, p.title
                    FROM appearances a JOIN digests d ON d.id = a.digest_id JOIN papers p ON p.id = a.paper_id;
                DELETE FROM digests; DELETE FROM papers; DELETE FROM appearances; DELETE FROM paper_meta;
                COMMIT;
                """
            )

    def fingerprints(self) -> dict[str, tuple[int, int, int, str]]:
        """path -> (digest id, size, mtime_ns, sha1)"""
        with self._lock:
            rows = self.db.execute("SELECT path, id, size, mtime_ns, sha1 FROM digests").fetchall()
        return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}

    def paper_count(self) -> int:
        with self._lock:
            count: int = self.db.execute("SELECT count(*) FROM papers").fetchone()[0]
        return count

    # The write methods below run inside the sync's transaction (see reader.library.sync).

    def touch(self, digest_id: int, size: int, mtime_ns: int) -> None:
        self.db.execute("UPDATE digests SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, digest_id))

    def remove_digest(self, digest_id: int) -> set[str]:
        """Forget a digest; returns the papers that lost an appearance."""
        ids = {row[0] for row in self.db.execute("SELECT paper_id FROM appearances WHERE digest_id = ?", (digest_id,))}
        self.db.execute("DELETE FROM appearances WHERE digest_id = ?", (digest_id,))
        self.db.execute("DELETE FROM paper_meta WHERE digest_id = ?", (digest_id,))
        self.db.execute("DELETE FROM digests WHERE id = ?", (digest_id,))
        return ids

    def places(self, path: str, digest_id: int | None) -> Places:
        """What a digest listed when last read: (its sha1, [(position, paper id, title)]), from
        the catalog, or from before a rebuild when the catalog no longer has it."""
        if digest_id is not None:
            sha1 = self.db.execute("SELECT sha1 FROM digests WHERE id = ?", (digest_id,)).fetchone()
            rows = self.db.execute(
                "SELECT a.position, a.paper_id, p.title FROM appearances a JOIN papers p ON p.id = a.paper_id "
                "WHERE a.digest_id = ? ORDER BY a.position",
                (digest_id,),
            ).fetchall()
            return (sha1[0] if sha1 else None), rows
        rows = self.db.execute(
            "SELECT sha1, position, paper_id, title FROM previous_places WHERE path = ? ORDER BY position", (path,)
        ).fetchall()
        return (rows[0][0] if rows else None), [row[1:] for row in rows]

    def forget_previous_places(self) -> None:
        self.db.execute("DELETE FROM previous_places")

    def add_renamed_ids(self, renames: Iterable[tuple[str, str]]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO renamed_ids VALUES (?, ?)", renames)

    def renamed_ids(self) -> list[tuple[str, str, bool]]:
        """Every (old id, new id, whether a digest still lists the old id), oldest first."""
        with self._lock:
            return [
                (old, new, bool(listed))
                for old, new, listed in self.db.execute(
                    "SELECT old_id, new_id, EXISTS (SELECT 1 FROM appearances WHERE paper_id = old_id) "
                    "FROM renamed_ids ORDER BY rowid"
                )
            ]

    def put_digest(self, digest: Digest, size: int, mtime_ns: int, sha1: str) -> set[str]:
        """Record a parsed digest with its papers; returns the papers it lists."""
        warnings = json.dumps([str(warning) for warning in digest.warnings])
        cursor = self.db.execute(
            "INSERT INTO digests (path, size, mtime_ns, sha1, label, date, entries, warnings) VALUES (?,?,?,?,?,?,?,?)",
            (digest.path, size, mtime_ns, sha1, digest.label, digest.date.isoformat() if digest.date else None,
             len(digest.entries), warnings),
        )
        digest_id = cursor.lastrowid
        papers: dict[str, tuple[str, str, str, str]] = {}
        appearances = []
        metadata: dict[str, tuple[int | None, str, str]] = {}
        for position, entry in enumerate(digest.entries, start=1):
            pid = paper_id(entry.title)
            papers.setdefault(pid, (pid, entry.title, entry.abstract, json.dumps(find_links(entry.abstract))))
            appearances.append((digest_id, position, pid))
            if entry.meta is not None:
                metadata.setdefault(pid, (digest_id, pid, json.dumps(entry.meta.to_record())))
        self.db.executemany(
            "INSERT INTO papers VALUES (?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
            "title = excluded.title, abstract = excluded.abstract, links = excluded.links "
            "WHERE papers.abstract = '' AND excluded.abstract != ''",
            papers.values(),
        )
        self.db.executemany("INSERT INTO appearances VALUES (?,?,?)", appearances)
        self.db.executemany("INSERT INTO paper_meta VALUES (?,?,?)", metadata.values())
        return set(papers)

    def split_orphans(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """(ids still listed somewhere, ids no digest lists any more)."""
        kept: list[str] = []
        orphans: list[str] = []
        for pid in ids:
            listed = self.db.execute("SELECT 1 FROM appearances WHERE paper_id = ? LIMIT 1", (pid,)).fetchone()
            (kept if listed else orphans).append(pid)
        return kept, orphans

    def delete_papers(self, ids: Sequence[str]) -> None:
        self.db.executemany("DELETE FROM papers WHERE id = ?", ((pid,) for pid in ids))

    def documents(self, ids: Sequence[str]) -> Iterator[Document]:
        """The papers' texts, read one by one as they are consumed: for the sync, which holds
        the lock through its transaction; other threads use `read_documents`."""
        for pid in ids:
            row = self.db.execute("SELECT title, abstract FROM papers WHERE id = ?", (pid,)).fetchone()
            if row:
                yield Document(pid, row[0], row[1])

    def read_documents(self, ids: Sequence[str]) -> list[Document]:
        """The papers' texts, read at once under the lock (the connection is shared between threads)."""
        with self._lock:
            return list(self.documents(ids))

    # -- reading ---------------------------------------------------------------------------

    def load_view(self) -> LibraryView:
        with _collector_paused():
            return self._read_view()

    def _read_view(self) -> LibraryView:
        with self._lock:
            digest_rows = self.db.execute("SELECT id, path, label, date, entries, warnings FROM digests").fetchall()
            # In primary-key order, so each digest's papers come out in their listed order.
            rows = self.db.execute(
                "SELECT digest_id, paper_id FROM appearances ORDER BY digest_id, position"
            ).fetchall()
            all_titles = dict(self.db.execute("SELECT id, title FROM papers").fetchall())
        every_file = sorted(
            (
                DigestInfo(row[0], row[1], row[2], date.fromisoformat(row[3]) if row[3] else None, row[4],
                           tuple(json.loads(row[5] or "[]")))
                for row in digest_rows
            ),
            key=lambda info: info.sort_key,
        )
        digests = [info for info in every_file if info.entries]
        rejected = [info for info in every_file if not info.entries]
        listed: dict[int, list[str]] = {info.id: [] for info in digests}
        for digest_id, pid in rows:
            listed[digest_id].append(pid)
        # Newest digest first, then position: a paper's first sighting in this walk is its
        # newest appearance, which fixes its place in the default order.
        digest_ids: dict[str, list[int]] = {}
        for info in digests:
            for pid in listed[info.id]:
                seen_in = digest_ids.get(pid)
                if seen_in is None:
                    digest_ids[pid] = [info.id]
                elif seen_in[-1] != info.id:
                    seen_in.append(info.id)
        dates = {info.id: info.date for info in digests}
        papers = {pid: PaperSummary(pid, all_titles[pid], dates[ids[0]], tuple(ids)) for pid, ids in digest_ids.items()}
        members = {digest_id: frozenset(entries) for digest_id, entries in listed.items()}
        return LibraryView(digests, papers, list(papers), members, rejected)

    def paper(self, pid: str) -> Paper | None:
        with self._lock:
            row = self.db.execute("SELECT title, abstract, links FROM papers WHERE id = ?", (pid,)).fetchone()
            if row is None:
                return None
            places = self.db.execute(
                "SELECT d.id, d.label, d.date, d.path, a.position "
                "FROM appearances a JOIN digests d ON d.id = a.digest_id WHERE a.paper_id = ?",
                (pid,),
            ).fetchall()
            meta = self.db.execute(_META_NEWEST_LAST + " WHERE m.paper_id = ?" + _NEWEST_LAST, (pid,)).fetchall()
        appearances = sorted(
            (Appearance(r[0], r[1], date.fromisoformat(r[2]) if r[2] else None, r[3], r[4]) for r in places),
            key=lambda a: (a.date is None, -(a.date.toordinal() if a.date else 0), a.path, a.position),
        )
        newest = _read_meta(meta[-1][1]) if meta else None
        return Paper(pid, row[0], row[1], tuple(json.loads(row[2])), tuple(appearances), newest)

    def metadata(self) -> dict[str, PaperMeta]:
        """Every fetched paper's metadata, from the newest digest that lists it (upvotes
        change from day to day). Empty when only page copies are read."""
        with self._lock:
            rows = self.db.execute(_META_NEWEST_LAST + _NEWEST_LAST).fetchall()
        found: dict[str, PaperMeta] = {}
        for pid, record in rows:
            meta = _read_meta(record)
            if meta is not None:
                found[pid] = meta
        return found

    def abstracts(self, ids: Sequence[str]) -> dict[str, str]:
        """Abstracts of a few papers (the rows a list draws), in one query per 900 ids."""
        found = dict.fromkeys(ids, "")  # a paper gone since the search has no abstract to show
        with self._lock:
            for start in range(0, len(ids), 900):
                chunk = list(ids[start : start + 900])
                marks = ",".join("?" * len(chunk))
                query = f"SELECT id, abstract FROM papers WHERE id IN ({marks})"
                found.update(self.db.execute(query, chunk).fetchall())
        return found

    def ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]:
        with self._lock:
            rows = self.db.execute(
                "SELECT id FROM papers WHERE id >= ? AND id < ? ORDER BY id LIMIT ?", (prefix, prefix + "\uffff", limit)
            ).fetchall()
        return [row[0] for row in rows]


_META_NEWEST_LAST = "SELECT m.paper_id, m.meta FROM paper_meta m JOIN digests d ON d.id = m.digest_id"
_NEWEST_LAST = " ORDER BY d.date IS NOT NULL, d.date, d.id"


def _read_meta(record: str) -> PaperMeta | None:
    try:
        return PaperMeta.from_record(json.loads(record))
    except ValueError:  # the catalog is a cache: a record that does not read back is no metadata
        return None


def open_catalog(path: Path) -> tuple[Catalog, str | None]:
    """The catalog at `path`, and when it was found damaged the notice that it was moved
    aside (an empty one takes its place: the next sync rebuilds everything)."""
    try:
        return Catalog(path), None
    except sqlite3.DatabaseError as error:
        if not is_damage(error):
            raise
        notice = move_catalog_aside(path, error)
        return Catalog(path), notice


def move_catalog_aside(path: Path, error: sqlite3.DatabaseError) -> str:
    """Rename a damaged catalog (and its journal) to `<name>.damaged-<time>`, keeping only
    the newest such copy (the catalog is a cache); returns the notice."""
    for old in path.parent.glob(f"{path.name}.damaged-*"):
        old.unlink(missing_ok=True)
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):  # a journal must never meet the new file
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    return f"the digest catalog was damaged ({error}); moved it to {aside}; rebuilding it"


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """A file that is not a database, or a damaged one (not a busy or full disk)."""
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def size_and_time(stat: os.stat_result) -> tuple[int, int]:
    """A file's size and modification time as the catalog keeps them. SQLite integers have
    64 bits: nanoseconds after the year 2262 wrap around, which keeps them distinct."""
    return stat.st_size, (stat.st_mtime_ns + 2**63) % 2**64 - 2**63


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building 100,000 small tuples triggers the cycle collector dozens of times, for
    nothing (they hold no cycles): pausing it makes loading the view about twice as fast."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
