"""The command palette's export commands: the current view or the starred papers, to a file."""

from __future__ import annotations

from reader.tui.commands import ActionProvider


class ExportCommands(ActionProvider):
    ACTIONS = (
        ("Export current view…", "export('view')", "the papers listed now, to Markdown, BibTeX, CSV or JSON"),
        ("Export starred…", "export('starred')", "every starred paper, to Markdown, BibTeX, CSV or JSON"),
    )
