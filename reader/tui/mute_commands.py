"""Command palette entries to delete a mute rule, one per rule of the main screen."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from reader.tui.commands import Entry, PlainProvider


class MuteRuleCommands(PlainProvider):
    """"Delete mute rule: RULE" for each rule; choosing one asks before deleting it."""

    def entries(self) -> Iterable[Entry]:
        screen = self.screen
        muting = getattr(screen, "muting", None)  # the main screen, when it is the one under the palette
        offer = getattr(screen, "offer_unmute", None)
        if muting is None or offer is None:
            return
        for rule in muting.rules:
            yield f"Delete mute rule: {rule}", partial(offer, rule), "stop hiding the papers it matches"
