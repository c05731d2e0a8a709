"""The session: what the screen shows (query, view, digest, tag, paper), saved a moment after
each change and on quitting, and restored at the next start (see the loading layer)."""

from __future__ import annotations

from functools import partial

from textual.timer import Timer

from reader.domain.session import Session
from reader.tui.context import ReaderContext
from reader.tui.model import Changes
from reader.tui.reading.base import ScreenBase
from reader.tui.state_client import SESSION_KEY

SESSION_SAVE_DELAY = 1.0


class SessionScreen(ScreenBase):
    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self._session_timer: Timer | None = None

    def _apply(self, changes: Changes) -> None:
        super()._apply(changes)
        if changes.session:
            self._schedule_session_save()

    def session(self) -> Session:
        return self.model.session()

    def _schedule_session_save(self) -> None:
        if self.model.library_view is None:
            return  # still restoring: nothing new to remember
        if self._session_timer is not None:
            self._session_timer.stop()
        self._session_timer = self.set_timer(SESSION_SAVE_DELAY, self.save_session)

    def save_session(self) -> None:
        if self._session_timer is not None:
            self._session_timer.stop()
            self._session_timer = None
        if self.model.library_view is None:
            return
        state = self.client.state
        self._write(partial(state.set_setting, SESSION_KEY, self.session().to_json()))
