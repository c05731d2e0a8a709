"""The words a query matched, to mark in titles and abstracts; a view's filter added to a query."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from reader.domain.views import VIEW_STATUSES, View
from reader.search.index import highlight_spans
from reader.search.query import ParsedQuery, query_terms


def with_view(parsed: ParsedQuery, view: View) -> ParsedQuery:
    """The query plus the view's status filter (`is:` filters typed in the box still apply)."""
    extra = tuple(status for status in VIEW_STATUSES[view] if status not in parsed.statuses)
    return dataclasses.replace(parsed, statuses=parsed.statuses + extra) if extra else parsed


@dataclass(frozen=True)
class Highlight:
    """The words a query matched, to mark in titles and abstracts."""

    terms: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, parsed: ParsedQuery | None) -> Highlight:
        if parsed is None or parsed.marked_query is None:
            return cls()
        terms, prefixes = query_terms(parsed.marked_query)
        return cls(frozenset(terms), frozenset(prefixes))

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)

    def spans(self, text: str) -> list[tuple[int, int]]:
        return highlight_spans(text, set(self.terms), set(self.prefixes)) if self else []
