"""The fast index of one folder as loaded in this process: its current snapshot and how it was read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from reader.search.fast.fileformat import FIELDS, Damaged
from reader.search.fast.manifest import manifest_stamp, read_snapshot
from reader.search.fast.merges import COMPACT_DEAD_SHARE, COMPACT_SEGMENTS
from reader.search.fast.segment import Segment
from reader.search.fast.snapshot import Snapshot


class LoadedIndex:
    """The snapshot a search reads, (re)loaded from the folder's manifest.

    A new snapshot is swapped in whole: a search in progress keeps reading the one it took.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._snapshot: Snapshot | None = None
        self._manifest_stamp: tuple[int, int, int] | None = None

    # -- state --------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._snapshot is not None

    def doc_count(self) -> int:
        snapshot = self._snapshot
        return snapshot.live_count if snapshot else 0

    def document_frequencies(self, field_name: str, terms: Iterable[str]) -> dict[str, int] | None:
        """How many documents hold each analysed term in a field (deleted ones included until
        compaction: close enough for weighting); None when no index is loaded."""
        snapshot = self._snapshot
        if snapshot is None or field_name not in FIELDS:
            return None
        found = dict.fromkeys(terms, 0)
        for segment in snapshot.segments:
            df = segment.fields[field_name].df
            for term in found:
                number = segment.term_id.get(term)
                if number is not None:
                    found[term] += df[number]
        return found

    def close(self) -> None:
        """Forget the loaded index (its files are unmapped once no search holds them)."""
        self._snapshot = None
        self._manifest_stamp = None

    def needs_compaction(self) -> bool:
        snapshot = self._snapshot
        if snapshot is None or not snapshot.size:
            return False
        return len(snapshot.dead) > COMPACT_DEAD_SHARE * snapshot.size or len(snapshot.segments) > COMPACT_SEGMENTS

    def changed_on_disk(self) -> bool:
        """Whether another process wrote a newer state than the one loaded (one stat call)."""
        return self._stamp() != self._manifest_stamp

    def _stamp(self) -> tuple[int, int, int] | None:
        return manifest_stamp(self.folder)

    # -- loading ------------------------------------------------------------------------

    def load(self) -> bool:
        """Read the index from disk; False when missing, damaged or of another format version."""
        current = self._snapshot
        known = {segment.name: segment for segment in current.segments} if current else None
        for _ in range(3):  # another process may replace the files while we read them
            stamp = self._stamp()
            try:
                snapshot = self._read(known)
            except (Damaged, OSError):
                if self._stamp() != stamp:
                    continue
                break
            self._snapshot = snapshot
            self._manifest_stamp = stamp
            return True
        self._snapshot = None
        self._manifest_stamp = None
        return False

    def refresh(self) -> bool:
        """Load what another process wrote since (one stat call when nothing changed).

        Returns whether a usable index is loaded.
        """
        if self._snapshot is not None and not self.changed_on_disk():
            return True
        return self.load()

    def _read(self, known: Mapping[str, Segment] | None = None) -> Snapshot:
        """The state the manifest names; `known` segments (files never change) are reused."""
        return read_snapshot(self.folder, known)
