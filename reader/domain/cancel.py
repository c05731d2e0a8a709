"""Cancelling a search that can no longer matter.

A search runs in a thread, and threads cannot be killed: the search itself looks at its
token between steps (fuzzy words, query nodes, index segments, batches of hits) and stops
with SearchCancelled once a newer search has replaced it or its time is up.
"""

from __future__ import annotations

import threading
import time


class SearchCancelled(Exception):
    """The search was abandoned: a newer one replaced it, or the reader is closing."""


class SearchTimedOut(SearchCancelled):
    """The search ran past its time limit."""


class CancelToken:
    """Set by whoever started the search; checked by the search between steps."""

    def __init__(self, time_limit: float | None = None) -> None:
        self._cancelled = threading.Event()
        self._deadline = None if time_limit is None else time.monotonic() + time_limit

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise SearchCancelled (or SearchTimedOut) when the search should stop now."""
        if self._cancelled.is_set():
            raise SearchCancelled()
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise SearchTimedOut()


def check(token: CancelToken | None) -> None:
    if token is not None:
        token.check()
