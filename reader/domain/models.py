"""Plain data records shared by the core modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reader.domain.paper_meta import PaperMeta
from reader.domain.text import escape_name


@dataclass(frozen=True)
class ParseWarning:
    """Something odd in a digest file, located so the user can find it."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{escape_name(self.path)}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Entry:
    """One paper as it stands in one digest: cleaned text, its line number and, in a
    fetched digest, its metadata."""

    title: str
    abstract: str
    line: int
    meta: PaperMeta | None = None


@dataclass
class Digest:
    """One parsed digest file."""

    path: str
    label: str
    date: date | None
    entries: list[Entry] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


@dataclass(frozen=True)
class Appearance:
    """Where a paper was listed: which digest, and its position there (1-based)."""

    digest_id: int
    label: str
    date: date | None
    path: str
    position: int

    @property
    def dated_label(self) -> str:
        """The digest's label with its year (`Aug 9 2026`), as every view shows it: most
        digests' date lines leave the year out."""
        if self.date is None or str(self.date.year) in self.label:
            return self.label
        return f"{self.label} {self.date.year}"


@dataclass(frozen=True)
class Paper:
    """A de-duplicated paper with every digest it appeared in, newest first."""

    id: str
    title: str
    abstract: str
    links: tuple[str, ...]
    appearances: tuple[Appearance, ...]
    meta: PaperMeta | None = None  # from the newest fetched digest that lists it

    @property
    def first_seen(self) -> Appearance | None:
        return self.appearances[-1] if self.appearances else None


@dataclass(frozen=True)
class Mark:
    """The user's state for one paper."""

    read: bool = False
    starred: bool = False
    read_at: str | None = None
    starred_at: str | None = None


@dataclass(frozen=True)
class SavedView:
    """A search the user named: its query as typed and the view (all, unread, starred) it
    applies to. No digest: digests come daily, a saved view keeps matching new ones."""

    name: str
    query: str
    view: str = "all"
