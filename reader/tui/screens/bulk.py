"""The wait after the bulk prefix (`;`): the next key says what to do with many papers at once
(the selection, or the papers of older digests).

A screen of its own, so the next key reaches it whatever had the focus and whatever else it is
bound to (`r` is also toggle read). It draws nothing over the main screen but its footer,
which lists the keys that may follow; a key bound here returns that command's action, any
other key (escape included) returns None and is not passed on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Footer

from reader.tui.bindings import BULK, prefixed_bindings


class BulkKeyScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # each key of the command table that follows `;` returns its command's action
        *(replace(binding, action=f"choose({binding.action!r})") for binding in prefixed_bindings(BULK)),
        Binding("escape", "cancel", "cancel", id="bulk_cancel"),
    ]

    DEFAULT_CSS = """
    BulkKeyScreen {
        background: transparent;
        align: left bottom;
    }
    """

    def compose(self) -> ComposeResult:
        yield Footer(show_command_palette=False)

    def on_key(self, event: events.Key) -> None:
        """A key not bound here cancels the prefix; it does nothing else."""
        active = self.active_bindings.get(event.key)
        if active is None or active.node is not self:
            event.stop()
            event.prevent_default()
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_choose(self, action: str) -> None:
        """A key of the table was pressed: hand its command's action to the main screen."""
        self.dismiss(action)
