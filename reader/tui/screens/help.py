"""The help screen: every command and its keys, generated from the command table."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import Static

from reader.tui.bindings import COMMANDS, GROUPS, keys_label

KEY_COLUMN = 14
DESCRIPTION_COLUMN = max(len(command.description) for command in COMMANDS) + 2
FOOTNOTES = (
    "Search: words are ANDed; \"a phrase\", title:word, word*, OR, NOT; filters is:unread, is:starred, digest:DATE.",
    "Mouse: click a paper to show it, a view or digest to filter.  Themes: ctrl+p, then \"theme\".",
    "Rebind any key in config.toml, by the name on the right:  [keys]  next_paper = \"j,down\"",
)


def help_content(keymap: Mapping[str, str], style: Callable[[str], Style | str] = lambda name: "") -> Content:
    """The key table; `style` gives the look of "group", "key" and "muted" text."""
    lines: list[Content] = []
    for group in GROUPS:
        if lines:
            lines.append(Content(""))
        lines.append(Content(group).stylize(style("group")))
        for command in COMMANDS:
            if command.group != group:
                continue
            keys = keys_label(command, keymap)
            lines.append(
                Content.assemble(
                    (f"  {keys:<{KEY_COLUMN}}", style("key")),
                    f"{command.description:<{DESCRIPTION_COLUMN}}",
                    (command.id, style("muted")),
                )
            )
    lines.append(Content(""))
    lines.extend(Content(note).stylize(style("muted")) for note in FOOTNOTES)
    return Content("\n").join(lines)


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
        with Vertical(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "esc to close"
            with VerticalScroll(id="help-scroll"):
                yield Static(id="help-body")

    def on_mount(self) -> None:
        keymap = getattr(self.app, "keymap", {})
        body = help_content(keymap, lambda name: self.get_visual_style(f"help--{name}", partial=True))
        self.query_one("#help-body", Static).update(body)
