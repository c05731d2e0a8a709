"""The help screen: every command and its keys, generated from the command table."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import Static

from reader.tui.bindings import (
    BY_ID,
    COMMANDS,
    GROUPS,
    MOVE,
    key_label,
    keys_for,
    keys_label,
)

INDENT = 2
GAP = 2  # between the columns
MIN_DESCRIPTION = 20  # narrower than this, descriptions run past the id column's place
# The detail pane scrolls with Textual's own keys (VerticalScroll): where one of the paper keys
# is among them, it scrolls the text there instead of changing paper.
DETAIL_SCROLL_KEYS = ("down", "up", "home", "end", "pagedown", "pageup")
PAPER_MOVES = ("next_paper", "previous_paper", "first_paper", "last_paper", "page_down", "page_up")
KEEP = "\xa0"  # joins the words of a code fragment so a line never breaks inside it
NOTE_LABEL = 9  # "Reading: " and the like, with the text lined up after it


def code(text: str) -> str:
    return text.replace(" ", KEEP)


FOOTNOTES = (
    ("Search", "words are ANDed; " + code('"a phrase"') + ", title:word, word*, OR, NOT; "
               "filters is:unread, is:starred, digest:DATE."),
    ("Mouse", "click a paper to show it, a view or digest to filter."),
    ("Themes", 'ctrl+p, then "theme".'),
    ("Keys", "rebind any key in config.toml by the name on the right: " + code('[keys] next_paper = "j,down"')),
)


def detail_note(keymap: Mapping[str, str]) -> str:
    """What the paper keys do where the focus is, when it is not the paper list."""
    scrolling = [key for key in DETAIL_SCROLL_KEYS if any(key in keys_for(BY_ID[c], keymap) for c in PAPER_MOVES)]
    moving = [key for c in PAPER_MOVES for key in keys_for(BY_ID[c], keymap) if key not in DETAIL_SCROLL_KEYS]
    note = "In the detail pane"
    if scrolling:
        note += f", {code(' '.join(map(key_label, scrolling)))} scroll the paper's text"
    if moving:
        note += f"{';' if scrolling else ','} {code(' '.join(map(key_label, moving)))} still change paper"
    return note + ". In the filter pane and the similar papers, the same keys move in that list and enter chooses."


def read_on_open_note(delay: float | None) -> str:
    if delay is None:
        return f"read on open is off; {code('read_on_open = 2')} in config.toml turns it on."
    return (
        f"a paper you move to (a key, a click, or enter) counts as read once you have looked at it "
        f"for {delay:g} s with the list or the detail focused. Not the first paper at start, search "
        f"hits, a jump from similar papers, nor while the search box or a dialog is open. r sets it "
        f"unread again; " + code('read_on_open = "never"') + " in config.toml turns it off."
    )


def wrapped(text: str, width: int, indent: int = 0, label: str = "") -> list[str]:
    """`text` in lines of at most `width` cells, after `indent` spaces (and `label`, lined up)."""
    first = " " * indent + (f"{label}:".ljust(NOTE_LABEL) if label else "")
    rest = " " * len(first)
    lines = textwrap.wrap(text, max(MIN_DESCRIPTION, width), initial_indent=first, subsequent_indent=rest)
    return [line.replace(KEEP, " ") for line in lines]


def help_content(
    keymap: Mapping[str, str],
    style: Callable[[str], Style | str] = lambda name: "",
    width: int | None = None,
    read_on_open: float | None = None,
) -> Content:
    """The key table for `width` cells (None: as wide as it needs); `style` gives the look of
    "group", "key" and "muted" text. Long descriptions wrap inside their column."""
    keys = {command.id: keys_label(command, keymap) for command in COMMANDS}
    key_width = max(map(len, keys.values())) + GAP
    id_width = max(len(command.id) for command in COMMANDS)
    natural = max(len(command.description) for command in COMMANDS)
    room = natural if width is None else width - INDENT - key_width - GAP - id_width
    description_width = max(MIN_DESCRIPTION, min(natural, room))
    wrap_width = width or INDENT + key_width + description_width + GAP + id_width
    lines: list[Content] = []

    def note(text: str, indent: int = 0, label: str = "") -> None:
        lines.extend(Content(line).stylize(style("muted")) for line in wrapped(text, wrap_width, indent, label))

    for group in GROUPS:
        if lines:
            lines.append(Content(""))
        lines.append(Content(group).stylize(style("group")))
        for command in COMMANDS:
            if command.group != group:
                continue
            parts = textwrap.wrap(command.description, description_width) or [""]
            lines.append(
                Content.assemble(
                    (" " * INDENT + f"{keys[command.id]:<{key_width}}", style("key")),
                    f"{parts[0]:<{description_width + GAP}}",
                    (command.id, style("muted")),
                )
            )
            lines.extend(Content(" " * (INDENT + key_width) + part) for part in parts[1:])
        if group == MOVE:
            note(detail_note(keymap), INDENT)
    lines.append(Content(""))
    search, *others = FOOTNOTES
    for label, text in (search, ("Reading", read_on_open_note(read_on_open)), *others):
        note(text, label=label)
    return Content("\n").join(lines)


class HelpBody(Static):
    """The key table, laid out again for each new width."""

    def __init__(self, build: Callable[[int | None], Content], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._build = build
        self._width: int | None = None

    def on_mount(self) -> None:
        self.update(self._build(self.size.width or None))

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width and event.size.width != self._width:
            self._width = event.size.width
            self.update(self._build(self._width))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help_close")]

    COMPONENT_CLASSES = {"help--group", "help--key", "help--muted"}
    DEFAULT_CSS = """
    HelpScreen {
        & > .help--group { text-style: bold; color: $text-accent; }
        & > .help--key { text-style: bold; }
        & > .help--muted { color: $text-muted; }
    }
    """

    def compose(self) -> ComposeResult:
        keymap = getattr(self.app, "keymap", {})
        config = getattr(self.app, "config", None)
        delay = config.read_on_open if config is not None else None

        def build(width: int | None) -> Content:
            return help_content(keymap, self._style, width, delay)

        with Vertical(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "esc to close"
            with VerticalScroll(id="help-scroll"):
                yield HelpBody(build, id="help-body")

    def _style(self, name: str) -> Style:
        return self.get_visual_style(f"help--{name}", partial=True)
