"""The triage rules' old home, kept so that code written against it still imports.

The rules now live each in its own module: views (View, VIEW_STATUSES, new_members, within),
marks, counts, cursor_moves, read_clock, links and session. Import from those.
"""

from reader.domain.counts import Counts, Tally, digest_counts, retally, tally, view_counts
from reader.domain.cursor_moves import after_mark, step_unread
from reader.domain.links import SCHOLAR_SEARCH, clipboard_text, is_web_link, link_to_open
from reader.domain.marks import Marks, to_mark_read
from reader.domain.read_clock import ReadClock
from reader.domain.session import Session
from reader.domain.views import VIEW_STATUSES, View, new_members, within

__all__ = [
    "SCHOLAR_SEARCH", "VIEW_STATUSES", "Counts", "Marks", "ReadClock", "Session", "Tally", "View", "after_mark",
    "clipboard_text", "digest_counts", "is_web_link", "link_to_open", "new_members", "retally", "step_unread",
    "tally", "to_mark_read", "view_counts", "within",
]
