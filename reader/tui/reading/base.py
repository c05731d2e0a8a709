"""The main screen's groundwork: the model, the state client, what the panes are bound to.

The main screen is built in layers, one concern per module, each on the one below:

  base (this) < session < search < loading < navigation, marks (< selection), mute, saved views, notes,
  export < main

The model (reader.tui.model) holds what is shown and decides what a change redraws; these
layers arrange widgets, run the blocking work in workers and hand the results to the model.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import Future
from typing import Any

from textual import work
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from reader.domain.annotations import Annotations
from reader.domain.marks import Marks
from reader.domain.models import Paper
from reader.library.library import Library
from reader.search.highlight import Highlight
from reader.search.similar import Similar
from reader.tui.context import ReaderContext
from reader.tui.failed_jobs import ReportsFailedJobs
from reader.tui.filter_data import FilterData
from reader.tui.model import Changes, ReaderModel
from reader.tui.plain import plain_line
from reader.tui.state_client import StateClient
from reader.tui.widgets.filter_pane import FilterPane
from reader.tui.widgets.paper_detail import PaperDetail
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.status_line import StatusLine


class ScreenBase(ReportsFailedJobs, Screen[None]):
    # What the panes are bound to (data_bind): set from the model after each change. repaint=False
    # here and in the widgets: a reactive that repaints would redraw the whole screen or pane on
    # each key; each watcher redraws just what changed.
    marks: reactive[Marks] = reactive(Marks, init=False, repaint=False)
    annotations: reactive[Annotations] = reactive(Annotations, init=False, repaint=False)  # tags and notes
    paper: reactive[Paper | None] = reactive(None, init=False, repaint=False)
    highlight: reactive[Highlight] = reactive(Highlight, init=False, repaint=False)
    filters: reactive[FilterData] = reactive(FilterData, init=False, repaint=False)
    detail_placeholder: reactive[str] = reactive("Loading the library…", init=False, repaint=False)
    similar: reactive[tuple[Similar, ...]] = reactive(tuple, init=False, repaint=False)

    def __init__(self, context: ReaderContext) -> None:
        super().__init__()
        self.context = context
        self.model = ReaderModel()
        self._filters_due = False  # a rebuild of the filter pane is waiting for the next refresh
        self.sort_shown = ""  # the list's order, in its title ("by upvotes"); empty for the default

    @property
    def library(self) -> Library:
        return self.context.library

    @property
    def client(self) -> StateClient:
        return self.context.client

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def filter_pane(self) -> FilterPane:
        return self.query_one("#filters", FilterPane)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one("#detail", PaperDetail)

    def _current(self) -> str | None:
        """The paper under the list's cursor."""
        return self.paper_list.highlighted

    # -- the model's snapshot, shown ------------------------------------------------------------

    def _apply(self, changes: Changes) -> None:
        """Redo what a change of the model asks for (the search layer searches again)."""
        if changes.filters:
            self._update_filters()

    def _set_marks(self, marks: Marks, changed: Collection[str] | None = None) -> None:
        """New marks, drawn: with `changed` (the papers whose marks may differ) the list redraws
        just their rows, else every row."""
        changes = self.model.set_marks(marks, changed)
        self.marks = self.model.marks
        if self.is_mounted:
            self.paper_list.set_marks(self.model.marks, changed)
        self._apply(changes)

    def _set_annotations(self, annotations: Annotations) -> None:
        changes = self.model.set_annotations(annotations)
        self.annotations = self.model.annotations
        self._apply(changes)

    def _summary(self) -> str:
        return self.model.summary(self.paper_list.row_count if self.is_mounted else 0)

    def _update_filters(self) -> None:
        """Rebuild the filter pane once the list has drawn what changed: the counts follow a
        key press a frame later, and several changes in one go rebuild it once."""
        if not self._filters_due:
            self._filters_due = True
            self.call_after_refresh(self._rebuild_filters)

    def _rebuild_filters(self) -> None:
        self._filters_due = False
        self.filters = self.model.filter_data(self.paper_list.row_count if self.is_mounted else 0)

    def _update_titles(self) -> None:
        papers = self.paper_list
        # Digest labels, tags and queries are the user's text: plain, never markup.
        sort = f" · {self.sort_shown}" if self.sort_shown else ""
        set_title(papers, self.model.list_title(papers.row_count) + sort)
        self.query_one("#status", StatusLine).show(self.model.query.strip(), self.model.notices)
        set_title(self.detail, f"{papers.cursor + 1:,} of {papers.row_count:,}" if papers.row_count else "Paper")

    # -- the state file -------------------------------------------------------------------------

    def _write(
        self,
        job: Callable[[], Any],
        after: Callable[[Any], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Queue a state job (writes land in the order they were made), then draw it."""
        self._await_job(self.client.submit(job), after, failed)

    @work(group="state", exit_on_error=False, description="state")
    async def _await_job(
        self, future: Future[Any], after: Callable[[Any], None] | None, failed: Callable[[], None] | None = None
    ) -> None:
        await self.client.landed(future, after, failed)

    async def _state_call(self, function: Callable[..., Any], *args: Any) -> Any:
        return await self.client.call(function, *args)


def set_title(widget: Widget, text: str) -> None:
    """A border title, set only when it changes (setting one repaints the whole pane). The
    text is the user's (digest labels, tags, queries): plain, never markup."""
    if widget.border_title != plain_line(text).markup:
        widget.border_title = plain_line(text)
