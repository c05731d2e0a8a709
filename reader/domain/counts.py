"""What the filter pane counts: papers per view and unread per digest, kept current cheaply."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from reader.domain.library_view import LibraryView
from reader.domain.marks import Marks


@dataclass(frozen=True)
class Counts:
    total: int
    unread: int
    starred: int


def view_counts(view: LibraryView, read_ids: Collection[str], starred_ids: Collection[str]) -> Counts:
    """Counts for All / Unread / Starred; marks on papers no digest lists are ignored."""
    papers = view.papers
    read = sum(1 for pid in read_ids if pid in papers)
    starred = sum(1 for pid in starred_ids if pid in papers)
    return Counts(len(papers), len(papers) - read, starred)


def digest_counts(view: LibraryView, read_ids: frozenset[str] | set[str]) -> dict[int, tuple[int, int]]:
    """digest id -> (unread, total)."""
    counts = {}
    for info in view.digests:
        members = view.papers_in_digest.get(info.id, frozenset())
        counts[info.id] = (len(members) - len(members & read_ids), len(members))
    return counts


@dataclass(frozen=True)
class Tally:
    """What the filter pane counts: per view and per digest (digest id -> (unread, total))."""

    counts: Counts
    digests: Mapping[int, tuple[int, int]]


def tally(view: LibraryView, marks: Marks) -> Tally:
    """Count from scratch: O(marks + digests)."""
    return Tally(view_counts(view, marks.read, marks.starred), digest_counts(view, marks.read))


def retally(previous: Tally, view: LibraryView, old: Marks, new: Marks, changed: Iterable[str]) -> Tally:
    """The tally after `changed` papers went from `old` to `new` marks: O(changed), not O(library),
    so a key press on a 100,000-paper library does not recount it."""
    unread, starred = previous.counts.unread, previous.counts.starred
    digests = dict(previous.digests)
    for pid in set(changed):
        summary = view.papers.get(pid)
        if summary is None:
            continue
        read_change = (pid in new.read) - (pid in old.read)
        if read_change:
            unread -= read_change
            for digest_id in set(summary.digest_ids):
                left, total = digests.get(digest_id, (0, 0))
                digests[digest_id] = (left - read_change, total)
        starred += (pid in new.starred) - (pid in old.starred)
    return Tally(Counts(previous.counts.total, unread, starred), digests)
