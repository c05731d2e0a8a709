"""The sync file in the app (config `sync_file`): merged at start, written back a moment
after each change and on quit, in a named exclusive worker. The job runs on a thread of
its own with its own connection to the state file: writing 100,000 marks out takes about
a second, which must not hold up the user's marks on the state thread (SQLite lets them
write meanwhile; the screen's poll then sees what a merge changed, as it sees another
copy's). A failure is a notification (so an entry in the message log), never silent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from textual.app import App
from textual.timer import Timer

from reader.state.errors import StateError
from reader.state.marks_file import SyncOutcome
from reader.state.marks_sync import MergeReport
from reader.state.store import StateStore
from reader.state.sync_format import MarksFileError
from reader.system.files import FileWriteError
from reader.tui.state_client import StateClient

DEBOUNCE_SECONDS = 2.0  # a burst of marks is written once
LONGEST_WAIT_SECONDS = 10.0  # ...but a steady stream of marks does not postpone it forever
_FAILURES = (MarksFileError, FileWriteError, StateError, OSError)


class MarkSync:
    """When the app syncs its profile's marks with the sync file (None: never), and how."""

    def __init__(
        self, app: App[Any], client: StateClient, path: Path | None,
        show_merged: Callable[[MergeReport], Awaitable[None]],
    ) -> None:
        self.app, self.client, self.path = app, client, path
        self.show_merged = show_merged  # the app draws what a merge changed beyond marks
        self._timer: Timer | None = None
        self._pending_since: float | None = None
        self._running = False
        self._again = False
        self._jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-mark-sync")
        self._store: StateStore | None = None  # the sync's own connection, opened on its thread
        self._last_failure: str | None = None

    @property
    def enabled(self) -> bool:
        return self.path is not None and self.client.state is not None and not self.client.state.read_only

    def start(self) -> None:
        """At start: merge the file if it changed since last seen, and write ours back."""
        if self.path is not None and self.client.state is not None and self.client.state.read_only:
            self.app.notify(f"Marks are not synced with {self.path}: the state file is read-only.",
                            title="Sync", severity="warning", timeout=10)
        self.sync_soon(0)

    def changed(self) -> None:
        """A change of the user's was queued: write the file once the burst is over."""
        now = time.monotonic()
        if self._pending_since is None:
            self._pending_since = now
        waited = now - self._pending_since
        self.sync_soon(0 if waited >= LONGEST_WAIT_SECONDS else DEBOUNCE_SECONDS)

    def sync_soon(self, delay: float) -> None:
        if not self.enabled:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(delay, self._run) if delay else None
        if not delay:
            self._run()

    async def flush(self) -> None:
        """On quit: write what is still waiting (the job lands before the state closes)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.enabled and self._pending_since is not None:
            await self._sync_once()

    def _run(self) -> None:
        self._timer = None
        if self._running:
            self._again = True  # the running sync goes round once more
            return
        self._running = True
        self.app.run_worker(
            self._sync(), name="Syncing your marks", group="mark-sync", exclusive=True, exit_on_error=False,
            description=f"sync marks with {self.path}",
        )

    async def _sync(self) -> None:
        try:
            while True:
                self._again = False
                await self._sync_once()
                if not self._again:
                    break
        finally:
            self._running = False

    def close(self) -> None:
        """When the app ends: the last sync finishes, then its connection closes."""
        self._jobs.shutdown(wait=True)
        if self._store is not None:
            self._store.close()

    def _sync_job(self) -> SyncOutcome:
        """On the sync thread: read-merge-write the file through the sync's own connection."""
        assert self.path is not None
        if self._store is None:
            self._store = StateStore(self.client.state.path)
        return self._store.sync_marks(self.path)

    async def _sync_once(self) -> None:
        self._pending_since = None
        path = self.path
        assert path is not None
        try:
            # The user's writes queued so far land first: the file gets every mark made.
            await asyncio.shield(asyncio.wrap_future(self.client.jobs.submit(lambda: None)))
            outcome = await asyncio.shield(asyncio.wrap_future(self._jobs.submit(self._sync_job)))
        except _FAILURES as error:
            failure = f"Marks not synced with {path}: {error}"
            if failure != self._last_failure:  # told once, not again after every mark
                self._last_failure = failure
                self.app.notify(failure, title="Sync", severity="error", timeout=15)
            return
        if self._last_failure is not None:
            self._last_failure = None
            self.app.notify(f"Marks synced with {path} again.", title="Sync", timeout=6)
        if outcome.merged:
            self.app.notify(f"From {path.name}: {outcome.merged.summary(ignored=False)}.", title="Sync", timeout=8)
            await self.show_merged(outcome.merged)


def changed_lists(report: MergeReport) -> tuple[bool, bool]:
    """(mute rules changed, saved views changed): what the screen reads again after a merge
    (marks, tags and notes come with its poll of the state file)."""
    kinds = {kind for kind, _ in report.changed}
    return "mute" in kinds, "view" in kinds
