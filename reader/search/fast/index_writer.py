"""Changing the fast index: rebuild, update, compact and wipe, one writer at a time across processes."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from reader.search.analysis import make_term_function
from reader.search.fast.loaded_index import LoadedIndex
from reader.search.fast.manifest import LOCK_FILE, remove_file, remove_unused, write_manifest
from reader.search.fast.merges import known_ordinals, merge_newest
from reader.search.fast.segment_builder import build_segments
from reader.search.index import Document
from reader.system.private import make_private_dirs, open_private

try:  # serialises writers across processes; readers never lock
    import fcntl
except ImportError:  # pragma: no cover - Windows: writers rely on the library's index lock
    fcntl = None  # type: ignore[assignment]


class WritableIndex(LoadedIndex):
    """A loaded index that writes new states: segment files first, then the manifest naming them.

    Writers of several processes are serialised by a file lock; each reloads the on-disk state
    first when another process has changed it.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self._write_lock = threading.Lock()

    def rebuild(self, documents: Iterable[Document]) -> None:
        """Replace the whole index with `documents`. About 30-40 s per 100k papers on a slow core."""
        with self._writing():
            generation = self._next_generation()
            written, duplicates = build_segments(self.folder, generation, self._analysed(documents), 0)
            self._commit(written, sorted(duplicates), generation)

    def update(self, documents: Iterable[Document], delete_ids: Iterable[str]) -> bool:
        """Add or replace `documents` and delete `delete_ids`, then persist.

        Same arguments as SearchIndex.write. Returns False (and changes nothing) when there is
        no valid index to update: the caller rebuilds it.
        """
        with self._writing():
            snapshot = self._snapshot
            if snapshot is None:
                return False
            dead = set(snapshot.dead)
            ordinal_of = snapshot.ordinal_of
            dead.update(known_ordinals(ordinal_of, delete_ids))
            replaced: list[str] = []

            def analysed() -> Iterator[tuple[str, dict[str, list[str]]]]:
                for paper, terms in self._analysed(documents):
                    replaced.append(paper)
                    yield paper, terms

            generation = self._next_generation()
            entries = [(segment.name, segment.size) for segment in snapshot.segments]
            written, duplicates = build_segments(self.folder, generation, analysed(), snapshot.size)
            dead.update(known_ordinals(ordinal_of, replaced))
            dead.update(duplicates)
            if not written and dead == snapshot.dead:
                return True
            entries += written
            segments = {segment.name: segment for segment in snapshot.segments}
            entries, dead = merge_newest(self.folder, entries, dead, segments, generation, inline=True)
            self._commit(entries, sorted(dead), generation)
            return True

    def compact(self) -> None:
        """Rewrite all segments without deleted papers (like a rebuild, without analysis: background work)."""
        with self._writing():
            snapshot = self._snapshot
            if snapshot is None or len(snapshot.segments) <= 1 and not snapshot.dead:
                return
            generation = self._next_generation()
            segments = {segment.name: segment for segment in snapshot.segments}
            entries = [(segment.name, segment.size) for segment in snapshot.segments]
            entries, dead = merge_newest(self.folder, entries, set(snapshot.dead), segments, generation, inline=False)
            self._commit(entries, sorted(dead), generation)

    def wipe(self) -> None:
        """Forget the index (the caller rebuilds)."""
        with self._writing():
            for path in self.folder.glob("*"):
                if path.name != LOCK_FILE:
                    remove_file(path)
            self._snapshot = None
            self._manifest_stamp = None

    def _analysed(self, documents: Iterable[Document]) -> Iterator[tuple[str, dict[str, list[str]]]]:
        terms = make_term_function()  # the analysis highlights and snippets use, with its token cache
        for document in documents:
            yield document.id, {"title": terms(document.title), "abstract": terms(document.abstract)}

    def _next_generation(self) -> int:
        snapshot = self._snapshot
        return (snapshot.generation if snapshot else 0) + 1

    def _commit(self, entries: list[tuple[str, int]], dead: list[int], generation: int) -> None:
        """Write the manifest (atomically), switch to the new state, remove unused files."""
        keep = write_manifest(self.folder, entries, dead, generation)
        current = self._snapshot
        known: Mapping = {segment.name: segment for segment in current.segments} if current else {}
        self._snapshot = self._read(known)
        self._manifest_stamp = self._stamp()
        remove_unused(self.folder, keep)

    class _WriteGuard:
        def __init__(self, owner: WritableIndex) -> None:
            self.owner = owner
            self.handle = None

        def __enter__(self):
            owner = self.owner
            owner._write_lock.acquire()
            try:
                make_private_dirs(owner.folder)
                self.handle = open_private(owner.folder / LOCK_FILE, "a+b")
                if fcntl is not None:
                    fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)
                if owner.changed_on_disk():  # another process wrote since we loaded
                    owner.load()
            except BaseException:
                self.__exit__(None, None, None)
                raise
            return self

        def __exit__(self, *exc) -> None:
            if self.handle is not None:
                self.handle.close()  # releases the flock
                self.handle = None
            self.owner._write_lock.release()

    def _writing(self) -> WritableIndex._WriteGuard:
        return WritableIndex._WriteGuard(self)
