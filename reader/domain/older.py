"""Catching up: which papers "mark older read" marks, above the cursor or in older digests.

Both leave starred papers unread (a star says "come back to this") and skip papers already
read, so the count asked about is the count that changes. Plain functions over ids.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from datetime import date

from reader.domain.library_view import DigestInfo, LibraryView
from reader.domain.marks import to_mark_read


def above_cursor(listed: Sequence[str], cursor: int, read: Container[str], starred: Container[str]) -> list[str]:
    """The unread, unstarred papers listed above the cursor, in list order."""
    above = listed[: max(0, cursor)]
    return to_mark_read((pid for pid in above if pid not in starred), read)


def reference_digest(view: LibraryView, digest_id: int | None, paper_id: str | None) -> DigestInfo | None:
    """The digest "older" is measured from: the one chosen, else the newest digest of the
    paper under the cursor; None when there is neither."""
    if digest_id is not None:
        return view.digest(digest_id)
    summary = view.papers.get(paper_id) if paper_id is not None else None
    if summary is None or not summary.digest_ids:
        return None
    return view.digest(summary.digest_ids[0])


def in_older_digests(view: LibraryView, before: date, read: Container[str], starred: Container[str]) -> list[str]:
    """The unread, unstarred papers whose every digest is dated before `before`, in the view's
    order. A paper that came back in a digest of that day or later is kept: it is news again
    there. A paper only in undated digests is kept too (nothing says it is older)."""
    dates = {info.id: info.date for info in view.digests}

    def older(pid: str) -> bool:
        newest = view.papers[pid].digest_ids
        return bool(newest) and all((day := dates.get(d)) is not None and day < before for d in newest)

    return to_mark_read((pid for pid in view.order if pid not in starred and older(pid)), read)
