"""Messages that cross from worker threads to the screen."""

from __future__ import annotations

from textual.message import Message


class SyncProgress(Message):
    """Indexing progress from the sync thread; a newer report replaces an unread older one."""

    def __init__(self, stage: str, done: int, total: int) -> None:
        super().__init__()
        self.stage = stage
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgress)


class SyncCancelled(Exception):
    """Raised from the progress callback to stop a sync when the app is closing."""
