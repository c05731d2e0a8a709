"""The command palette's export commands: the current view or the starred papers, to a file."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (what the palette shows, the main screen's action, what it does)
EXPORTS = (
    ("Export current view…", "export('view')", "the papers listed now, to Markdown, BibTeX, CSV or JSON"),
    ("Export starred…", "export('starred')", "every starred paper, to Markdown, BibTeX, CSV or JSON"),
)


class ExportCommands(Provider):
    def _runner(self, action: str):
        return partial(self.screen.run_action, action)

    async def discover(self) -> Hits:
        for title, action, help_text in EXPORTS:
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in EXPORTS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)
