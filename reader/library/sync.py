"""Keeping the digest catalog and the two search indexes in step with the digest files.

One cache folder holds the catalog (reader.ingest.catalog), the Whoosh index of record and
the fast in-memory index (reader.search). A sync reads only new or changed digests, records
them in the catalog and re-indexes only the papers they touch. All three are caches:
whatever is found damaged is moved aside and rebuilt, never a mark lost.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.domain.document import Document
from reader.domain.library_view import LibraryView
from reader.domain.models import ParseWarning
from reader.domain.text import escape_name
from reader.ingest.catalog import CATALOG_FILE, CATALOG_VERSION, Catalog, is_damage, move_catalog_aside, open_catalog
from reader.ingest.changes import Changes, Progress, Recorded, find_changes, record_changes
from reader.ingest.sources import discover_digest_files
from reader.search.fastsearch import FastSearch
from reader.search.index import SCHEMA_VERSION as INDEX_SCHEMA_VERSION
from reader.search.index import IndexDamaged, IndexLocked, SearchIndex
from reader.system.private import first_unsafe, make_private_dirs

# About a thousand papers: below this a single-process index writer is quicker.
BULK_BYTES = 1_500_000

_READ_ONLY = "another reader is updating the index; showing its last saved state (read-only until it finishes)"


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

    def add(self, recorded: Recorded) -> None:
        self.parsed += recorded.parsed
        self.unchanged += recorded.unchanged
        self.removed += recorded.removed
        self.renamed += recorded.renamed
        self.warnings.extend(recorded.warnings)


class IndexedCatalog:
    """The digest catalog and its Whoosh and fast indexes, in one cache folder."""

    def __init__(self, sources: Sequence[Path], folder: Path) -> None:
        self.sources = [Path(source) for source in sources]
        self._notices: list[str] = []  # told with the next sync's report
        self.folder = self._private_folder(folder)
        # Why the next sync rebuilds everything (the catalog was found damaged), if it does.
        self.catalog, self._catalog_damage = open_catalog(self.folder / CATALOG_FILE)
        self.index = SearchIndex(self.folder / "whoosh")
        # In-memory postings that answer the common query shapes far faster than Whoosh;
        # Whoosh stays the index of record and answers whatever this cannot.
        self.fast = FastSearch(self.folder / "fast")
        self._fast_stale = False
        self._view: LibraryView | None = None
        self._sync_lock = threading.Lock()

    def close(self) -> None:
        self.fast.close()
        self.index.close()
        self.catalog.close()

    def view(self) -> LibraryView:
        if self._view is None:
            try:
                self._view = self.catalog.load_view()
            except sqlite3.DatabaseError as error:
                if not is_damage(error):
                    raise
                self._replace_damaged_catalog(error)  # empty until the next sync rebuilds it
                self._view = self.catalog.load_view()
        return self._view

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

    def _replace_damaged_catalog(self, error: sqlite3.DatabaseError) -> None:
        self.catalog.close()
        self._catalog_damage = move_catalog_aside(self.catalog.path, error)
        self.catalog = Catalog(self.catalog.path)
        self._view = None

    # -- keeping in step -----------------------------------------------------------------

    def sync(self, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Bring the catalog and the indexes up to date with the digest files; a catalog found
        damaged on the way is moved aside and everything rebuilt."""
        try:
            report = self._sync(progress, rebuild)
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
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
            changes = find_changes(files, self.catalog.fingerprints())
            report.warnings.extend(changes.warnings)
            report.unchanged += changes.unchanged
            if (changes.pending or changes.stale) and not report.read_only:
                try:
                    self._apply(changes, report, progress)
                except IndexLocked:
                    report.read_only = True
                    report.notices.append(_READ_ONLY)
            self._view = None
            self._keep_fast_search_current(progress)
            if not self.view().papers and not report.read_only:  # (read-only: another copy is filling it)
                report.empty_reason = self._why_empty([w for w in report.warnings if w.line == 0])
            report.seconds = time.perf_counter() - started
            return report

    def _check_versions(self, report: SyncReport, rebuild: bool) -> None:
        wanted = f"{CATALOG_VERSION}.{INDEX_SCHEMA_VERSION}"
        stored = self.catalog.get_meta("version")
        damage, self._catalog_damage = self._catalog_damage, None
        try:
            reason = self._rebuild_reason(damage, rebuild, stored != wanted and stored is not None)
            if reason:
                self.index.wipe()
        except IndexLocked:
            # Another copy is writing the index, in this folder: never pull it from under
            # that copy. Search its last commit; a later sync rebuilds if still needed.
            self._catalog_damage = damage
            report.read_only = True
            report.notices.append(_READ_ONLY)
            return
        if reason:
            report.notices.append(reason)
            self.fast.wipe()
            self.catalog.reset()
        if reason or stored != wanted:
            # Written only when it changes: a write here would wait for the catalog lock
            # that another copy holds for its whole indexing run.
            self.catalog.set_meta("version", wanted)

    def _rebuild_reason(self, damage: str | None, rebuild: bool, format_changed: bool) -> str | None:
        """Why the index must be rebuilt, if it must."""
        if damage:
            return damage
        if rebuild:
            return "rebuilding the index as asked"
        if format_changed:
            return "the index format changed; rebuilding it"
        if self.catalog.paper_count() and not self.index.exists():
            return "the index is missing; rebuilding it"
        return self._open_index()

    def _open_index(self) -> str | None:
        """Open the Whoosh index; why it must be rebuilt when it is damaged (IndexLocked
        when it is, but another copy is writing it)."""
        try:
            self.index.open()
        except IndexDamaged as error:
            aside = self.index.move_aside()  # kept for a bug report; the index is a cache
            moved = f"; moved it to {aside}" if aside else ""
            return f"the index was damaged ({error}){moved}; rebuilding it"
        return None

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
                documents = self.catalog.documents(order)
                self.fast.rebuild(_counted(documents, "preparing fast search", len(order), progress))
                self._fast_stale = False
            elif self.fast.needs_compaction():
                self.fast.compact()
            self.fast.prepare(self.view().order)
        except Exception:  # noqa: BLE001 - never fail a sync for a cache
            self.fast.close()

    def _apply(self, changes: Changes, report: SyncReport, progress: Progress | None) -> None:
        # Lock order: the index first (fails at once when another copy is indexing), then the
        # catalog, so a second copy never waits on a catalog transaction held during indexing.
        writer = self.index.writer(bulk=changes.bytes_to_read >= BULK_BYTES)
        report.notices.extend(self.index.take_notices())  # e.g. a lock left by a dead reader, broken
        try:
            with self.catalog.transaction():
                recorded = record_changes(self.catalog, changes, self.catalog.fingerprints(), progress)
                report.add(recorded)
                kept, orphans = self.catalog.split_orphans(sorted(recorded.affected))
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


def _counted(documents: Iterable[Document], stage: str, total: int, progress: Progress | None) -> Iterable[Document]:
    for number, document in enumerate(documents, start=1):
        if progress and number % 1000 == 0:
            progress(stage, number, total)
        yield document
