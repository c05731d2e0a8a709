"""The user's read and starred papers as a screen holds them, and what marking changes."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass

from reader.domain.models import Mark


@dataclass(frozen=True, eq=False)  # compared by identity: a new Marks is a change
class Marks:
    """The user's read and starred papers, as the screen last knew them."""

    read: frozenset[str] = frozenset()
    starred: frozenset[str] = frozenset()

    def with_read(self, ids: Iterable[str], read: bool) -> Marks:
        return Marks(_with(self.read, ids, read), self.starred)

    def with_starred(self, ids: Iterable[str], starred: bool) -> Marks:
        return Marks(self.read, _with(self.starred, ids, starred))

    def patched(self, marks: Mapping[str, Mark]) -> Marks:
        """These papers' marks replaced by fresh ones (after an undo)."""
        read = {pid for pid, mark in marks.items() if mark.read}
        starred = {pid for pid, mark in marks.items() if mark.starred}
        return Marks((self.read - marks.keys()) | read, (self.starred - marks.keys()) | starred)


def _with(ids: frozenset[str], changed: Iterable[str], present: bool) -> frozenset[str]:
    return ids | frozenset(changed) if present else ids - frozenset(changed)


def to_mark_read(ids: Iterable[str], read_ids: Container[str]) -> list[str]:
    """The papers in `ids` that "mark all read" would change, in list order."""
    return [pid for pid in ids if pid not in read_ids]
