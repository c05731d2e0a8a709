"""The For you view's ranking as the screen keeps it: what it was ranked by, and whether that
still holds. No Textual.

The ranking (reader.library.for_you) is worked out by a worker when the view is shown and the
papers it was ranked by changed since (a star given or taken, another tag chosen, muted papers
shown or hidden, a new library view): never on each key press. The list then keeps the ranked
papers, in the ranking's order unless another order was chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.domain.library_view import LibraryView
from reader.library.for_you import ForYou, because_line
from reader.library.sorting import RELEVANCE


@dataclass(frozen=True, eq=False)
class RankedBy:
    """What a ranking was worked out from."""

    view: LibraryView
    seeds: frozenset[str]  # the starred papers, or the chosen tag's
    read: frozenset[str]
    hidden: frozenset[str]  # the muted papers, unless they are shown
    tag: str | None

    def same(self, other: RankedBy | None) -> bool:
        """Read marks do not count: a paper read since leaves the list by the view's filter,
        and one set unread again comes back when the stars, tag or mute rules next change."""
        return (
            other is not None
            and other.view is self.view
            and (other.tag, other.seeds, other.hidden) == (self.tag, self.seeds, self.hidden)
        )


class ForYouView:
    def __init__(self) -> None:
        self.ranking: ForYou | None = None
        self.ranked_by: RankedBy | None = None
        self.pending: RankedBy | None = None  # being worked out by the worker
        self._places: dict[str, int] = {}
        self._members: frozenset[str] = frozenset()

    def is_current(self, wanted: RankedBy) -> bool:
        return wanted.same(self.ranked_by)

    def is_pending(self, wanted: RankedBy) -> bool:
        return wanted.same(self.pending)

    def take(self, ranked_by: RankedBy, ranking: ForYou) -> None:
        self.ranking, self.ranked_by, self.pending = ranking, ranked_by, None
        ids = ranking.ids
        self._places = {pid: place for place, pid in enumerate(ids)}
        self._members = frozenset(ids)

    def members(self) -> frozenset[str]:
        """The papers the view lists (the same set object until the next ranking: the search
        caches its bitset)."""
        return self._members

    def ordering(self, sort: str | None) -> Callable[[Sequence[str]], list[str]]:
        """Puts the list's papers in the ranking's order, unless another order was chosen
        (relevance in this view is the ranking). Called on the search's thread: it keeps this
        ranking's places, whatever ranking comes next."""
        places = self._places
        if sort not in (None, RELEVANCE):
            return list
        return lambda ids: sorted(ids, key=lambda pid: places.get(pid, len(places)))

    def because(self, paper_id: str) -> str:
        return because_line(self.ranking.because(paper_id)) if self.ranking is not None else ""

    def empty_text(self, otherwise: str) -> str:
        """Why the view lists nothing: no stars (or no tagged papers), else `otherwise`."""
        reason = self.ranking.empty_reason if self.ranking is not None else None
        return reason or otherwise
