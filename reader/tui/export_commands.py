"""The command palette's export commands: the current view or the starred papers, to a file."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from reader.tui.commands import Entry, PlainProvider

# (what the palette shows, the main screen's action, what it does)
EXPORTS = (
    ("Export current view…", "export('view')", "the papers listed now, to Markdown, BibTeX, CSV or JSON"),
    ("Export starred…", "export('starred')", "every starred paper, to Markdown, BibTeX, CSV or JSON"),
)


class ExportCommands(PlainProvider):
    def entries(self) -> Iterable[Entry]:
        for title, action, help_text in EXPORTS:
            yield title, partial(self.screen.run_action, action), help_text
