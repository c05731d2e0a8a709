"""Triage rules the reader's screens follow: views, counts, next unread, links, the session.

Pure functions over ids and sets, so the rules are tested without a terminal and the UI
only arranges them.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import quote_plus, urlsplit

from reader.domain.library_view import LibraryView
from reader.domain.mark_filter import STARRED, UNREAD
from reader.domain.models import Mark


class View(str, Enum):
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"
    NEW = "new"  # first appeared in the chosen digest, or never shown before (core.provenance)

    @property
    def title(self) -> str:
        return self.value.capitalize()


VIEW_STATUSES: Mapping[View, tuple[str, ...]] = {
    View.ALL: (),
    View.UNREAD: (UNREAD,),
    View.STARRED: (STARRED,),
    View.NEW: (),  # a set of ids, not a status: see new_members
}


def new_members(
    view: View, digest_id: int | None, new_in: Mapping[int, frozenset[str]], unseen: frozenset[str]
) -> frozenset[str] | None:
    """The ids the New view keeps (None for the other views): the papers that first appeared
    in the chosen digest, or with no digest chosen those the user had not been shown."""
    if view is not View.NEW:
        return None
    if digest_id is None:
        return unseen
    return new_in.get(digest_id, frozenset())


def within(ids: Iterable[str], members: Container[str] | None) -> list[str]:
    """`ids` narrowed to one digest's papers (all of them when members is None), order kept."""
    if members is None:
        return list(ids)
    return [pid for pid in ids if pid in members]


@dataclass(frozen=True, eq=False)  # compared by identity: a new Marks is a change
class Marks:
    """The user's read and starred papers, as the screen last knew them."""

    read: frozenset[str] = frozenset()
    starred: frozenset[str] = frozenset()

    def with_read(self, ids: Iterable[str], read: bool) -> Marks:
        return Marks(_with(self.read, ids, read), self.starred)

    def with_starred(self, ids: Iterable[str], starred: bool) -> Marks:
        return Marks(self.read, _with(self.starred, ids, starred))

    def patched(self, marks: Mapping[str, Mark]) -> Marks:
        """These papers' marks replaced by fresh ones (after an undo)."""
        read = {pid for pid, mark in marks.items() if mark.read}
        starred = {pid for pid, mark in marks.items() if mark.starred}
        return Marks((self.read - marks.keys()) | read, (self.starred - marks.keys()) | starred)


def _with(ids: frozenset[str], changed: Iterable[str], present: bool) -> frozenset[str]:
    return ids | frozenset(changed) if present else ids - frozenset(changed)


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


def step_unread(ids: Sequence[str], start: int, read_ids: Container[str], step: int = 1) -> int | None:
    """Index of the next (step=1) or previous (step=-1) unread paper after `start`; None if none."""
    index = start + step
    while 0 <= index < len(ids):
        if ids[index] not in read_ids:
            return index
        index += step
    return None


def after_mark(index: int, count: int) -> int:
    """Where the cursor goes after "mark read and next": the next row, or stay on the last."""
    return max(0, min(index + 1, count - 1))


def to_mark_read(ids: Iterable[str], read_ids: Container[str]) -> list[str]:
    """The papers in `ids` that "mark all read" would change, in list order."""
    return [pid for pid in ids if pid not in read_ids]


@dataclass(frozen=True)
class ReadClock:
    """Read-on-open: which paper is on its way to counting as read.

    Reading is a decision. A paper counts as read only once the user moved to it themselves (a
    key or a click, not the first row at start-up, a restored session, a search, a view, digest or
    tag change, or a jump from similar papers) and then looked at it for the configured delay
    with the list or the detail focused: never while focus is in the search box or the filter
    pane, or a dialog is open. Leaving stops the clock; back on the same paper it starts again
    from zero. A paper marked by hand or by undo is the user's decision: its clock ends until they
    move onto it again.
    """

    paper_id: str | None = None  # the paper the user moved to, not yet counted
    looking: bool = False  # the list or the detail has focus and no dialog is open

    def moved_to(self, paper_id: str | None, by_user: bool, looking: bool) -> ReadClock:
        """The selection changed to `paper_id`; `by_user` when a key or a click moved it there."""
        if by_user and paper_id is not None:
            return ReadClock(paper_id, looking)
        if paper_id == self.paper_id:
            return self  # the same paper kept through a refilter
        return ReadClock()

    def attention(self, looking: bool) -> ReadClock:
        """Focus moved: onto the list or the detail (`looking`), or away from them."""
        return ReadClock(self.paper_id, looking and self.paper_id is not None)

    def marked(self, ids: Iterable[str]) -> ReadClock:
        """These papers were marked (read or unread) by hand or by undo."""
        return ReadClock() if self.paper_id is not None and self.paper_id in set(ids) else self

    def running(self, delay: float | None, read_ids: Container[str]) -> bool:
        """Whether the paper becomes read after `delay` seconds if nothing changes meanwhile;
        a delay of None is "never"."""
        return self.looking and self.paper_id is not None and delay is not None and self.paper_id not in read_ids


# -- links -----------------------------------------------------------------------------------

SCHOLAR_SEARCH = "https://scholar.google.com/scholar?q="


def is_web_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link_to_open(title: str, links: Sequence[str]) -> str:
    """The paper's first web link, else a scholar search for its title."""
    for link in links:
        if is_web_link(link):
            return link
    return SCHOLAR_SEARCH + quote_plus(title)


def clipboard_text(title: str, links: Sequence[str]) -> str:
    first = next((link for link in links if is_web_link(link)), None)
    return f"{title}\n{first}" if first else title


# -- the last session ------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """What the reader showed when it closed, restored on the next start."""

    query: str = ""
    view: View = View.ALL
    digest: str | None = None  # the digest's file path: catalog ids change on rebuilds
    selected: str | None = None
    tag: str | None = None  # the tag chosen in the filter pane

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query, "view": self.view.value, "digest": self.digest, "selected": self.selected,
            "tag": self.tag,
        }

    @classmethod
    def from_json(cls, data: Any) -> Session:
        """Whatever was stored; anything damaged falls back to the default."""
        if not isinstance(data, dict):
            return cls()

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        try:
            view = View(data.get("view", "all"))
        except ValueError:
            view = View.ALL
        return cls(text("query") or "", view, text("digest"), text("selected"), text("tag"))
