"""A list that draws only the rows on screen (Textual's Line API), for 100,000 rows and more.

Rows are `row_height` lines each (one, or two when the paper list shows snippets), so the
row under line y is `(scroll_offset.y + y) // row_height` and setting the row count is O(1).
Rendered rows are kept in an LRU cache of strips; subclasses clear it when what a row shows
changes (`refresh_rows`). Keys live in the screen's bindings: the list only offers cursor
methods, so one table of commands drives every list.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class VirtualList(ScrollView, can_focus=True, inherit_bindings=False):
    """Fixed-height rows, a cursor, and messages when the cursor moves or a row is chosen."""

    # Rows are cut to the width, never scrolled sideways (the vertical scrollbar narrows them).
    DEFAULT_CSS = """
    VirtualList {
        overflow-x: hidden;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)
    # ctrl/alt/shift+click posts ModifiedClick instead of moving (lists whose rows can be selected)
    MODIFIED_CLICK_SELECTS = False

    class _RowMessage(Message):
        def __init__(self, virtual_list: VirtualList, index: int) -> None:
            super().__init__()
            self.virtual_list = virtual_list
            self.index = index

        @property
        def control(self) -> VirtualList:
            return self.virtual_list

    class Highlighted(_RowMessage):
        """The cursor moved to row `index`; `by_user` when a key or a click moved it."""

        def __init__(self, virtual_list: VirtualList, index: int, by_user: bool = False) -> None:
            super().__init__(virtual_list, index)
            self.by_user = by_user

    class Chosen(_RowMessage):
        """Row `index` was chosen (clicked, or enter pressed on it)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._row_count = 0
        self._row_height = 1
        self._strips: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(1024)
        self._moving_by_user = False  # read by watch_cursor: who moved the cursor

    # -- what subclasses provide ----------------------------------------------------------

    def render_row(self, index: int, width: int, cursor: bool) -> Strip:
        raise NotImplementedError

    def render_row_line(self, index: int, line: int, width: int, cursor: bool) -> Strip:
        """Line `line` of row `index`; rows taller than one line override this."""
        return self.render_row(index, width, cursor)

    def selectable(self, index: int) -> bool:
        """Whether the cursor may rest on row `index` (separators say no)."""
        return True

    def choose(self, index: int) -> None:
        """Row `index` was clicked, or enter was pressed on it."""
        self.post_message(self.Chosen(self, index))

    # -- rows ------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._row_count

    def set_row_count(self, count: int, cursor: int = 0) -> None:
        """New rows: O(1) whatever the count; the cursor goes to `cursor`."""
        self._row_count = count
        self._strips.clear()
        self.virtual_size = Size(self._row_width(), count * self._row_height)
        self.set_cursor(cursor, force=True)
        # A list that had no scrollbar cannot scroll until the new rows' scrollbar is laid out
        # (e.g. the cursor restored far down at start): bring the cursor into view again then.
        self.call_after_refresh(self.scroll_cursor_visible)
        self.refresh()

    def refresh_rows(self) -> None:
        """Redraw every row (what they show changed, not how many there are)."""
        self._strips.clear()
        self.refresh()

    def refresh_some_rows(self, changed: Callable[[int], bool]) -> None:
        """Redraw only the rows `changed` says changed: those on screen, and those cached to
        be shown again. O(rows on screen + cache), whatever the row count, so a mark on one
        paper repaints one row and not the pane."""
        cached = {key[0] for key in self._strips.keys()}
        on_screen = self.rows_on_screen()
        redraw = {index for index in cached.union(on_screen) if index < self._row_count and changed(index)}
        if not redraw:
            return
        for key in [key for key in self._strips.keys() if key[0] in redraw]:
            self._strips.discard(key)
        for index in redraw.intersection(on_screen):
            self._refresh_row(index)

    def rows_on_screen(self) -> range:
        top = round(self.scroll_offset.y) // self._row_height
        rows = -(-max(0, self.size.height) // self._row_height) + 1
        return range(top, min(self._row_count, top + rows))

    @property
    def row_height(self) -> int:
        return self._row_height

    def set_row_height(self, height: int) -> None:
        """Lines per row; the cursor row stays in view."""
        if height == self._row_height:
            return
        self._row_height = height
        self._strips.clear()
        self.virtual_size = Size(self._row_width(), self._row_count * height)
        self.scroll_cursor_visible()
        self.refresh()

    def _row_width(self) -> int:
        return self.scrollable_content_region.width

    # -- cursor ----------------------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, self._row_count - 1)) if self._row_count else 0

    def set_cursor(self, index: int, force: bool = False, by_user: bool = False) -> None:
        """Move the cursor; `force` announces it even when it stays on the same row; `by_user`
        when a key or a click asked for it (else the program moved it, e.g. new rows)."""
        index = self.validate_cursor(index)
        if index == self.cursor and not force:
            return
        self._moving_by_user = by_user
        try:
            self.cursor = index
        finally:
            self._moving_by_user = False

    def watch_cursor(self, previous: int, cursor: int) -> None:
        self._refresh_row(previous)
        self._refresh_row(cursor)
        self.scroll_cursor_visible()
        if self._row_count:
            self.post_message(self.Highlighted(self, cursor, self._moving_by_user))

    # move, first, last and page are what the cursor keys call: the user's moves.

    def move(self, delta: int) -> None:
        """Move by `delta` rows, stepping over rows the cursor may not rest on."""
        if not self._row_count:
            return
        step = 1 if delta > 0 else -1
        index = self.validate_cursor(self.cursor + delta)
        while 0 <= index < self._row_count and not self.selectable(index):
            index += step
        if 0 <= index < self._row_count:
            self.set_cursor(index, by_user=True)

    def first(self) -> None:
        self.set_cursor(0, by_user=True)
        if self._row_count and not self.selectable(0):
            self.move(1)

    def last(self) -> None:
        self.set_cursor(self._row_count - 1, by_user=True)

    def page(self, pages: int) -> None:
        self.move(pages * max(1, self.scrollable_content_region.height // self._row_height - 1))

    def scroll_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_offset.y)
        first_line = self.cursor * self._row_height
        last_line = first_line + self._row_height - 1
        # force: rows set before the scrollbar is laid out (e.g. the cursor restored far down at
        # start) would not scroll yet, and no later layout is sure to bring the cursor into view.
        if first_line < top:
            self.scroll_to(y=first_line, animate=False, immediate=True, force=True)
        elif last_line >= top + height:
            self.scroll_to(y=last_line - height + 1, animate=False, immediate=True, force=True)

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index, line = divmod(self.scroll_offset.y + y, self._row_height)
        width = self._row_width()
        if index >= self._row_count:
            return self.render_blank(y, width)
        cursor = index == self.cursor
        key = (index, line, width, cursor)
        strip = self._strips.get(key)
        if strip is None:
            strip = self.render_row_line(index, line, width, cursor)
            self._strips[key] = strip
        return strip

    def render_blank(self, y: int, width: int) -> Strip:
        return Strip.blank(width, self.rich_style)

    def _refresh_row(self, index: int) -> None:
        y = index * self._row_height - round(self.scroll_offset.y)
        if -self._row_height < y < self.size.height:
            self.refresh(Region(0, y, self.size.width, self._row_height))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self._row_width(), self._row_count * self._row_height)
        self._strips.clear()
        self.scroll_cursor_visible()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a theme change restyles every row

    def on_focus(self) -> None:
        self.refresh_rows()  # the cursor row looks different with and without focus

    def on_blur(self) -> None:
        self.refresh_rows()

    # -- mouse -----------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + round(self.scroll_offset.y)) // self._row_height
        if 0 <= index < self._row_count and self.selectable(index):
            event.stop()
            if self.MODIFIED_CLICK_SELECTS and (event.ctrl or event.meta or event.shift):
                # a selecting click: the screen decides, the cursor stays
                self.post_message(self.ModifiedClick(self, index, ctrl=event.ctrl, meta=event.meta, shift=event.shift))
                return
            self.set_cursor(index, by_user=True)
            self.choose(index)

    class ModifiedClick(_RowMessage):
        """Row `index` was clicked with ctrl, meta (alt in most terminals) or shift held."""

        def __init__(self, virtual_list: VirtualList, index: int, *, ctrl: bool, meta: bool, shift: bool) -> None:
            super().__init__(virtual_list, index)
            self.ctrl, self.meta, self.shift = ctrl, meta, shift
