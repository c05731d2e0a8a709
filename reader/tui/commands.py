"""The command palette: the one pattern of our providers, and the reader's commands.

Every provider lists (text, run, help) entries and `PlainProvider` turns them into palette
hits as plain text: entries hold saved view names, mute rules and queries, and the palette
would otherwise read them as markup (`notes [/]` crashed it). A provider is then a few lines:
a table of actions (`ActionProvider`) or entries made from the main screen
(`MainScreenProvider`), like the export and mute rule commands beside this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.tui.bindings import COMMANDS, Command, keys_label
from reader.tui.plain import matched, plain_line
from reader.tui.screens.main import MainScreen

Entry = tuple[str, Callable[[], Any], str]  # what the palette shows, what it runs, help text


class PlainProvider(Provider):
    """A palette provider whose entries are shown exactly as written."""

    def entries(self) -> Iterable[Entry]:
        raise NotImplementedError

    @staticmethod
    def _help(text: str) -> str:
        # The palette reads a str help as markup, and passes Content through untouched.
        return cast(str, plain_line(text))

    async def discover(self) -> Hits:
        for text, run, help_text in self.entries():
            yield DiscoveryHit(plain_line(text), run, text=text, help=self._help(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run, help_text in self.entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matched(matcher, text), run, text=text, help=self._help(help_text))


class ActionProvider(PlainProvider):
    """Entries from a table: (what the palette shows, the screen's action, what it does)."""

    ACTIONS: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def entries(self) -> Iterable[Entry]:
        for title, action, help_text in self.ACTIONS:
            yield title, partial(self.screen.run_action, action), help_text


class MainScreenProvider(PlainProvider):
    """Entries made from the main screen's state; none over another screen."""

    def entries(self) -> Iterable[Entry]:
        screen = self.screen
        if isinstance(screen, MainScreen):
            yield from self.main_entries(screen)

    def main_entries(self, screen: MainScreen) -> Iterable[Entry]:
        raise NotImplementedError


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
