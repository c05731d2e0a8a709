"""The command palette's reader commands (from the command table) and saved views."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from reader.tui.bindings import COMMANDS, Command, keys_label
from reader.tui.palette import Entry, MainScreenProvider, PlainProvider
from reader.tui.screens.main import MainScreen


class ReaderCommands(PlainProvider):
    """Every command of the reader, with its keys as help text."""

    def entries(self) -> Iterable[Entry]:
        keymap = getattr(self.app, "keymap", {})
        for command in COMMANDS:
            if command.palette:
                yield command.description, partial(self.screen.run_action, command.action), self._keys(command, keymap)

    @staticmethod
    def _keys(command: Command, keymap: dict[str, str]) -> str:
        return f"{keys_label(command, keymap)}  ·  {command.id}"


class SavedViewCommands(MainScreenProvider):
    """Open, rename or delete each saved view of the main screen."""

    def main_entries(self, screen: MainScreen) -> Iterable[Entry]:
        for saved in screen.saved_views:
            name = saved.name
            yield f"Saved view: open “{name}”", partial(screen.apply_saved_view, name), saved.query
            yield f"Saved view: rename “{name}”", partial(screen.rename_saved_view, name), saved.query
            yield f"Saved view: delete “{name}”", partial(screen.delete_saved_view, name), saved.query
