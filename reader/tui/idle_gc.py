"""Full garbage collections while the user pauses, not in the middle of a key press.

With 100,000 papers in memory a full (oldest generation) collection stalls the UI thread for
150-300 ms, and Python starts one whenever enough objects have survived: most often while a
key's redraw allocates. The young generations are still collected as they fill (a few ms);
the full collection waits until no key has come for a moment, but never for long: once
OVERDUE times as much has piled up as Python would have let pile up, it runs between keys
anyway (without that bound, the benchmark's minute of steady keys kept 50-70 MB more garbage at 10,000 to
100,000 papers). No Textual here: the screen reports keys and ticks it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE_SECONDS = 1.0  # no key for this long: the user reads, a collection goes unnoticed
SPACING_SECONDS = 30.0  # at most one full collection this often (Python waits for 25 % more objects)
OVERDUE = 3  # times Python's own threshold: then the collection runs, keys or not
NEVER = 2**31 - 1  # the oldest generation's threshold: Python never starts a full collection itself


class IdleCollector:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()
        self._last_collection = clock()
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Take the full collections over from Python (until `stop`)."""
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, middle, NEVER)

    def stop(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def input(self) -> None:
        """A key or a click: the user is busy."""
        self._last_input = self._clock()

    def due(self) -> bool:
        """A full collection would run by Python's own count, and the user has paused (or
        it is overdue)."""
        if self._thresholds is None:
            return False
        piled = gc.get_count()[2]
        if piled < self._thresholds[2]:
            return False
        if piled >= OVERDUE * self._thresholds[2]:
            return True
        now = self._clock()
        return now - self._last_input >= IDLE_SECONDS and now - self._last_collection >= SPACING_SECONDS

    def tick(self) -> bool:
        """Collect everything if it is due; True when it did."""
        if not self.due():
            return False
        gc.collect()
        self._last_collection = self._clock()
        return True
