"""The `T` box: a search whose papers, among those listed, join the selection."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

HINT = "the search box's language: words, \"phrases\", title:, tag:, is:unread… · enter selects · esc cancels"


class SelectQueryScreen(ModalScreen[str | None]):
    """Dismissed with the query as typed (stripped), or None when cancelled or empty."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="select_query_cancel")]

    # Its own look, as the mute box's (a small box over the dimmed list).
    DEFAULT_CSS = """
    SelectQueryScreen {
        align: center middle;
        background: $background 60%;
    }
    #select-query-dialog {
        width: 64;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: round $border;
        background: $surface;
    }
    #select-query-question {
        text-style: bold;
        margin-bottom: 1;
    }
    #select-query {
        margin-bottom: 1;
    }
    #select-query-hint {
        color: $text-muted;
    }
    """

    def __init__(self, listed: int) -> None:
        super().__init__()
        self.listed = listed

    def compose(self) -> ComposeResult:
        noun = "paper" if self.listed == 1 else "papers"
        with Vertical(id="select-query-dialog"):
            yield Label(f"Select, of the {self.listed:,} {noun} listed, those matching", id="select-query-question",
                        markup=False)
            yield Input(placeholder="title:survey", id="select-query")
            yield Static(Content(HINT), id="select-query-hint")

    @on(Input.Submitted, "#select-query")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
