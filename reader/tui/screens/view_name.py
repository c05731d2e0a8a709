"""A small modal asking for a saved view's name: enter saves, escape cancels.

The name is checked here with the state store's own rule, so a bad one is explained in
place instead of failing later on the state thread.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from reader.state.store import SAVED_VIEW_NAME_MAX, check_view_name


class ViewNameScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="view_name_cancel")]

    def __init__(self, title: str, detail: str, name: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.initial = name

    def compose(self) -> ComposeResult:
        with Vertical(id="view-name-dialog"):
            yield Label(self.title_text, id="view-name-title", markup=False)
            yield Label(self.detail, id="view-name-detail", markup=False)
            yield Input(
                self.initial, placeholder="name", id="view-name-input", max_length=SAVED_VIEW_NAME_MAX,
                select_on_focus=True,
            )
            yield Static(Content("enter saves · esc cancels"), id="view-name-error")

    def on_mount(self) -> None:
        self.query_one("#view-name-input", Input).focus()

    @on(Input.Submitted, "#view-name-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = check_view_name(event.value)
        except ValueError as error:
            message = self.query_one("#view-name-error", Static)
            message.update(Content(f"{error}".capitalize() + "."))
            message.add_class("-error")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
