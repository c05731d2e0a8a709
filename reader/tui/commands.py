"""The command palette's reader commands, generated from the command table.

Every provider of ours is a `PlainProvider`: it lists (text, run, help) entries and the base
class turns them into palette hits as plain text. Entries hold saved view names, mute rules
and queries, and the palette would otherwise read them as markup (`notes [/]` crashed it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.tui.bindings import COMMANDS, Command, keys_label
from reader.tui.plain import matched, plain_line

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


class ReaderCommands(PlainProvider):
    """Every command of the reader, with its keys as help text."""

    def entries(self) -> Iterable[Entry]:
        keymap = getattr(self.app, "keymap", {})
        screen = self.screen
        for command in COMMANDS:
            if command.palette:
                yield command.description, partial(screen.run_action, command.action), self._keys(command, keymap)

    @staticmethod
    def _keys(command: Command, keymap: dict[str, str]) -> str:
        return f"{keys_label(command, keymap)}  ·  {command.id}"


class SavedViewCommands(PlainProvider):
    """Open, rename or delete each saved view of the main screen."""

    def entries(self) -> Iterable[Entry]:
        screen: Any = self.screen  # the main screen, when it is the one under the palette
        for saved in getattr(screen, "saved_views", ()):
            name = saved.name
            yield f"Saved view: open “{name}”", partial(screen.apply_saved_view, name), saved.query
            yield f"Saved view: rename “{name}”", partial(screen.rename_saved_view, name), saved.query
            yield f"Saved view: delete “{name}”", partial(screen.delete_saved_view, name), saved.query
