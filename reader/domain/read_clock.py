"""Read-on-open: when a paper the user is looking at counts as read."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadClock:
    """Read-on-open: which paper is on its way to counting as read.

    Reading is a decision. A paper counts as read only once the user moved to it themselves (a
    key or a click, not the first row at start-up, a restored session, a search, a view, digest or
    tag change, or a jump from similar papers) and then looked at it for the configured delay
    with the list or the detail focused: never while focus is in the search box or the filter
    pane, or a dialog is open. Leaving stops the clock; back on the same paper it starts again
    from zero. A paper marked by hand or by undo is the user's decision: its clock ends until they
    move onto it again.
    """

    paper_id: str | None = None  # the paper the user moved to, not yet counted
    looking: bool = False  # the list or the detail has focus and no dialog is open

    def moved_to(self, paper_id: str | None, by_user: bool, looking: bool) -> ReadClock:
        """The selection changed to `paper_id`; `by_user` when a key or a click moved it there."""
        if by_user and paper_id is not None:
            return ReadClock(paper_id, looking)
        if paper_id == self.paper_id:
            return self  # the same paper kept through a refilter
        return ReadClock()

    def attention(self, looking: bool) -> ReadClock:
        """Focus moved: onto the list or the detail (`looking`), or away from them."""
        return ReadClock(self.paper_id, looking and self.paper_id is not None)

    def marked(self, ids: Iterable[str]) -> ReadClock:
        """These papers were marked (read or unread) by hand or by undo."""
        return ReadClock() if self.paper_id is not None and self.paper_id in set(ids) else self

    def running(self, delay: float | None, read_ids: Container[str]) -> bool:
        """Whether the paper becomes read after `delay` seconds if nothing changes meanwhile;
        a delay of None is "never"."""
        return self.looking and self.paper_id is not None and delay is not None and self.paper_id not in read_ids
