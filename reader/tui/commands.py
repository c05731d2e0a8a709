"""The command palette's reader commands, generated from the command table."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.tui.bindings import COMMANDS, Command, keys_label


class ReaderCommands(Provider):
    """Every command of the reader, with its keys as help text."""

    def _commands(self) -> list[Command]:
        return [command for command in COMMANDS if command.palette]

    def _help(self, command: Command) -> str:
        keymap = getattr(self.app, "keymap", {})
        return f"{keys_label(command, keymap)}  ·  {command.id}"

    def _runner(self, command: Command):
        screen = self.screen
        return partial(screen.run_action, command.action)

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.description, self._runner(command), help=self._help(command))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.description)
            if score > 0:
                yield Hit(score, matcher.highlight(command.description), self._runner(command), help=self._help(command))
