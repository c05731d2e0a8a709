"""The status line across the bottom of the main screen: every notice about the search (a
query that could not be parsed, an unknown field), in full; else the active search.

It spans the whole window, so at 120 columns a notice is not cut as it was in the list's
border; a longer one wraps onto a second line. Hidden while there is nothing to say.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from reader.tui.plain import plain_line

NOTICE_MARK = "⚠"


def status_content(search: str, notices: Sequence[str]) -> Content:
    """The notices when there are any (they quote what they are about), else the search."""
    if notices:
        return Content("  ·  ").join(plain_line(f"{NOTICE_MARK} {notice}") for notice in notices)
    return Content("search: ") + plain_line(search) if search else Content("")


class StatusLine(Static):
    def show(self, search: str, notices: Sequence[str]) -> None:
        self.update(status_content(search, notices))
        self.set_class(bool(search or notices), "-shown")
        self.set_class(bool(notices), "-notice")
