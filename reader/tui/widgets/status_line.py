"""The status line across the bottom of the main screen: the active search, then every notice
about it (a query that could not be read as typed, an unknown field), in full.

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
    """The search as typed, then the notices about it on a line of their own (so a notice
    starts at the left edge and is cut nowhere at 120 columns)."""
    lines = [Content("search: ") + plain_line(search)] if search else []
    if notices:
        lines.append(Content("  ·  ").join(plain_line(f"{NOTICE_MARK} {notice}") for notice in notices))
    return Content("\n").join(lines)


class StatusLine(Static):
    _shown: tuple[str, tuple[str, ...]] | None = None

    def show(self, search: str, notices: Sequence[str]) -> None:
        shown = (search, tuple(notices))
        if shown == self._shown:
            return  # the same words: no new layout on every cursor move
        self._shown = shown
        self.update(status_content(search, notices))
        self.set_class(bool(search or notices), "-shown")
        self.set_class(bool(notices), "-notice")
