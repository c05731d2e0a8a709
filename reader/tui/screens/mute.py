"""Asks for a search whose papers to mute; a rule that cannot work is explained in place."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from reader.library.mute import BadRule, parse_rule

MUTE_HINT = "e.g. title:survey · enter mutes, esc cancels · H shows muted papers again"


class MuteScreen(ModalScreen[str | None]):
    """Dismissed with the rule as typed, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="mute_cancel")]

    def __init__(self, suggestion: str = "") -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="mute-dialog"):
            yield Label("Mute papers matching", id="mute-question")
            yield Input(self.suggestion, placeholder="title:survey", id="mute-query", select_on_focus=True)
            yield Static(Content(MUTE_HINT), id="mute-problem", markup=False)

    @on(Input.Submitted, "#mute-query")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            parse_rule(event.value)
        except BadRule as problem:
            message = self.query_one("#mute-problem", Static)
            message.update(Content(str(problem)))
            message.add_class("-error")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
