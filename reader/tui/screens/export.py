"""Asks where to export papers and in which format (the palette's export commands)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from reader.library.export import EXTENSIONS, FORMATS, with_extension
from reader.system.files import FileWriteError, MissingFolder, writable_target
from reader.tui.failed_jobs import ReportsFailedJobs
from reader.tui.screens.confirm import ConfirmScreen

FORMAT_NAMES = {"md": "Markdown", "bibtex": "BibTeX", "csv": "CSV", "json": "JSON"}
HINT = "↑/↓ choose the format · tab to the file · enter exports · esc cancels · ~ is your home folder"


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    path: str
    create_folder: bool = False  # the user agreed to create the missing folder


class ExportScreen(ReportsFailedJobs, ModalScreen[ExportRequest | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export_cancel")]

    def __init__(self, what: str, count: int, stem: str) -> None:
        super().__init__()
        self.what = what
        self.count = count
        self.stem = stem

    def compose(self) -> ComposeResult:
        noun = "paper" if self.count == 1 else "papers"
        with Vertical(id="export-dialog"):
            yield Static(Content(f"Export {self.what}: {self.count:,} {noun}"), id="export-what")
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(FORMAT_NAMES[fmt], value=fmt == "md", name=fmt)
            yield Input(f"~/{self.stem}{EXTENSIONS['md']}", placeholder="file to write", id="export-path")
            yield Label(HINT, id="export-hint", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel (esc)", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-dialog").border_title = "Export"
        self.query_one("#export-format", RadioSet).focus()  # the order of the dialog: format, file, buttons

    @property
    def fmt(self) -> str:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else "md"

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        path = self.query_one("#export-path", Input)
        path.value = with_extension(path.value, self.fmt)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _export(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.notify("Type the file to write.", severity="warning")
            self.query_one("#export-path", Input).focus()
            return
        self._check_and_export(path)

    @work(exclusive=True, group="export-check", exit_on_error=False, description="export-check")
    async def _check_and_export(self, path: str) -> None:
        """Refuse what cannot be written here, in the dialog; ask before creating a folder."""
        try:
            await asyncio.to_thread(writable_target, path)
        except MissingFolder as missing:
            question = ConfirmScreen(
                "That folder does not exist. Create it?", str(missing.folder), "Create and export"
            )
            if await self.app.push_screen_wait(question):
                self.dismiss(ExportRequest(self.fmt, path, create_folder=True))
            else:
                self.query_one("#export-path", Input).focus()
            return
        except FileWriteError as problem:
            self.notify(f"Not exported: {problem}", severity="error", markup=False, timeout=10)
            self.query_one("#export-path", Input).focus()
            return
        self.dismiss(ExportRequest(self.fmt, path))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
