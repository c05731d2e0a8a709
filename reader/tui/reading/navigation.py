"""Moving: the cursor keys act on the focused list (papers, filters or similar papers), n and p
step between unread papers, space reads on through the detail then moves to the next paper."""

from __future__ import annotations

from reader.domain.cursor_moves import step_unread
from reader.tui.reading.loading import LoadingScreen
from reader.tui.widgets.filter_list import FilterList
from reader.tui.widgets.similar_list import SimilarList
from reader.tui.widgets.virtual_list import VirtualList


class Navigation(LoadingScreen):
    def _list(self) -> VirtualList:
        focused = self.focused
        return focused if isinstance(focused, (FilterList, SimilarList)) else self.paper_list

    def action_cursor_down(self) -> None:
        self._list().move(1)

    def action_cursor_up(self) -> None:
        self._list().move(-1)

    def action_cursor_first(self) -> None:
        self._list().first()

    def action_cursor_last(self) -> None:
        self._list().last()

    def action_page_down(self) -> None:
        self._list().page(1)

    def action_page_up(self) -> None:
        self._list().page(-1)

    def action_next_unread(self) -> None:
        self._step_unread(1)

    def action_previous_unread(self) -> None:
        self._step_unread(-1)

    def _step_unread(self, step: int) -> None:
        papers = self.paper_list
        index = step_unread(papers.rows.ids, papers.cursor, self.model.marks.read, step)
        if index is None:
            self.notify(f"No unread paper {'below' if step > 0 else 'above'}.")
        else:
            papers.set_cursor(index, by_user=True)

    def action_read_on(self) -> None:
        detail = self.detail
        if detail.scroll_y < detail.max_scroll_y:
            detail.scroll_page_down(animate=False)
        else:
            self.paper_list.move(1)
