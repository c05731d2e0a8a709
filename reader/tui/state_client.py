"""The reader's side of the state database: one thread, writes in order, marks drawn once saved.

Every read and write runs on the app's single state thread, so they land in the order they
were made. A mark is drawn only once its write has committed (about a millisecond; while
another reader holds the file the user is told, and a failed write is reported and never
drawn). A poll picks up marks, tags and notes changed by other processes (another reader,
`reader undo`). No Textual here: the screen runs these coroutines in its workers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from reader.domain.annotations import Annotations, same_annotations
from reader.domain.marks import Marks
from reader.domain.models import SavedView
from reader.domain.session import Session
from reader.state.store import StateReadOnly, StateStore

SESSION_KEY = "tui.session"


class Notify(Protocol):
    def __call__(
        self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None
    ) -> None: ...


@dataclass(frozen=True, eq=False)
class MarkChange:
    """A mark on its way to disk: read or starred, on or off, for some papers."""

    field: str  # "read" or "starred"
    ids: list[str]
    value: bool

    def apply(self, marks: Marks) -> Marks:
        if self.field == "read":
            return marks.with_read(self.ids, self.value)
        return marks.with_starred(self.ids, self.value)


@dataclass(frozen=True)
class Loaded:
    """What the screen needs from the state file before it lists anything."""

    marks: Marks
    session: Session
    version: int
    annotations: Annotations
    saved_views: tuple[SavedView, ...]
    mute_rules: list[str]


@dataclass
class PolledMarks:
    moved: bool  # the database changed since the last poll
    marks: Marks | None  # other marks than those shown
    submitted: int  # our own writes when the poll started


@dataclass
class StateClient:
    state: StateStore
    jobs: ThreadPoolExecutor
    notify: Notify
    submitted: int = field(default=0, init=False)  # state jobs sent; an older poll result is dropped
    version: int | None = field(default=None, init=False)  # the database version the shown marks are from
    unsaved: list[MarkChange] = field(default_factory=list, init=False)  # marks written, not yet committed
    waited_for_lock: bool = field(default=False, init=False)
    on_write: Callable[[], None] | None = field(default=None, init=False)  # told of each write queued (sync)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False, repr=False)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start telling the user when a write waits for another reader's lock."""
        self._loop = loop
        self.state.on_wait = self._waits

    # -- running jobs ---------------------------------------------------------------------------

    async def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run a read (or a write the user did not make) on the state thread and await it."""
        return await asyncio.shield(asyncio.wrap_future(self.jobs.submit(function, *args)))

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        """Queue a write of the user's; writes land in the order they were made."""
        self.submitted += 1
        future = self.jobs.submit(job)
        if self.on_write is not None:
            self.on_write()
        return future

    async def landed(
        self, future: Future[Any], after: Callable[[Any], None] | None, failed: Callable[[], None] | None
    ) -> None:
        """Wait for a write; then draw it (`after`), or say why it was not saved."""
        try:
            # shield: leaving the app must not cancel a queued write
            result = await asyncio.shield(asyncio.wrap_future(future))
        except Exception as error:
            if failed is not None:
                failed()
            retry = "" if isinstance(error, StateReadOnly) else " Press the key again to retry."
            self.notify(f"Not saved, so not shown: {error}.{retry}", severity="error", timeout=15)
            self.version = None  # the next poll re-reads every mark
            return
        if after is not None:
            after(result)
        self.lock_released()

    # -- marks: written, then drawn -------------------------------------------------------------

    def mark_pending(self, field: str, ids: list[str], value: bool) -> MarkChange:
        change = MarkChange(field, ids, value)
        self.unsaved.append(change)
        return change

    def mark_done(self, change: MarkChange) -> None:
        self.unsaved.remove(change)

    def marks_meant(self, marks: Marks) -> Marks:
        """The marks as the user made them: the saved ones and the writes still on their way."""
        for change in self.unsaved:
            marks = change.apply(marks)
        return marks

    # -- another reader's lock ------------------------------------------------------------------

    def _waits(self) -> None:
        """Called from the state thread when a write waits for another copy's lock."""
        try:
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._say_waiting)
        except RuntimeError:  # the app is gone: the write still lands (or fails) on its own
            pass

    def _say_waiting(self) -> None:
        self.waited_for_lock = True
        self.notify(
            "Waiting for another reader to release the state file… marks show once they are saved.",
            title="Your marks",
            severity="warning",
            timeout=6,
        )

    def lock_released(self) -> None:
        """A write landed: if it had to wait, say the wait is over."""
        if self.waited_for_lock:
            self.waited_for_lock = False
            self.notify("Saved: the other reader released the state file.", title="Your marks", timeout=4)

    # -- reading --------------------------------------------------------------------------------

    async def load(self) -> Loaded:
        marks, session, version = await self.call(_load_marks, self.state)
        self.version = version
        annotations = await self.call(Annotations.load, self.state)
        saved = tuple(await self.call(_saved_views, self.state))
        rules = await self.call(_mute_rules, self.state)
        return Loaded(marks, session, version, annotations, saved, rules)

    def load_known(self) -> asyncio.Future[frozenset[str]]:
        """The papers shown in earlier sessions (needed only once the list is up)."""
        return asyncio.wrap_future(self.jobs.submit(self.state.known_ids))

    async def reload(self) -> tuple[Marks, Annotations] | None:
        """Every mark, tag and note again (after ids were renamed); None when a write of ours
        started meanwhile (the next poll reads everything then)."""
        submitted = self.submitted
        marks, _, version = await self.call(_load_marks, self.state)
        annotations = await self.call(Annotations.load, self.state)
        if submitted != self.submitted:
            self.version = None
            return None
        self.version = version
        return marks, annotations

    def should_poll(self, closing: bool) -> bool:
        return not closing and not (self.version is None and self.submitted == 0)

    async def poll_marks(self, shown: Marks) -> PolledMarks | None:
        """Marks changed elsewhere; None while a change of ours is still on its way."""
        submitted = self.submitted
        version, marks = await self.call(_marks_if_changed, self.state, self.version, shown)
        if submitted != self.submitted:
            return None  # the next poll looks again
        moved = version != self.version
        self.version = version
        return PolledMarks(moved, marks, submitted)

    async def poll_annotations(self, shown: Annotations, submitted: int) -> Annotations | None:
        """Tags and notes when another copy (or `reader undo`) changed them."""
        annotations = await self.call(_annotations_if_changed, self.state, shown)
        return annotations if submitted == self.submitted else None


# -- jobs run on the state thread ------------------------------------------------------------------


def _load_marks(state: StateStore) -> tuple[Marks, Session, int]:
    marks = Marks(state.read_ids(), state.starred_ids())
    return marks, Session.from_json(state.get_setting(SESSION_KEY)), state.version()


def _saved_views(state: StateStore) -> list[SavedView]:
    return state.saved_views()


def _mute_rules(state: StateStore) -> list[str]:
    return state.mute_rules()


def _marks_if_changed(state: StateStore, known: int | None, shown: Marks) -> tuple[int, Marks | None]:
    """New marks when the database holds others than those shown (compared here, off the UI
    thread: our own writes also move the version, and re-counting 100,000 papers for nothing
    would stall the screen)."""
    version = state.version()
    if version == known:
        return version, None
    read, starred = state.read_ids(), state.starred_ids()
    if read == shown.read and starred == shown.starred:
        return version, None
    return version, Marks(read, starred)


def _annotations_if_changed(state: StateStore, shown: Annotations) -> Annotations | None:
    """Tags and notes when they differ from those shown (compared off the UI thread)."""
    fresh = Annotations.load(state)
    return None if same_annotations(fresh, shown) else fresh
