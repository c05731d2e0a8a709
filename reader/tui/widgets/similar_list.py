"""The papers most like the one shown, under it in the detail pane; enter jumps to one."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from reader.search.similar import Similar
from reader.tui.widgets.virtual_list import VirtualList


class SimilarList(VirtualList):
    """One row per similar paper (titles are untrusted: plain Content, never markup)."""

    COMPONENT_CLASSES = {"similar-list--cursor"}

    DEFAULT_CSS = """
    SimilarList {
        height: 5;
        background: $surface;
        & > .similar-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .similar-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """

    items: reactive[tuple[Similar, ...]] = reactive(tuple, init=False, repaint=False)

    class Jump(Message):
        """The user chose a similar paper."""

        def __init__(self, paper_id: str) -> None:
            super().__init__()
            self.paper_id = paper_id

    def watch_items(self, items: tuple[Similar, ...]) -> None:
        self.styles.height = max(1, len(items))
        self.set_row_count(len(items))

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.items):
            self.post_message(self.Jump(self.items[index].id))

    def render_row(self, index: int, width: int, cursor: bool) -> Strip:
        base = self.get_visual_style("similar-list--cursor") if cursor else self.get_visual_style()
        title = Content(self.items[index].title).truncate(max(0, width - 3), ellipsis=True, pad=True)
        line = Content.assemble(" ", "›" if cursor and self.has_focus else " ", " ", title)
        return Strip(line.render_segments(base)).adjust_cell_length(width, base.rich_style)
