"""The sync file in the app (config `sync_file`): merged at start, written back a moment
after each change and on quit, in a named exclusive worker; the job itself runs on the
state thread, in order with the user's writes. A failure is a notification (so an entry
in the message log), never silent; what another machine changed shows once merged."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.timer import Timer

from reader.state.errors import StateError
from reader.state.marks_file import SyncOutcome
from reader.state.marks_sync import MergeReport
from reader.state.sync_format import MarksFileError
from reader.system.files import FileWriteError
from reader.tui.state_client import StateClient

DEBOUNCE_SECONDS = 2.0  # a burst of marks is written once
LONGEST_WAIT_SECONDS = 10.0  # ...but a steady stream of marks does not postpone it forever
_FAILURES = (MarksFileError, FileWriteError, StateError, OSError)


class MarkSync:
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

    async def _sync_once(self) -> None:
        self._pending_since = None
        assert self.path is not None
        try:
            outcome: SyncOutcome = await self.client.call(self.client.state.sync_marks, self.path)
        except _FAILURES as error:
            self.app.notify(f"Marks not synced with {self.path}: {error}", title="Sync", severity="error",
                            timeout=15)
            return
        if outcome.merged:
            self.app.notify(f"From {self.path.name}: {outcome.merged.summary()}.", title="Sync", timeout=8)
            await self.show_merged(outcome.merged)


def changed_lists(report: MergeReport) -> tuple[bool, bool]:
    """(mute rules changed, saved views changed): what the screen reads again after a merge
    (marks, tags and notes come with its poll of the state file)."""
    kinds = {kind for kind, _ in report.changed}
    return "mute" in kinds, "view" in kinds
