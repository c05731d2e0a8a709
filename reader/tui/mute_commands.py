"""Command palette entries to delete a mute rule, one per rule of the main screen."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class MuteRuleCommands(Provider):
    """"Delete mute rule: RULE" for each rule; choosing one asks before deleting it."""

    def _rules(self) -> list[tuple[str, object]]:
        screen = self.screen
        muting = getattr(screen, "muting", None)
        offer = getattr(screen, "offer_unmute", None)
        if muting is None or offer is None:
            return []
        return [(f"Delete mute rule: {rule}", partial(offer, rule)) for rule in muting.rules]

    async def discover(self) -> Hits:
        for text, run in self._rules():
            yield DiscoveryHit(text, run, help="stop hiding the papers it matches")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run in self._rules():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help="stop hiding the papers it matches")
