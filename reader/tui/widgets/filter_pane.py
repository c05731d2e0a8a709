"""The left pane: the search box, the views and digests, and what is active."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, Static

from reader.tui.widgets.filter_list import FilterData, FilterList

SEARCH_PLACEHOLDER = "/ search"


class FilterPane(Vertical):
    """Composes the search box, the filter list and a summary; the screen binds `data`."""

    data: reactive[FilterData] = reactive(FilterData, init=False, repaint=False)
    _summary_shown = False

    def compose(self) -> ComposeResult:
        yield Input(placeholder=SEARCH_PLACEHOLDER, id="search", select_on_focus=False)
        yield FilterList(id="filter-list").data_bind(FilterPane.data)
        yield Static(id="summary", markup=False)

    def watch_data(self, previous: FilterData, data: FilterData) -> None:
        if data.summary == previous.summary and self._summary_shown:
            return
        summary, text = self.query_one("#summary", Static), Content(data.summary)
        # Both on one line: the same height, so no new layout of the screen (a view switch).
        room = summary.content_region.width
        before = Content(previous.summary).cell_length
        one_line = self._summary_shown and 0 < before <= room and text.cell_length <= room
        self._summary_shown = True
        summary.update(text, layout=not one_line)

    @property
    def search_text(self) -> str:
        return self.query_one("#search", Input).value

    def set_search_text(self, text: str) -> None:
        search = self.query_one("#search", Input)
        if search.value != text:
            search.value = text
            search.cursor_position = len(text)
