"""The paper list: one line per paper (selection, unread and star markers, title, tags, upvotes
of a fetched paper, digest date), and a second line with the best matching fragment of the
abstract while a query is active."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style

from reader.domain.annotations import Annotations
from reader.domain.library_view import PaperSummary
from reader.domain.marks import Marks
from reader.domain.tags import tags_label
from reader.search.highlight import Highlight
from reader.search.snippets import Snippet
from reader.tui.widgets.virtual_list import VirtualList

UNREAD_MARK = "•"
STAR_MARK = "★"
SELECTED_MARK = "▌"  # in the first column, blank on rows not selected
UPVOTES_MARK = "▲"
UPVOTES_WIDTH = 5  # "▲ 42", "▲1234": wider counts push the title back a little
DATE_WIDTH = 6  # "Mar 17", or "Mar'24" for other years
TAGS_WIDTH = 24  # at most this many cells of tags, so the title keeps the room


@dataclass(frozen=True, eq=False)  # compared by identity: a new PaperRows is a new list
class PaperRows:
    """What the list shows: paper ids in order and how to draw them."""

    ids: Sequence[str] = ()
    papers: Mapping[str, PaperSummary] = field(default_factory=dict)
    highlight: Highlight = Highlight()
    this_year: int | None = None  # dates in this year omit it
    empty_text: str = ""
    with_snippets: bool = False  # two lines a row: the title, then the matching fragment
    snippets: Mapping[str, Snippet] = field(default_factory=dict)  # those known when shown


def date_label(day: date | None, this_year: int | None) -> str:
    if day is None:
        return "—"
    return f"{day:%b} {day.day:>2}" if day.year == this_year else f"{day:%b}'{day:%y}"


class PaperList(VirtualList):
    """A virtual list of papers; the screen gives it rows and marks, it tells what is highlighted."""

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--selected",
        "paper-list--selected-mark",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--unread-mark",
        "paper-list--star",
        "paper-list--match",
        "paper-list--meta",
        "paper-list--empty",
        "paper-list--tags",
        "paper-list--snippet",
        "paper-list--upvotes",
    }

    DEFAULT_CSS = """
    PaperList {
        background: $surface;
        & > .paper-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .paper-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .paper-list--selected { background: $accent 15%; }
        & > .paper-list--selected-mark { color: $text-accent; text-style: bold; }
        & > .paper-list--unread { text-style: bold; }
        & > .paper-list--read { color: $text-muted; }
        & > .paper-list--unread-mark { color: $text-primary; text-style: bold; }
        & > .paper-list--star { color: $warning; }
        & > .paper-list--match { text-style: underline; color: $text-accent; }
        & > .paper-list--meta { color: $text-muted; }
        & > .paper-list--empty { color: $text-muted; text-style: italic; }
        & > .paper-list--tags { color: $text-secondary; }
        & > .paper-list--snippet { color: $text-muted; }
        & > .paper-list--upvotes { color: $text-secondary; }
    }
    """

    MODIFIED_CLICK_SELECTS = True
    annotations: reactive[Annotations] = reactive(Annotations, init=False, repaint=False)

    class SnippetsWanted(Message):
        """Rows drawn without their snippet: the screen computes them and calls `add_snippets`."""

        def __init__(self, rows: PaperRows, paper_ids: list[str]) -> None:
            super().__init__()
            self.rows = rows
            self.paper_ids = paper_ids

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows = PaperRows()
        self._snippets: dict[str, Snippet] = {}
        self._wanted: dict[str, None] = {}  # ordered set of ids drawn without a snippet
        self._chosen: Collection[str] = frozenset()  # the papers selected for a bulk action
        self.marks = Marks()  # set by the screen through set_marks, which redraws the rows they change
        self._upvotes: Mapping[str, int] = {}  # fetched papers' upvotes, set by the screen (set_upvotes)

    @property
    def rows(self) -> PaperRows:
        return self._rows

    def show(self, rows: PaperRows, select: str | None = None) -> int:
        """Show new rows, keeping the cursor on `select` when it is still listed."""
        self._rows = rows
        self._snippets = dict(rows.snippets)
        self._wanted = {}
        self.set_row_height(2 if rows.with_snippets else 1)
        index = 0
        if select is not None:
            try:
                index = rows.ids.index(select)
            except ValueError:
                index = 0
        self.set_row_count(len(rows.ids), index)
        return index

    def paper_at(self, index: int) -> str | None:
        ids = self._rows.ids
        return ids[index] if 0 <= index < len(ids) else None

    @property
    def highlighted(self) -> str | None:
        return self.paper_at(self.cursor)

    def show_selection(self, chosen: Collection[str]) -> None:
        """Mark the rows of the papers selected for a bulk action."""
        if chosen is not self._chosen:
            self._chosen = chosen
            self.refresh_rows()

    def set_marks(self, marks: Marks, changed: Collection[str] | None = None) -> None:
        """New marks; with `changed` only those papers' rows are drawn again (else every row)."""
        if marks is self.marks:
            return
        self.marks = marks
        if changed is None:
            self.refresh_rows()
        else:
            self.refresh_papers(changed)

    def set_upvotes(self, upvotes: Mapping[str, int]) -> None:
        """The upvotes shown beside fetched papers' titles (page copies have none: their rows
        are as before); every row is drawn again."""
        if upvotes or self._upvotes:
            self._upvotes = upvotes
            self.refresh_rows()

    def refresh_papers(self, paper_ids: Collection[str]) -> None:
        """Draw these papers' rows again, and no other."""
        ids, wanted = self._rows.ids, paper_ids if isinstance(paper_ids, (set, frozenset)) else set(paper_ids)
        self.refresh_some_rows(lambda index: ids[index] in wanted)

    def watch_annotations(self) -> None:
        self.refresh_rows()

    def add_snippets(self, rows: PaperRows, snippets: dict[str, Snippet]) -> None:
        """Snippets computed for `rows` (dropped when other rows are shown by now)."""
        if rows is self._rows and snippets:
            self._snippets.update(snippets)
            self.refresh_rows()

    def _ask_for_snippets(self) -> None:
        if self._wanted:
            wanted, self._wanted = list(self._wanted), {}
            self.post_message(self.SnippetsWanted(self._rows, wanted))

    # -- drawing ---------------------------------------------------------------------------

    def render_row(self, index: int, width: int, cursor: bool) -> Strip:
        rows = self._rows
        paper_id = rows.ids[index]
        summary = rows.papers.get(paper_id)
        read = paper_id in self.marks.read
        starred = paper_id in self.marks.starred
        chosen = paper_id in self._chosen
        base = self._row_style(cursor, chosen)

        def part(name: str):
            return self.get_visual_style(name, partial=True)

        title_text = summary.title if summary else paper_id
        seen = len(summary.digest_ids) if summary else 0
        day = date_label(summary.date if summary else None, rows.this_year)
        meta = f"{f'{seen}×' if seen > 1 else '':>2} {day:>{DATE_WIDTH}} "
        lead = Content.assemble(
            (SELECTED_MARK, part("paper-list--selected-mark")) if chosen else " ",
            (UNREAD_MARK if not read else " ", part("paper-list--unread-mark")),
            " ",
            (STAR_MARK if starred else " ", part("paper-list--star")),
            " ",
        )
        title = Content(title_text).stylize(part("paper-list--read" if read else "paper-list--unread"))
        for start, end in rows.highlight.spans(title_text):
            title = title.stylize(part("paper-list--match"), start, end)
        paper_tags = self.annotations.tags.get(paper_id, ())
        tags = Content(tags_label(paper_tags, min(TAGS_WIDTH, width // 4)) if paper_tags else "")
        tags = tags.stylize(part("paper-list--tags"))
        upvotes = self._upvotes.get(paper_id)
        votes = Content(f"{UPVOTES_MARK}{upvotes:>{UPVOTES_WIDTH - 1}} " if upvotes is not None else "")
        votes = votes.stylize(part("paper-list--upvotes"))
        room = max(0, width - lead.cell_length - len(meta) - 1 - (tags.cell_length + 1 if tags else 0))
        title = title.truncate(max(0, room - votes.cell_length), ellipsis=True, pad=True)
        if tags:
            title = title + " " + tags
        line = lead + title + " " + votes + Content(meta).stylize(part("paper-list--meta"))
        return Strip(line.render_segments(base)).adjust_cell_length(width, base.rich_style)

    def render_row_line(self, index: int, line: int, width: int, cursor: bool) -> Strip:
        if line == 0:
            return self.render_row(index, width, cursor)
        return self.render_snippet(index, width, cursor)

    def _row_style(self, cursor: bool, chosen: bool) -> Style:
        if cursor:
            return self.get_visual_style("paper-list--cursor")
        return self.get_visual_style("paper-list--selected") if chosen else self.get_visual_style()

    def render_snippet(self, index: int, width: int, cursor: bool) -> Strip:
        paper_id = self._rows.ids[index]
        base = self._row_style(cursor, paper_id in self._chosen)
        snippet = self._snippets.get(paper_id)
        if snippet is None:
            if not self._wanted:
                self.call_later(self._ask_for_snippets)
            self._wanted[paper_id] = None
            return Strip.blank(width, base.rich_style)
        text = Content(snippet.text).stylize(self.get_visual_style("paper-list--snippet", partial=True))
        match = self.get_visual_style("paper-list--match", partial=True)
        for start, end in snippet.spans:
            text = text.stylize(match, start, end)
        indent = 5  # under the title, past the unread and star marks
        line = Content(" " * indent) + text.truncate(max(0, width - indent - 1), ellipsis=True)
        return Strip(line.render_segments(base)).adjust_cell_length(width, base.rich_style)

    def render_blank(self, y: int, width: int) -> Strip:
        style = self.get_visual_style()
        lines = self._empty_lines(width) if self._row_count == 0 else []
        if 1 <= y <= len(lines):
            text = lines[y - 1].stylize(self.get_visual_style("paper-list--empty", partial=True))
            return Strip(text.render_segments(style)).adjust_cell_length(width, style.rich_style)
        return Strip.blank(width, style.rich_style)

    def _empty_lines(self, width: int) -> list[Content]:
        """Why the list is empty, wrapped within the pane (a rejected digest's reason names a
        file and can be long), each line indented."""
        if not self._rows.empty_text:
            return []
        return [Content("  ") + line for line in Content(self._rows.empty_text).wrap(max(1, width - 3))]
