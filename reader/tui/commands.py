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


class SavedViewCommands(Provider):
    """Open, rename or delete each saved view of the main screen."""

    def _hits(self) -> list[tuple[str, object, str]]:
        screen = self.screen
        found = []
        for saved in getattr(screen, "saved_views", ()):
            name = saved.name
            found.append((f"Saved view: open “{name}”", partial(screen.apply_saved_view, name), saved.query))
            found.append((f"Saved view: rename “{name}”", partial(screen.rename_saved_view, name), saved.query))
            found.append((f"Saved view: delete “{name}”", partial(screen.delete_saved_view, name), saved.query))
        return found

    async def discover(self) -> Hits:
        for text, run, query in self._hits():
            yield DiscoveryHit(text, run, help=query)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run, help_text in self._hits():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)
