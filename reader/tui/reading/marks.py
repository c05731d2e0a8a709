"""Read and starred marks: keys, read on open, mark all shown read, undo, and the poll.

A mark is written first and drawn once its write has committed (the state client); the
read-on-open rule is ReadClock's, the screen only reports moves and focus.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual import work
from textual.timer import Timer

from reader.domain.annotations import Annotations, same_annotations
from reader.domain.cursor_moves import after_mark
from reader.domain.marks import Marks, to_mark_read
from reader.domain.read_clock import ReadClock
from reader.state.store import StateStore
from reader.tui.context import ReaderContext
from reader.tui.reading.loading import LoadingScreen
from reader.tui.screens.confirm import ConfirmScreen

STATE_POLL_SECONDS = 2.0  # how soon another running copy's marks show up


class MarkCommands(LoadingScreen):
    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self._read_clock = ReadClock()  # read-on-open: the paper the user moved to
        self._read_timer: Timer | None = None
        self._moved_by_user = False  # set while a key or click moves the selection

    # -- read on open ---------------------------------------------------------------------------

    def _looking(self) -> bool:
        """The list or the detail has focus, and no dialog is open over the screen."""
        focused = self.focused
        if focused is None or not self.is_active:
            return False
        return focused is self.paper_list or self.detail in focused.ancestors_with_self

    def _moved_to(self, paper_id: str | None) -> None:
        self._follow_read_clock(self._read_clock.moved_to(paper_id, self._moved_by_user, self._looking()))

    def _opened_by_user(self) -> None:
        """The user chose the selected paper without moving (enter, a click on its row)."""
        self._follow_read_clock(self._read_clock.moved_to(self.model.selected, True, self._looking()))

    def _attention_changed(self) -> None:
        self._follow_read_clock(self._read_clock.attention(self._looking()))

    def watch_focused(self) -> None:
        self._attention_changed()

    def on_screen_suspend(self) -> None:
        self._attention_changed()  # a dialog opened

    def on_screen_resume(self) -> None:
        self._attention_changed()

    def _follow_read_clock(self, clock: ReadClock) -> None:
        """Start, keep or stop the read-on-open timer as the clock says."""
        if clock == self._read_clock:
            return
        self._read_clock = clock
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        delay = self.context.config.read_on_open
        if delay is not None and clock.running(delay, self.model.marks.read):
            self._read_timer = self.set_timer(delay, partial(self._read_on_open, clock))

    def _read_on_open(self, clock: ReadClock) -> None:
        self._read_timer = None
        paper_id = clock.paper_id
        if clock is not self._read_clock or paper_id is None or paper_id != self.model.selected:
            return  # moved on, or looked away, meanwhile
        if clock.running(self.context.config.read_on_open, self.model.marks.read):
            self._set_read([paper_id], True, "read on open")

    # -- writing marks --------------------------------------------------------------------------

    def _set_read(self, ids: list[str], read: bool, description: str | None = None) -> None:
        if not ids:
            return
        self._follow_read_clock(self._read_clock.marked(ids))  # the user's decision, or the clock's
        self._save_marks("read", ids, read, partial(self.client.state.set_read, ids, read, description))

    def _set_starred(self, ids: list[str], starred: bool) -> None:
        self._save_marks("starred", ids, starred, partial(self.client.state.set_starred, ids, starred))

    def _save_marks(
        self,
        field: str,
        ids: list[str],
        value: bool,
        job: Callable[[], Any],
        saved_notice: str | Callable[[Any], str] | None = None,
    ) -> None:
        """Write marks, then draw them: the screen never shows a mark that is not on disk. The
        notice, when given, is said once they are saved (made from the job's result if callable)."""
        change = self.client.mark_pending(field, ids, value)

        def saved(result: Any) -> None:
            self.client.mark_done(change)
            self._set_marks(change.apply(self.model.marks), ids)
            if saved_notice:
                self.notify(saved_notice(result) if callable(saved_notice) else saved_notice)

        self._write(job, saved, partial(self.client.mark_done, change))

    def _marks_meant(self) -> Marks:
        return self.client.marks_meant(self.model.marks)

    def action_toggle_read(self) -> None:
        paper_id = self._current()
        if paper_id is not None:
            self._set_read([paper_id], paper_id not in self._marks_meant().read)

    def action_toggle_star(self) -> None:
        paper_id = self._current()
        if paper_id is not None:
            self._set_starred([paper_id], paper_id not in self._marks_meant().starred)

    def action_read_and_next(self) -> None:
        paper_id = self._current()
        if paper_id is None:
            return
        if paper_id not in self._marks_meant().read:
            self._set_read([paper_id], True)
        papers = self.paper_list
        papers.set_cursor(after_mark(papers.cursor, papers.row_count), by_user=True)

    def action_mark_all_read(self) -> None:
        targets = to_mark_read(self.paper_list.rows.ids, self._marks_meant().read)
        if not targets:
            self.notify("Every paper shown is already read.")
            return
        count = len(targets)
        noun = "paper" if count == 1 else "papers"

        def answer(yes: bool | None) -> None:
            if yes:
                self._follow_read_clock(self._read_clock.marked(targets))
                job = partial(self.client.state.set_read, targets, True, f"mark all shown read ({count:,} {noun})")
                self._save_marks("read", targets, True, job, f"Marked {count:,} {noun} read. u undoes it.")

        self.app.push_screen(
            ConfirmScreen(f"Mark {count:,} {noun} read?", f"Every unread paper in: {self._summary()}", "Mark read"),
            answer,
        )

    # -- undo -----------------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._write(partial(undo, self.client.state), self._undone)

    def _undone(self, outcome: tuple[Any, dict, Annotations]) -> None:
        result, marks, annotations = outcome
        if result is None:
            self.notify("Nothing to undo.")
            return
        if result.mute_rules:
            self.reload_mute_rules()
        self._set_marks(self.model.marks.patched(marks), list(marks))  # the papers undone, re-read
        if not same_annotations(self.model.annotations, annotations):
            self._set_annotations(annotations)
        self._follow_read_clock(self._read_clock.marked(marks))
        undone = result.naming_the_paper(self.model.full_title)
        self.notify(f"Undone: {undone}", markup=False)
        if len(result.paper_ids) == 1:  # bring the cursor back to what changed
            try:
                self.paper_list.set_cursor(self.paper_list.rows.ids.index(result.paper_ids[0]))
            except ValueError:
                pass

    # -- changes made elsewhere -----------------------------------------------------------------

    def _poll_state(self) -> None:
        if self.client.should_poll(self.context.closing.is_set()):
            self._poll()

    @work(exclusive=True, group="state-poll", exit_on_error=False, description="state-poll")
    async def _poll(self) -> None:
        polled = await self.client.poll_marks(self.model.marks)
        if polled is None:
            return  # a change of ours is still on its way: the next poll looks again
        if polled.marks is not None:
            self._set_marks(polled.marks)
        if polled.moved:  # another copy (or `reader undo`) may have changed tags or notes
            annotations = await self.client.poll_annotations(self.model.annotations, polled.submitted)
            if annotations is not None:
                self._set_annotations(annotations)

    @property
    def _state_version(self) -> int | None:
        return self.client.version

    @_state_version.setter
    def _state_version(self, version: int | None) -> None:
        self.client.version = version


def undo(state: StateStore) -> tuple[Any, dict, Annotations]:
    """On the state thread: undo the last change; what it was, the marks and tags now."""
    result = state.undo()
    if result is None:
        return None, {}, Annotations()
    return result, state.marks(result.paper_ids), Annotations.load(state)
