"""The one rule for the read / unread / starred / unstarred filters.

A status names a set of the user's marks and whether a paper must be in it (`read`,
`starred`) or must not (`unread`, `unstarred`). The search, the default-order listing,
the facet counts and the views all ask this rule; each takes the form it needs: a test
per paper, set operations, or the sets themselves (the fast index caches a bitset per set
object, so the marks' own sets are handed on, never copies, whenever one set decides).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

READ = "read"
UNREAD = "unread"
STARRED = "starred"
UNSTARRED = "unstarred"
STATUSES = (READ, UNREAD, STARRED, UNSTARRED)  # in the order the `is:` notice names them
OPPOSITE = {READ: UNREAD, UNREAD: READ, STARRED: UNSTARRED, UNSTARRED: STARRED}  # `NOT is:starred`

IdSet = set[str] | frozenset[str]


@dataclass(frozen=True)
class MarkFilter:
    """The papers some statuses keep: in every `required` set and in none of `refused`."""

    required: tuple[frozenset[str], ...] = ()
    refused: tuple[frozenset[str], ...] = ()

    @classmethod
    def of(cls, statuses: Sequence[str], read: frozenset[str], starred: frozenset[str]) -> MarkFilter:
        """The filter for statuses like ("unread",) given the read and starred ids; a status
        named twice counts once. Raises KeyError for a status outside STATUSES."""
        required: list[frozenset[str]] = []
        refused: list[frozenset[str]] = []
        for status in dict.fromkeys(statuses):
            marks = {READ: read, UNREAD: read, STARRED: starred, UNSTARRED: starred}[status]
            (required if status in (READ, STARRED) else refused).append(marks)
        return cls(tuple(required), tuple(refused))

    def __bool__(self) -> bool:
        return bool(self.required or self.refused)

    def allows(self, pid: str) -> bool:
        return all(pid in ids for ids in self.required) and not any(pid in ids for ids in self.refused)

    def test(self) -> Callable[[str], bool] | None:
        """A test per paper, or None when every paper passes."""
        if not self:
            return None
        if len(self.required) + len(self.refused) == 1:  # the common case: one view's status
            if self.required:
                return self.required[0].__contains__
            refused = self.refused[0]
            return lambda pid: pid not in refused
        return self.allows

    def narrowed(self, members: IdSet | None) -> IdSet | None:
        """`members` (None: every paper) cut to the required sets; the refused ones still apply."""
        for ids in self.required:
            members = ids if members is None else members & ids
        return members

    def excluded(self) -> frozenset[str]:
        """Every refused id in one set: the marks' own set when only one is refused."""
        if len(self.refused) == 1:
            return self.refused[0]
        return frozenset().union(*self.refused)

    def without_refused(self, ids: Iterable[str]) -> Iterable[str]:
        """`ids` less the refused ones, order kept, lazily."""
        for refused in self.refused:
            ids = itertools.filterfalse(refused.__contains__, ids)
        return ids

    def kept(self, hits: frozenset[str]) -> frozenset[str]:
        """The hits the filter keeps, by set operations."""
        for ids in self.required:
            hits = hits & ids
        for ids in self.refused:
            hits = hits - ids
        return hits
