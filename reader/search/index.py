"""The Whoosh full-text index: schema, writing and searching.

The index is a cache of the catalog: it holds only what search needs (the id, and the
analysed title and abstract), never the user's marks, and can always be rebuilt.

Several copies of the reader share one index folder. Only the copy holding the write lock
removes or moves index files (Whoosh's own commits, a wipe or moving a damaged index
aside); the others create the first table of contents without deleting anything, and
search the last commit read-only.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.collectors import WrappingCollector
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import LockError
from whoosh.query import Query

from reader.domain.document import Document
from reader.search.analysis import ANALYZER, match_spans
from reader.search.index_lock import BulkWriter, OwnedLock, PrivateStorage, folder_locked
from reader.system.private import make_private_dirs

SCHEMA_VERSION = 1
INDEX_NAME = "papers"
BULK_PROCESSES = min(2, os.cpu_count() or 1)
OPEN_ATTEMPTS = 5  # another copy committing this often while one opens: taken as damage


def make_schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=TEXT(analyzer=ANALYZER, field_boost=2.0),
        abstract=TEXT(analyzer=ANALYZER),
    )


class IndexLocked(Exception):
    """Another process is writing the index; searching still works on its last commit."""


class IndexDamaged(Exception):
    """The index files could not be opened; the caller rebuilds from the catalog."""


@dataclass(frozen=True)
class Hit:
    id: str
    score: float


class SearchIndex:
    """A Whoosh index in one folder, with one long-lived searcher per thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._index = None
        self._local = threading.local()
        self._notices: list[str] = []  # e.g. a stale write lock broken
        self._vocabulary: tuple[object, Any] | None = None  # (index generation, vocabulary)

    def take_notices(self) -> list[str]:
        """What the user should hear about since the last call."""
        notices, self._notices = self._notices, []
        return notices

    # -- opening -------------------------------------------------------------------------

    def exists(self) -> bool:
        # Looks for the table of contents without opening it: opening a damaged one raises.
        return self.folder.is_dir() and any(self.folder.glob(f"_{INDEX_NAME}_*.toc"))

    def open(self) -> None:
        """Open the index, creating an empty one if there is none.

        Another copy may commit meanwhile: it writes a new table of contents, then deletes
        the old one and the segments no longer listed. A failure while the generation moved
        on is that, not damage, and the open is tried again."""
        storage = PrivateStorage(str(self.folder), supports_mmap=False, notice=self._notices.append)
        for _attempt in range(OPEN_ATTEMPTS):
            generation = self._generation(storage)
            try:
                self._index = self._open_or_create(storage)
                return
            except Exception as error:  # a damaged TOC can fail in many ways inside Whoosh
                if self._generation(storage) != generation:
                    continue
                if isinstance(error, (OSError, ValueError, EOFError, KeyError, whoosh_index.IndexError)):
                    raise IndexDamaged(f"{self.folder}: {error}") from error
                raise IndexDamaged(f"{self.folder}: {error.__class__.__name__}: {error}") from error
        raise IndexDamaged(f"{self.folder}: changed {OPEN_ATTEMPTS} times while being opened")

    def _open_or_create(self, storage: PrivateStorage):
        if not self.exists():
            make_private_dirs(self.folder)
            with folder_locked(self.folder):  # two copies starting at once: one creates it
                if not self.exists():
                    # Not Whoosh's create_index: it first deletes every `_papers_*` file, the
                    # table of contents another copy has just committed among them.
                    whoosh_index.TOC(make_schema(), [], 0).write(storage, INDEX_NAME)
        index = storage.open_index(INDEX_NAME)
        index.reader().close()  # opens every segment: a truncated one fails here
        return index

    @staticmethod
    def _generation(storage: PrivateStorage) -> int:
        """The newest table of contents' generation; -1 when there is none (or no folder)."""
        try:
            return whoosh_index.TOC._latest_generation(storage, INDEX_NAME)
        except OSError:
            return -1

    def move_aside(self) -> Path | None:
        """Rename a damaged index folder to `<folder>.damaged-<time>` (only the newest such
        folder is kept: the index is a cache); None when there is nothing to move.
        IndexLocked when another copy is writing it: that copy's files are in the folder."""
        self.close()
        if not self.folder.exists():
            return None
        with self._exclusive():
            for old in self.folder.parent.glob(f"{self.folder.name}.damaged-*"):
                shutil.rmtree(old, ignore_errors=True)
            target = self.folder.with_name(f"{self.folder.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.rename(self.folder, target)
            except OSError:
                return None  # e.g. another copy moved it first; wipe() clears what is left
            return target

    def wipe(self) -> None:
        """Remove every index file (a rebuild follows); IndexLocked when another copy is writing it."""
        self.close()
        with self._exclusive():
            shutil.rmtree(self.folder, ignore_errors=True)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the write lock: only the copy that may write the index removes or moves its
        files, never those another copy is writing or committing."""
        if not self.folder.is_dir():
            yield
            return
        lock = OwnedLock(str(self.folder / f"{INDEX_NAME}_WRITELOCK"), self._notices.append)
        if not lock.acquire():
            raise IndexLocked(str(self.folder))
        try:
            yield
        finally:
            lock.release()

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
        self._index = None
        self._vocabulary = None

    @property
    def ix(self):
        if self._index is None:
            self.open()
        return self._index

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    # -- writing -------------------------------------------------------------------------

    def writer(self, bulk: bool = False):
        """Take the index's write lock now, or raise IndexLocked if another process has it.

        A bulk writer analyses in two processes, each writing its own segment: about twice
        as fast on two cores, but not worth the start-up cost for one digest.
        """
        try:
            if bulk and BULK_PROCESSES > 1:
                return BulkWriter(self.ix, procs=BULK_PROCESSES, limitmb=128, multisegment=True)
            return self.ix.writer(limitmb=256)
        except LockError as error:
            raise IndexLocked(str(self.folder)) from error

    @staticmethod
    def write(
        writer,
        documents: Iterable[Document],
        delete_ids: Iterable[str] = (),
        *,
        total: int = 0,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Add or replace documents and delete others, then commit. Ids must be unique.

        On an exception the writer is left open: the caller cancels it.
        """
        written = 0
        for paper_id in delete_ids:
            writer.delete_by_term("id", paper_id)
        for document in documents:
            writer.update_document(id=document.id, title=document.title, abstract=document.abstract)
            written += 1
            if progress is not None and written % 500 == 0:
                progress(written, total)
        writer.commit()
        if progress is not None:
            progress(written, total)
        return written

    # -- searching -----------------------------------------------------------------------

    def searcher(self):
        """This thread's searcher, refreshed when another commit has landed."""
        searcher = getattr(self._local, "searcher", None)
        try:
            if searcher is None:
                searcher = self.ix.searcher()
            elif not searcher.up_to_date():
                searcher = searcher.refresh()
        except (OSError, whoosh_index.IndexError):
            # Another copy rebuilt the index (moved or wiped the folder) since it was opened.
            self.close()
            searcher = self.ix.searcher()
        self._local.searcher = searcher
        return searcher

    def _ids_by_docnum(self, searcher) -> list[str]:
        """Paper id of every document number, read once per searcher: a column lookup per
        hit costs more than the search itself when most papers match."""
        cached = getattr(self._local, "ids", None)
        if cached is None or cached[0] is not searcher:
            cached = (searcher, list(searcher.reader().column_reader("id")))
            self._local.ids = cached
        return cached[1]

    def vocabulary(self, build: Callable[[Iterable[str]], Any]) -> Any:
        """`build(every indexed title and abstract word)`, kept until the index changes."""
        reader = self.searcher().reader()
        generation = (self.folder, reader.generation())
        cached = self._vocabulary
        if cached is None or cached[0] != generation:
            words = set(reader.field_terms("title")) | set(reader.field_terms("abstract"))
            cached = (generation, build(words))
            self._vocabulary = cached
        return cached[1]

    def has_term(self, text: str) -> bool:
        """Whether the title or abstract holds this analysed term."""
        reader = self.searcher().reader()
        return ("title", text) in reader or ("abstract", text) in reader

    def search(
        self,
        query: Query,
        allowed: Callable[[str], bool] | None = None,
        limit: int | None = None,
        cancel: Callable[[], None] | None = None,
    ) -> list[Hit]:
        """Hits in score order, keeping only ids that `allowed` accepts. `cancel` is called
        every few hundred matches and stops the search by raising."""
        searcher = self.searcher()
        if searcher.doc_count_all() == 0:
            # Nothing committed yet (e.g. another copy is building the first index): an
            # empty reader has no columns, column_reader would raise NotImplementedError.
            return []
        collector = searcher.collector(limit=None)
        if cancel is not None:
            collector = _Cancellable(collector, cancel)
        searcher.search_with_collector(query, collector)
        results = collector.results()
        ids = self._ids_by_docnum(searcher)
        hits: list[Hit] = []
        for score, docnum in results.top_n:
            paper_id = ids[docnum]
            if allowed is None or allowed(paper_id):
                hits.append(Hit(paper_id, score))
                if limit is not None and len(hits) >= limit:
                    break
        return hits


class _Cancellable(WrappingCollector):
    """Collects like its child, calling `cancel` (which raises to stop) every CHECK_EVERY matches."""

    CHECK_EVERY = 256

    def __init__(self, child, cancel: Callable[[], None]) -> None:
        super().__init__(child)
        self.cancel = cancel

    def collect_matches(self) -> None:
        child, cancel = self.child, self.cancel
        cancel()
        for count, sub_docnum in enumerate(child.matches()):
            if count % self.CHECK_EVERY == 0:
                cancel()
            child.collect(sub_docnum)


# The one matcher lives in reader.search.analysis; the old name stays importable from here.
highlight_spans = match_spans
