"""The engines that answer a full-text query, and the one rule that picks between them.

Whoosh (`SearchIndex`) is the index of record and answers every query. The fast index
(`FastSearch`, postings in memory) answers the common query shapes far faster, when it is
loaded; for a shape it lacks it declines and Whoosh answers. The library's search and the
similar papers both go through `search_engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from whoosh.query import Query

from reader.domain.cancel import CancelToken
from reader.domain.mark_filter import IdSet
from reader.search.fastsearch import FastSearch
from reader.search.index import SearchIndex


@dataclass(frozen=True)
class Scope:
    """Which papers a search may return: members only (None: any paper), none excluded."""

    members: IdSet | None = None
    excluded: frozenset[str] = frozenset()

    def test(self) -> Callable[[str], bool] | None:
        """A test per paper, or None when every paper is in scope."""
        members, excluded = self.members, self.excluded
        if members is None:
            return (lambda pid: pid not in excluded) if excluded else None
        if not excluded:
            return members.__contains__
        return lambda pid: pid in members and pid not in excluded


@dataclass(frozen=True)
class Hits:
    """Matching papers, best first, with their scores (possibly computed lazily)."""

    ids: list[str]
    scores: Mapping[str, float]


class SearchEngine(Protocol):
    def matching(
        self, query: Query, scope: Scope, limit: int | None = None, cancel: CancelToken | None = None
    ) -> Hits | None:
        """The papers in `scope` the query matches, best first (at most `limit`), or None when
        this engine cannot answer the query. Raises SearchCancelled once `cancel` is."""
        ...


class WhooshEngine:
    """The index of record: answers every query."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def matching(
        self, query: Query, scope: Scope, limit: int | None = None, cancel: CancelToken | None = None
    ) -> Hits:
        found = self.index.search(query, scope.test(), limit, cancel.check if cancel else None)
        return Hits([hit.id for hit in found], {hit.id: hit.score for hit in found})


class FastEngine:
    """The in-memory postings; ties are broken, and papers listed, in the default `order`."""

    def __init__(self, fast: FastSearch, order: Sequence[str]) -> None:
        self.fast, self.order = fast, order

    def matching(
        self, query: Query, scope: Scope, limit: int | None = None, cancel: CancelToken | None = None
    ) -> Hits | None:
        # The sets go as they are: the fast index caches a bitset per set object.
        found = self.fast.search(
            query, scope.members, self.order, limit, excluded=scope.excluded, cancel=cancel.check if cancel else None
        )
        return None if found is None else Hits(found.ids, found.scores)


class FirstAnswer:
    """The `preferred` engine, and the index of record for the queries it declines."""

    def __init__(self, preferred: SearchEngine | None, of_record: WhooshEngine) -> None:
        self.preferred, self.of_record = preferred, of_record

    def matching(
        self, query: Query, scope: Scope, limit: int | None = None, cancel: CancelToken | None = None
    ) -> Hits:
        found = self.preferred.matching(query, scope, limit, cancel) if self.preferred is not None else None
        return found if found is not None else self.of_record.matching(query, scope, limit, cancel)


def search_engine(index: SearchIndex, fast: FastSearch, order: Sequence[str]) -> FirstAnswer:
    """The engine for a search: the fast index when it is loaded (Whoosh when it declines a
    query), else Whoosh alone."""
    return FirstAnswer(FastEngine(fast, order) if fast.loaded else None, WhooshEngine(index))
