"""Digest sources -> de-duplicated papers with their appearances, kept in step with the index.

The catalog (SQLite, in the cache folder next to the Whoosh index) remembers each digest's
fingerprint and what it contained, so a sync re-reads only new or changed files and
re-indexes only the papers they touch. Like the index it is a cache: deleting the folder
costs one rebuild, never a mark (marks live in the state database, keyed by paper id).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reader.domain.annotations import Annotations
from reader.domain.cancel import CancelToken
from reader.domain.library_view import DigestInfo, LibraryView, PaperSummary
from reader.domain.models import Appearance, Digest, Paper, ParseWarning
from reader.domain.text import clean_text, escape_name, find_links, paper_id, title_key
from reader.ingest.digest import MAX_FILE_BYTES, parse_read, read_digest
from reader.library.search_pipeline import Searcher, SearchResult
from reader.search.fastsearch import FastSearch
from reader.search.index import SCHEMA_VERSION as INDEX_SCHEMA_VERSION
from reader.search.index import Document, IndexDamaged, IndexLocked, SearchIndex
from reader.search.query import ParsedQuery, parse_query
from reader.system.private import first_unsafe, make_private_dirs
from reader.system.sqlite_wal import enable_wal

# 2: text clean-up removes invisible characters and inline-math dollars; file-name labels escaped.
# 3: braces around converted TeX macros go (`{\rho}` -> `ρ`).
CATALOG_VERSION = 3
CATALOG_FILE = "catalog.sqlite3"
DIGEST_SUFFIXES = (".txt", ".md", ".text")
# About a thousand papers: below this a single-process index writer is quicker.
BULK_BYTES = 1_500_000
MIN_ID_PREFIX = 4  # a shorter prefix of an id would match too many papers to be useful

Progress = Callable[[str, int, int], None]


@dataclass
class SyncReport:
    parsed: int = 0
    unchanged: int = 0
    removed: int = 0
    written: int = 0
    deleted: int = 0
    seconds: float = 0.0
    warnings: list[ParseWarning] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    read_only: bool = False
    renamed: int = 0  # places of papers read again under a new id (text cleaned up differently)
    # When the library has no papers: why, in one line naming the file ("no papers: x.txt:1:
    # binary file (NUL bytes); skipped"). Set at every sync, not only when a file was read.
    empty_reason: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.parsed or self.removed or self.written or self.deleted)


_NOT_REGULAR = "not a regular file (a pipe, terminal, socket or device); skipped: save it to a file first"


def is_digest_file_name(name: str) -> bool:
    """Whether a file in a digest folder is read as a digest: a digest suffix, and not
    hidden (editors and tools keep dot-files beside the real ones)."""
    return Path(name).suffix.lower() in DIGEST_SUFFIXES and not name.startswith(".")


def digest_file_name(name: str) -> str:
    """The name under which `reader add` keeps a digest: `.txt`, and never hidden, so that
    discovery (`is_digest_file_name`) reads it."""
    stem = Path(name).stem.lstrip(".") or "digest"
    return stem + ".txt"


def discover_digest_files(sources: Iterable[Path]) -> tuple[list[Path], list[ParseWarning]]:
    """Files named by the sources: a file as given, a folder's digest files (not recursive)."""
    files: list[Path] = []
    warnings: list[ParseWarning] = []
    for source in sources:
        source = Path(source).expanduser()
        if source.is_file():
            files.append(source.resolve())
        elif source.is_dir():
            try:
                entries = sorted(source.iterdir())
            except OSError as error:
                warnings.append(ParseWarning(str(source), 0, f"cannot list folder: {error.strerror or error}"))
                continue
            for entry in entries:
                if not is_digest_file_name(entry.name):
                    continue
                if entry.is_file():
                    files.append(entry.resolve())
                elif entry.is_symlink() and not entry.exists():
                    warnings.append(ParseWarning(str(entry), 0, "broken symbolic link; skipped"))
                elif entry.is_dir():
                    warnings.append(ParseWarning(str(entry), 0, "a folder named like a digest; skipped"))
                elif entry.exists():  # a FIFO, socket or device: opening one could block forever
                    warnings.append(ParseWarning(str(entry), 0, _NOT_REGULAR))
        elif source.exists():  # /dev/stdin and the like: a link to a pipe or terminal
            warnings.append(ParseWarning(str(source), 0, _NOT_REGULAR))
        elif source.is_symlink():
            warnings.append(ParseWarning(str(source), 0, "broken symbolic link; skipped"))
    unique = list(dict.fromkeys(files))
    return unique, warnings


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
        self.db.executescript(
            """
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
        )

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextmanager
    def transaction(self):
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
                DELETE FROM digests; DELETE FROM papers; DELETE FROM appearances;
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
            return self.db.execute("SELECT count(*) FROM papers").fetchone()[0]

    # The write methods below run inside the sync's transaction (see Library.sync).

    def touch(self, digest_id: int, size: int, mtime_ns: int) -> None:
        self.db.execute("UPDATE digests SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, digest_id))

    def remove_digest(self, digest_id: int) -> set[str]:
        """Forget a digest; returns the papers that lost an appearance."""
        ids = {row[0] for row in self.db.execute("SELECT paper_id FROM appearances WHERE digest_id = ?", (digest_id,))}
        self.db.execute("DELETE FROM appearances WHERE digest_id = ?", (digest_id,))
        self.db.execute("DELETE FROM digests WHERE id = ?", (digest_id,))
        return ids

    def places(self, path: str, digest_id: int | None) -> tuple[str | None, list[tuple[int, str, str]]]:
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
        papers = {}
        appearances = []
        for position, entry in enumerate(digest.entries, start=1):
            pid = paper_id(entry.title)
            papers.setdefault(pid, (pid, entry.title, entry.abstract, json.dumps(find_links(entry.abstract))))
            appearances.append((digest_id, position, pid))
        self.db.executemany(
            "INSERT INTO papers VALUES (?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
            "title = excluded.title, abstract = excluded.abstract, links = excluded.links "
            "WHERE papers.abstract = '' AND excluded.abstract != ''",
            papers.values(),
        )
        self.db.executemany("INSERT INTO appearances VALUES (?,?,?)", appearances)
        return set(papers)

    def split_orphans(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """(ids still listed somewhere, ids no digest lists any more)."""
        kept, orphans = [], []
        for pid in ids:
            listed = self.db.execute("SELECT 1 FROM appearances WHERE paper_id = ? LIMIT 1", (pid,)).fetchone()
            (kept if listed else orphans).append(pid)
        return kept, orphans

    def delete_papers(self, ids: Sequence[str]) -> None:
        self.db.executemany("DELETE FROM papers WHERE id = ?", ((pid,) for pid in ids))

    def documents(self, ids: Sequence[str]) -> Iterable[Document]:
        for pid in ids:
            row = self.db.execute("SELECT title, abstract FROM papers WHERE id = ?", (pid,)).fetchone()
            if row:
                yield Document(pid, row[0], row[1])

    # -- reading ---------------------------------------------------------------------------

    def load_view(self) -> LibraryView:
        with _collector_paused():
            return self._read_view()

    def _read_view(self) -> LibraryView:
        with self._lock:
            digest_rows = self.db.execute("SELECT id, path, label, date, entries, warnings FROM digests").fetchall()
            # In primary-key order, so each digest's papers come out in their listed order.
            rows = self.db.execute("SELECT digest_id, paper_id FROM appearances ORDER BY digest_id, position").fetchall()
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
                "SELECT d.id, d.label, d.date, d.path, a.position FROM appearances a JOIN digests d ON d.id = a.digest_id "
                "WHERE a.paper_id = ?",
                (pid,),
            ).fetchall()
        appearances = sorted(
            (Appearance(r[0], r[1], date.fromisoformat(r[2]) if r[2] else None, r[3], r[4]) for r in places),
            key=lambda a: (a.date is None, -(a.date.toordinal() if a.date else 0), a.path, a.position),
        )
        return Paper(pid, row[0], row[1], tuple(json.loads(row[2])), tuple(appearances))

    def abstracts(self, ids: Sequence[str]) -> dict[str, str]:
        """Abstracts of a few papers (the rows a list draws), in one query per 900 ids."""
        found = dict.fromkeys(ids, "")  # a paper gone since the search has no abstract to show
        with self._lock:
            for start in range(0, len(ids), 900):
                chunk = list(ids[start : start + 900])
                marks = ",".join("?" * len(chunk))
                found.update(self.db.execute(f"SELECT id, abstract FROM papers WHERE id IN ({marks})", chunk).fetchall())
        return found

    def ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]:
        with self._lock:
            rows = self.db.execute(
                "SELECT id FROM papers WHERE id >= ? AND id < ? ORDER BY id LIMIT ?", (prefix, prefix + "\uffff", limit)
            ).fetchall()
        return [row[0] for row in rows]


@contextmanager
def _collector_paused():
    """Building 100,000 small tuples triggers the cycle collector dozens of times, for
    nothing (they hold no cycles): pausing it makes loading the view about twice as fast."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _size_and_time(stat: os.stat_result) -> tuple[int, int]:
    """A file's size and modification time as the catalog keeps them. SQLite integers have
    64 bits: nanoseconds after the year 2262 wrap around, which keeps them distinct."""
    return stat.st_size, (stat.st_mtime_ns + 2**63) % 2**64 - 2**63


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    """A file that is not a database, or a damaged one (not a busy or full disk)."""
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class Library:
    """The sources, their catalog and their index, kept in step."""

    def __init__(self, sources: Sequence[Path], folder: Path) -> None:
        self.sources = [Path(source) for source in sources]
        self._notices: list[str] = []  # told with the next sync's report
        self._catalog_damage: str | None = None  # why the next sync rebuilds everything
        self.folder = self._private_folder(folder)
        self.catalog = self._open_catalog(self.folder / CATALOG_FILE)
        self.index = SearchIndex(self.folder / "whoosh")
        # In-memory postings that answer the common query shapes far faster than Whoosh;
        # Whoosh stays the index of record and answers whatever this cannot.
        self.fast = FastSearch(self.folder / "fast")
        self._fast_stale = False
        self._view: LibraryView | None = None
        self._sync_lock = threading.Lock()
        self._searcher = Searcher()  # the search's caches: see reader.library.search_pipeline

    def close(self) -> None:
        self.fast.close()
        self.index.close()
        self.catalog.close()

    # -- a folder and a catalog fit to use ------------------------------------------------

    def _private_folder(self, folder: Path) -> Path:
        """The folder, never used when another user could have written in it (Whoosh loads
        pickles from it): moved aside, or the index built elsewhere, with a notice."""
        found = first_unsafe(folder)
        if found is None:
            make_private_dirs(folder)
            os.chmod(folder, 0o700)  # folders made by older versions obeyed the umask
            return folder
        culprit, reason = found
        aside = folder.with_name(f"{folder.name}.unsafe-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.rename(folder, aside)
            make_private_dirs(folder)
            where = f"moved it to {aside}; rebuilding the index"
        except OSError:
            folder = Path(tempfile.mkdtemp(prefix="reader-index-"))
            where = f"building the index in {folder} for now"
        self._notices.append(f"not using the index: {culprit} {reason}; {where}")
        return folder

    def _open_catalog(self, path: Path) -> Catalog:
        try:
            return Catalog(path)
        except sqlite3.DatabaseError as error:
            if not _is_damage(error):
                raise
            self._catalog_damage = self._move_catalog_aside(path, error)
            return Catalog(path)

    def _replace_damaged_catalog(self, error: sqlite3.DatabaseError) -> None:
        self.catalog.close()
        self._catalog_damage = self._move_catalog_aside(self.catalog.path, error)
        self.catalog = Catalog(self.catalog.path)
        self._view = None

    @staticmethod
    def _move_catalog_aside(path: Path, error: sqlite3.DatabaseError) -> str:
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

    # -- keeping in step -----------------------------------------------------------------

    def _check_versions(self, report: SyncReport, rebuild: bool) -> None:
        wanted = f"{CATALOG_VERSION}.{INDEX_SCHEMA_VERSION}"
        stored = self.catalog.get_meta("version")
        reason = None
        if self._catalog_damage:
            reason, self._catalog_damage = self._catalog_damage, None
        elif rebuild:
            reason = "rebuilding the index as asked"
        elif stored is not None and stored != wanted:
            reason = "the index format changed; rebuilding it"
        elif self.catalog.paper_count() and not self.index.exists():
            reason = "the index is missing; rebuilding it"
        else:
            try:
                self.index.open()
            except IndexDamaged as error:
                aside = self.index.move_aside()  # kept for a bug report; the index is a cache
                moved = f"; moved it to {aside}" if aside else ""
                reason = f"the index was damaged ({error}){moved}; rebuilding it"
        if reason:
            report.notices.append(reason)
            self.index.wipe()
            self.fast.wipe()
            self.catalog.reset()
        if reason or stored != wanted:
            # Written only when it changes: a write here would wait for the catalog lock
            # that another copy holds for its whole indexing run.
            self.catalog.set_meta("version", wanted)

    def sync(self, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Bring the catalog and the index up to date with the digest files; a catalog found
        damaged on the way is moved aside and everything rebuilt."""
        try:
            report = self._sync(progress, rebuild)
        except sqlite3.DatabaseError as error:
            if not _is_damage(error):
                raise
            with self._sync_lock:
                self._replace_damaged_catalog(error)
            report = self._sync(progress, rebuild)
        report.notices[:0] = self._notices
        self._notices.clear()
        return report

    def _sync(self, progress: Progress | None, rebuild: bool) -> SyncReport:
        with self._sync_lock:
            started = time.perf_counter()
            report = SyncReport()
            self._check_versions(report, rebuild)
            files, report.warnings = discover_digest_files(self.sources)
            known = self.catalog.fingerprints()
            present = {str(file) for file in files}
            stale = [path for path in known if path not in present]
            pending = []
            for file in files:
                try:
                    stat = file.stat()
                except OSError as error:
                    report.warnings.append(ParseWarning(str(file), 0, f"cannot read: {error.strerror or error}"))
                    continue
                previous = known.get(str(file))
                if previous and previous[1:3] == _size_and_time(stat):
                    report.unchanged += 1
                else:
                    pending.append((file, stat, previous))
            if pending or stale:
                try:
                    self._apply(pending, stale, report, progress)
                except IndexLocked:
                    report.read_only = True
                    report.notices.append(
                        "another reader is updating the index; showing its last saved state (read-only until it finishes)"
                    )
            self._view = None
            self._keep_fast_search_current(progress)
            if not self.view().papers and not report.read_only:  # (read-only: another copy is filling it)
                report.empty_reason = self._why_empty([w for w in report.warnings if w.line == 0])
            report.seconds = time.perf_counter() - started
            return report

    def _why_empty(self, skipped: Sequence[ParseWarning]) -> str:
        """Why the sources gave no paper: the files that were rejected and the first reason."""
        rejected = [str(warning) for warning in skipped]
        rejected += [info.warnings[0] if info.warnings else escape_name(info.path) for info in self.view().rejected]
        if not rejected:
            places = ", ".join(escape_name(source) for source in self.sources)
            return f"no digest files in {places} (a digest is a .txt, .md or .text file)"
        if len(rejected) == 1:
            return f"no papers: {rejected[0]}"
        return f"no papers in {len(rejected)} digest files; the first: {rejected[0]}"

    def _keep_fast_search_current(self, progress: Progress | None) -> None:
        """Load the fast index, or build it when missing, stale or damaged. It is a cache:
        any failure leaves it unloaded and Whoosh answers every search."""
        try:
            if self._fast_stale or not self.fast.refresh() or self.fast.doc_count() != self.catalog.paper_count():
                order = self.view().order
                self.fast.rebuild(_counted(self.catalog.documents(order), "preparing fast search", len(order), progress))
                self._fast_stale = False
            elif self.fast.needs_compaction():
                self.fast.compact()
            self.fast.prepare(self.view().order)
        except Exception:  # noqa: BLE001 - never fail a sync for a cache
            self.fast.close()

    def _apply(self, pending, stale: list[str], report: SyncReport, progress: Progress | None) -> None:
        # Lock order: the index first (fails at once when another copy is indexing), then the
        # catalog, so a second copy never waits on a catalog transaction held during indexing.
        read = sum(min(stat.st_size, MAX_FILE_BYTES) for _, stat, _ in pending)
        writer = self.index.writer(bulk=read >= BULK_BYTES)
        report.notices.extend(self.index.take_notices())  # e.g. a lock left by a dead reader, broken
        try:
            with self.catalog.transaction():
                known = self.catalog.fingerprints()
                affected = self._record_changes(pending, stale, known, report, progress)
                kept, orphans = self.catalog.split_orphans(sorted(affected))
                self.catalog.delete_papers(orphans)
                indexing = (lambda done, total: progress("indexing papers", done, total)) if progress else None
                # The index commits before the catalog: a crash between the two redoes the work.
                report.written = self.index.write(
                    writer, self.catalog.documents(kept), orphans, total=len(kept), progress=indexing
                )
                writer = None
                self._update_fast_search(kept, orphans)
                report.deleted = len(orphans)
        finally:
            if writer is not None:
                writer.cancel()

    def _update_fast_search(self, kept: Sequence[str], orphans: Sequence[str]) -> None:
        try:
            loaded = self.fast.loaded or self.fast.load()
            if not (loaded and self.fast.update(self.catalog.documents(kept), orphans)):
                self._fast_stale = True
        except Exception:  # noqa: BLE001 - a cache: rebuilt at the end of the sync
            self._fast_stale = True

    def _record_changes(self, pending, stale, known, report: SyncReport, progress: Progress | None) -> set[str]:
        """Update the catalog for removed and changed digests; returns the papers touched."""
        affected: set[str] = set()
        for path in stale:
            affected |= self.catalog.remove_digest(known[path][0])
            report.removed += 1
        for number, (file, stat, previous) in enumerate(pending, start=1):
            if progress:
                progress("reading digests", number, len(pending))
            try:
                read = read_digest(file)
            except OSError as error:  # unreadable, or replaced by a folder since discovery
                report.warnings.append(ParseWarning(str(file), 0, f"cannot read: {error.strerror or error}"))
                continue
            # The fingerprint covers what is read, not the whole file: a 3 GB file costs
            # its first 32 MiB, and a change past them would change nothing shown.
            sha1 = hashlib.sha1(read.data).hexdigest()
            if previous and sha1 == previous[3]:
                self.catalog.touch(previous[0], *_size_and_time(stat))
                report.unchanged += 1
                continue
            digest = parse_read(read, str(file))
            report.warnings.extend(digest.warnings)
            report.parsed += 1
            listed_before = self.catalog.places(str(file), previous[0] if previous else None)
            if previous:
                affected |= self.catalog.remove_digest(previous[0])
            affected |= self.catalog.put_digest(digest, *_size_and_time(stat), sha1)
            renames = _same_papers_renamed(listed_before, digest, sha1)
            self.catalog.add_renamed_ids(renames)
            report.renamed += len(renames)
        self.catalog.forget_previous_places()  # compared above (or their file is gone): used up
        return affected

    # -- reading -------------------------------------------------------------------------

    def view(self) -> LibraryView:
        if self._view is None:
            try:
                self._view = self.catalog.load_view()
            except sqlite3.DatabaseError as error:
                if not _is_damage(error):
                    raise
                self._replace_damaged_catalog(error)  # empty until the next sync rebuilds it
                self._view = self.catalog.load_view()
        return self._view

    def paper(self, pid: str) -> Paper | None:
        return self.catalog.paper(pid)

    def abstracts(self, ids: Sequence[str]) -> dict[str, str]:
        return self.catalog.abstracts(ids)

    def renamed_ids(self) -> list[tuple[str, str, bool]]:
        """Papers whose id changed when their digest was read again (a new text clean-up keys
        their title differently): (old id, new id, whether a digest still lists the old id),
        oldest first. Kept for good: the user's marks follow them (reader.library.renamed_ids)."""
        return self.catalog.renamed_ids()

    def resolve_id(self, text: str) -> str:
        """A full id or a unique prefix of one; raises KeyError with a readable reason."""
        text = text.strip().lower()
        if len(text) < MIN_ID_PREFIX:
            raise KeyError(f"id {text!r} is too short: give at least {MIN_ID_PREFIX} characters of the paper's id")
        matches = self.catalog.ids_with_prefix(text)
        if len(matches) == 1 or text in matches:
            return text if text in matches else matches[0]
        if not matches:
            raise KeyError(f"no paper with id {text!r}")
        raise KeyError(f"id {text!r} is ambiguous; give more characters")

    def plan(self, text: str) -> ParsedQuery:
        """The search box's text parsed once into the plan `search` runs: parsed against this
        library's index, so a half-typed last word also matches the stems it has run past."""
        return parse_query(text, self.index.has_term)

    def search(
        self,
        parsed: ParsedQuery,
        read_ids: frozenset[str] = frozenset(),
        starred_ids: frozenset[str] = frozenset(),
        limit: int | None = None,
        annotations: Annotations | None = None,
        cancel: CancelToken | None = None,
    ) -> SearchResult:
        """Ranked hits for a text query, or every paper in date order; filters applied.

        With `annotations`, tag: and note: filters apply and plain words match notes too.
        With `cancel`, the search stops with SearchCancelled once the token is cancelled."""
        return self._searcher.search(
            parsed, self.view(), self.index, self.fast, self._noted_documents,
            read_ids, starred_ids, limit, annotations, cancel,
        )

    def _noted_documents(self, ids: Sequence[str]) -> list[Document]:
        with self.catalog._lock:  # the catalog's connection is shared between threads
            return list(self.catalog.documents(ids))


def _same_papers_renamed(
    before: tuple[str | None, list[tuple[int, str, str]]], digest: Digest, sha1: str
) -> list[tuple[str, str]]:
    """(old id, new id) for each paper of a digest read again that is listed at the same
    place under another id, and is the same paper: its old title, cleaned by today's rules,
    is the new one; or the file is byte for byte the same (only the reading rules changed),
    the old id is gone from it and the new one was not there before."""
    old_sha1, places = before
    if not places:  # a digest read for the first time
        return []
    new_ids = [paper_id(entry.title) for entry in digest.entries]
    listed_now, listed_before = set(new_ids), {pid for _, pid, _ in places}
    renames = []
    for position, old_id, old_title in places:
        if not 1 <= position <= len(new_ids) or new_ids[position - 1] == old_id:
            continue
        new_id, new_title = new_ids[position - 1], digest.entries[position - 1].title
        same_title = title_key(clean_text(old_title)) == title_key(new_title)
        same_file = old_sha1 == sha1 and old_id not in listed_now and new_id not in listed_before
        if same_title or same_file:
            renames.append((old_id, new_id))
    return renames


def _counted(documents: Iterable[Document], stage: str, total: int, progress: Progress | None) -> Iterable[Document]:
    for number, document in enumerate(documents, start=1):
        if progress and number % 1000 == 0:
            progress(stage, number, total)
        yield document
