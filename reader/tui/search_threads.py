"""A few threads for searches, so that no search ever waits for a stale one.

Threads cannot be killed: a search that can no longer matter is told to stop (its
CancelToken) and left to end on its own thread while the newer search starts on another.
Only when every thread is still busy with work that cannot stop early does a new search
queue, so stale threads never pile up.

The threads are daemons: quitting never waits for a search. (A concurrent.futures pool,
asyncio's default executor included, is joined when the interpreter exits; a search holds
nothing that needs flushing, the state thread does and is joined before the exit.)
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

SEARCH_THREADS = 3

_Job = tuple[Future, Callable[[], Any]]


class SearchThreads:
    def __init__(self, size: int = SEARCH_THREADS, name: str = "reader-search") -> None:
        self._size = size
        self._name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, job: Callable[[], Any]) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:  # the screen is going away: the search can no longer matter
                future.cancel()
                return future
            if not self._threads:  # started on first use
                for number in range(self._size):
                    thread = threading.Thread(target=self._serve, name=f"{self._name}-{number}", daemon=True)
                    thread.start()
                    self._threads.append(thread)
        self._jobs.put((future, job))
        return future

    def shutdown(self) -> None:
        """Let idle threads end; a busy one ends after its job. Never waits."""
        with self._lock:
            self._closed = True
            for _ in self._threads:
                self._jobs.put(None)

    def _serve(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            future, job = item
            if not future.set_running_or_notify_cancel():
                continue  # abandoned before it started
            try:
                result = job()
            except BaseException as error:  # noqa: BLE001 - handed to whoever awaits the future
                future.set_exception(error)
            else:
                future.set_result(result)
