"""Command palette entries to delete a mute rule, one per rule of the main screen."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from reader.tui.commands import Entry, MainScreenProvider
from reader.tui.screens.main import MainScreen


class MuteRuleCommands(MainScreenProvider):
    """"Delete mute rule: RULE" for each rule; choosing one asks before deleting it."""

    def main_entries(self, screen: MainScreen) -> Iterable[Entry]:
        for rule in screen.muting.rules:
            yield f"Delete mute rule: {rule}", partial(screen.offer_unmute, rule), "stop hiding the papers it matches"
