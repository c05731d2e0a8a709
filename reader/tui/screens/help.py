"""The help screen: every command and its keys, generated from the command table."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.tui.bindings import COMMANDS, GROUPS, keys_label

KEY_COLUMN = 16
FOOTNOTES = (
    "Search: words are ANDed; \"a phrase\", title:word, word*, OR, NOT; filters is:unread, is:starred, digest:DATE.",
    "Mouse: click a paper to show it, a view or digest to filter.  Themes: ctrl+p, then \"theme\".",
    "Rebind any key in config.toml, by the name on the right:  [keys]  next_paper = \"j,down\"",
)


def help_content(keymap: Mapping[str, str]) -> Content:
    lines: list[Content] = []
    for group in GROUPS:
        if lines:
            lines.append(Content(""))
        lines.append(Content(group).stylize("bold $text-accent"))
        for command in COMMANDS:
            if command.group != group:
                continue
            keys = keys_label(command, keymap)
            lines.append(
                Content.assemble(
                    (f"  {keys:<{KEY_COLUMN}}", "bold"),
                    command.description,
                    (f"  {command.id}", "$text-muted"),
                )
            )
    lines.append(Content(""))
    lines.extend(Content(note).stylize("$text-muted") for note in FOOTNOTES)
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help_close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "esc to close"
            with VerticalScroll(id="help-scroll"):
                yield Static(help_content(getattr(self.app, "keymap", {})), id="help-body")
