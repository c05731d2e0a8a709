"""The message log screen: every notice of this session, newest last (key L, or the palette)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import Static

from reader.domain.message_log import LogEntry
from reader.tui.plain import plain

EMPTY = "No messages yet. Warnings, errors and every notice shown this session are kept here."


def log_content(entries: Iterable[LogEntry], style: Callable[[str], Style | str] = lambda name: "") -> Content:
    """One line per entry (a long one wraps); `style` gives the look of "time", "warning", "error"."""
    lines = []
    for entry in entries:
        title = plain(f"{entry.title}: ") if entry.title else Content("")
        lines.append(
            Content.assemble(
                (f"{entry.at:%H:%M:%S}  ", style("time")),
                (f"{entry.severity:<11}  ", style(entry.severity)),
                title,
                plain(entry.text),
            )
        )
    return Content("\n").join(lines) if lines else Content(EMPTY).stylize(style("time"))


class MessageLogScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,L", "app.pop_screen", "Close", id="message_log_close")]

    COMPONENT_CLASSES = {"message-log--time", "message-log--information", "message-log--warning", "message-log--error"}
    DEFAULT_CSS = """
    MessageLogScreen {
        & > .message-log--time { color: $text-muted; }
        & > .message-log--information { color: $text-muted; }
        & > .message-log--warning { color: $text-warning; text-style: bold; }
        & > .message-log--error { color: $text-error; text-style: bold; }
    }
    """

    def __init__(self, entries: Iterable[LogEntry]) -> None:
        super().__init__()
        self.entries = tuple(entries)

    def compose(self) -> ComposeResult:
        with Vertical(id="message-log-dialog") as dialog:
            dialog.border_title = plain(f"Messages · {len(self.entries):,}")
            dialog.border_subtitle = plain("esc to close")
            with VerticalScroll(id="message-log-scroll"):
                yield Static(id="message-log-body")

    def on_mount(self) -> None:
        body = log_content(self.entries, lambda name: self.get_visual_style(f"message-log--{name}", partial=True))
        self.query_one("#message-log-body", Static).update(body)
        self.query_one("#message-log-scroll", VerticalScroll).scroll_end(animate=False, immediate=True)
