"""When a typed search starts, and when the hits per view and digest are counted.

No fixed debounce: the first key after a pause searches at once. While keys keep coming, a
new search starts only once the one before it has ended: each key cancels the search it
made stale (the thread stops at its next check), and a search waiting for its turn is
dropped before it starts when a newer key comes. Two searches never fight for the GIL (and
the UI thread) unless the stale one ignores its cancellation past STALE_GRACE.

The counts are not needed to read the list: they wait until the rows are drawn and the
typing rests (TYPING_REST), so while the user types only the rows' search runs.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Future

# A stale search that has not stopped after this long (a step with no cancellation check,
# a pathological query) is left to end on its own thread and the newer one starts anyway.
STALE_GRACE = 0.1
# Seconds without a key before the hits per view and digest are counted: longer than most
# gaps between the keys of a word, so while the user types only the rows are searched.
TYPING_REST = 0.4


class SearchPacer:
    def __init__(self, grace: float = STALE_GRACE, rest: float = TYPING_REST) -> None:
        self.grace = grace
        self.rest = rest
        self._running: Future | None = None  # the last search started, on its search thread
        self._typed_at = 0.0

    def typed(self) -> None:
        """A key changed the query."""
        self._typed_at = time.monotonic()

    def started(self, job: Future) -> None:
        self._running = job

    async def turn(self) -> None:
        """Until the search before has ended (it was cancelled when this one was asked for),
        or STALE_GRACE has passed. A newer key cancels the waiting task: nothing started."""
        job = self._running
        if job is not None and not job.done():
            ended = asyncio.wrap_future(job)
            ended.add_done_callback(_outcome_seen)  # whoever ran it reports it, if anyone
            await asyncio.wait([ended], timeout=self.grace)

    async def rested(self) -> None:
        """Until no key has come for TYPING_REST seconds."""
        while (left := self._typed_at + self.rest - time.monotonic()) > 0:
            await asyncio.sleep(left)


def _outcome_seen(ended: asyncio.Future) -> None:
    if not ended.cancelled():
        ended.exception()


class TypingCursor:
    """The paper a typed search's rows keep under the cursor: the one the user was on when the
    typing began, not one an earlier key's rows put there (each key now shows its rows, and
    the half-typed word's top hit must not stick once the word is whole)."""

    def __init__(self) -> None:
        self._typing_from: str | None = None  # the user's paper when the typing began
        self._landed: str | None = None  # where the last typed rows put the cursor

    def kept(self, selected: str | None, typed: bool) -> str | None:
        if not typed or self._landed is None or selected != self._landed:
            return selected  # not typing, or the user moved: their paper
        return self._typing_from

    def shown(self, selected: str | None, landed: str | None, typed: bool) -> None:
        """Rows were shown with `landed` under the cursor; `selected`: the paper before."""
        if typed and (self._landed is None or selected != self._landed):
            self._typing_from = selected
        self._landed = landed if typed else None
