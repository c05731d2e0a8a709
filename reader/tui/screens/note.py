"""The `N` editor: one paper's note, several lines; ctrl+s saves, escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

HINT = "ctrl+s saves · esc cancels · an empty note is deleted"


class NoteScreen(ModalScreen[str | None]):
    """Returns the edited text (maybe empty: delete), or None when cancelled."""

    BINDINGS = [
        # Not a priority key: text typed just before it must reach the editor first.
        Binding("ctrl+s", "save", "Save", id="note_save"),
        Binding("escape", "cancel", "Cancel", id="note_cancel"),
    ]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.paper_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Static(Content(self.paper_title), id="note-title")
            yield TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Label(HINT, id="note-hint", markup=False)
            with Horizontal(id="note-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="note-save")
                yield Button("Cancel (esc)", id="note-cancel")

    def on_mount(self) -> None:
        self.query_one("#note-dialog").border_title = "Note"
        text = self.query_one("#note-text", TextArea)
        text.focus()
        text.move_cursor(text.document.end)

    @on(Button.Pressed, "#note-save")
    def action_save(self) -> None:
        self.dismiss(self.query_one("#note-text", TextArea).text)

    @on(Button.Pressed, "#note-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
