"""The detail pane: title, status, every digest the paper appeared in, a fetched paper's authors,
arXiv id, date, counts and keywords, tags, note, abstract, links, and the papers most like it.

Everything shown comes from digest files or the user's typing, so it is untrusted: it is put
into Content as plain text and styled by spans, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.style import Style
from textual.widgets import Static

from reader.domain.annotations import Annotations
from reader.domain.links import listed_links
from reader.domain.marks import Marks
from reader.domain.models import Paper
from reader.domain.paper_meta_text import meta_lines
from reader.search.highlight import Highlight
from reader.search.similar import Similar
from reader.tui.plain import plain_line
from reader.tui.widgets.similar_list import SimilarList

StyleFor = Callable[[str], Style]
STATUS_WIDTH = len("unread  ★ starred")  # the status line fits on one line at least this wide


class Shown(NamedTuple):
    """What the body draws for a paper: when only the marks differ, the height is the same."""

    paper: Paper
    read: bool
    starred: bool
    highlight: Highlight
    tags: tuple[str, ...]
    note: str
    because: str = ""  # in For you: the words that ranked it


def seen_in(paper: Paper) -> str:
    count = len(paper.appearances)
    places = ", ".join(appearance.dated_label for appearance in paper.appearances)
    return f"seen in {count} digest{'s' if count != 1 else ''}: {places}" if count else "in no digest"


def highlighted(text: str, highlight: Highlight, base: Style | None, match: Style) -> Content:
    content = Content(text)
    if base is not None:
        content = content.stylize(base)
    for start, end in highlight.spans(text):
        content = content.stylize(match, start, end)
    return content


def detail_content(
    paper: Paper,
    read: bool,
    starred: bool,
    highlight: Highlight,
    style: StyleFor,
    tags: tuple[str, ...] = (),
    note: str = "",
    because: str = "",
) -> Content:
    """The whole pane as one Content: plain text plus styled spans."""
    status = Content.assemble(
        ("unread" if not read else "read", style("paper-detail--unread" if not read else "paper-detail--meta")),
        ("  ★ starred" if starred else "", style("paper-detail--star")),
    )
    parts: list[Content] = [
        highlighted(paper.title, highlight, style("paper-detail--title"), style("paper-detail--match")),
        status,
        Content(seen_in(paper)).stylize(style("paper-detail--meta")),
        *([Content(because).stylize(style("paper-detail--because"))] if because else []),
        *metadata_lines(paper, style),
        *annotation_lines(tags, note, highlight, style),
        Content(""),
        highlighted(paper.abstract or "(no abstract in the digest)", highlight, None, style("paper-detail--match")),
    ]
    return Content("\n").join(parts + link_lines(paper, style))


_META_STYLES = {"authors": "paper-detail--authors", "counts": "paper-detail--counts"}


def metadata_lines(paper: Paper, style: StyleFor) -> list[Content]:
    """Authors, arXiv id, date, counts and keywords of a fetched paper (none for a page copy)."""
    return [
        Content.assemble(
            (line.label, style("paper-detail--meta")),
            plain_line(line.text).stylize(style(_META_STYLES.get(line.kind, "paper-detail--meta"))),
        )
        for line in meta_lines(paper.meta)
    ]


def link_lines(paper: Paper, style: StyleFor) -> list[Content]:
    """The links, numbered as the link chooser numbers them: labelled for a fetched paper,
    bare for a page copy's (its links are the ones in the abstract)."""
    links = listed_links(paper)
    if not links:
        return []
    lines = [Content(""), Content("Links").stylize(style("paper-detail--heading"))]
    for number, (label, url) in enumerate(links, start=1):
        lines.append(
            Content.assemble(
                (f"[{number}] ", style("paper-detail--meta")),
                plain_line(f"{label}  " if label else "").stylize(style("paper-detail--meta")),
                plain_line(url).stylize(style("paper-detail--link")),
            )
        )
    return lines


def annotation_lines(tags: tuple[str, ...], note: str, highlight: Highlight, style: StyleFor) -> list[Content]:
    """The user's tags (one line) and note (under a heading), when there are any."""
    lines: list[Content] = []
    if tags:
        hashtags = " ".join(f"#{t}" for t in tags)
        lines.append(Content.assemble(("tags ", style("paper-detail--meta")), (hashtags, style("paper-detail--tags"))))
    if note:
        lines += [Content(""), Content("Note").stylize(style("paper-detail--heading"))]
        lines.append(highlighted(note, highlight, style("paper-detail--note"), style("paper-detail--match")))
    return lines


class PaperDetail(VerticalScroll):
    """Shows `paper` with the user's marks and the search terms highlighted."""

    COMPONENT_CLASSES = {
        "paper-detail--title",
        "paper-detail--unread",
        "paper-detail--star",
        "paper-detail--meta",
        "paper-detail--match",
        "paper-detail--heading",
        "paper-detail--link",
        "paper-detail--tags",
        "paper-detail--note",
        "paper-detail--authors",
        "paper-detail--counts",
        "paper-detail--because",
    }

    DEFAULT_CSS = """
    PaperDetail {
        & > .paper-detail--title { text-style: bold; color: $text; }
        & > .paper-detail--unread { color: $text-primary; text-style: bold; }
        & > .paper-detail--star { color: $warning; }
        & > .paper-detail--meta { color: $text-muted; }
        & > .paper-detail--match { text-style: bold underline; color: $text-accent; }
        & > .paper-detail--heading { text-style: bold; color: $text-muted; }
        & > .paper-detail--link { color: $text-primary; }
        & > .paper-detail--tags { color: $text-secondary; }
        & > .paper-detail--note { color: $text-warning; }
        & > .paper-detail--authors { color: $text; text-style: italic; }
        & > .paper-detail--counts { color: $text-secondary; }
        & > .paper-detail--because { color: $text-accent; text-style: italic; }
    }
    """

    paper: reactive[Paper | None] = reactive(None, init=False, repaint=False)
    marks: reactive[Marks] = reactive(Marks, init=False, repaint=False)
    highlight: reactive[Highlight] = reactive(Highlight, init=False, repaint=False)
    placeholder: reactive[str] = reactive("", init=False, repaint=False)
    annotations: reactive[Annotations] = reactive(Annotations, init=False, repaint=False)
    similar: reactive[tuple[Similar, ...]] = reactive(tuple, init=False, repaint=False)
    because: reactive[str] = reactive("", init=False, repaint=False)  # "because: …" in For you

    _drawn: Shown | str | None = None  # what the body shows now (a paper, or the placeholder)

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body", markup=False)
        yield Static(Content("Similar papers (enter to choose)"), id="similar-heading", markup=False)
        yield SimilarList(id="similar").data_bind(items=PaperDetail.similar)

    def watch_similar(self, similar: tuple[Similar, ...]) -> None:
        shown = bool(similar) and self.paper is not None
        self.query_one("#similar-heading").display = shown
        self.query_one(SimilarList).display = shown

    def on_mount(self) -> None:
        self._update()
        self.watch_similar(self.similar)

    def watch_paper(self, previous: Paper | None, paper: Paper | None) -> None:
        if previous is None or paper is None or previous.id != paper.id:
            self.scroll_home(animate=False)
        self._update()

    def watch_marks(self) -> None:
        self._update()

    def watch_highlight(self) -> None:
        self._update()

    def watch_annotations(self) -> None:
        self._update()

    def watch_placeholder(self) -> None:
        self._update()

    def watch_because(self) -> None:
        self._update()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._drawn = None  # the spans carry theme colours: draw again
            self._update()

    def _update(self) -> None:
        """Draw the body again when what it shows changed: a mark or a tag on another paper
        (every key press in the list) leaves it as it is, and the pane is not laid out again."""
        if not self.is_mounted:
            return
        paper = self.paper
        shown: Shown | str = self.placeholder if paper is None else self._shown(paper)
        if shown == self._drawn:
            return
        drawn, self._drawn = self._drawn, shown
        body = self.query_one("#detail-body", Static)
        if not isinstance(shown, Shown):
            body.update(Content(shown).stylize(self._style("paper-detail--meta")))
            return
        # Only the status line changed (a star, a read mark): same height, no new layout.
        only_marks = isinstance(drawn, Shown) and drawn._replace(read=shown.read, starred=shown.starred) == shown
        body.update(
            detail_content(
                shown.paper, shown.read, shown.starred, shown.highlight, self._style, shown.tags, shown.note,
                shown.because,
            ),
            layout=not (only_marks and body.size.width >= STATUS_WIDTH),
        )

    def _shown(self, paper: Paper) -> Shown:
        marks, annotations = self.marks, self.annotations
        return Shown(
            paper,
            paper.id in marks.read,
            paper.id in marks.starred,
            self.highlight,
            annotations.tags.get(paper.id, ()),
            annotations.notes.get(paper.id, ""),
            self.because,
        )

    def _style(self, name: str) -> Style:
        return self.get_visual_style(name, partial=True)
