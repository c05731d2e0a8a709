"""An in-memory snapshot of the catalog: digests, paper summaries and the default order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from reader.domain.text import fold


@dataclass(frozen=True)
class DigestInfo:
    id: int
    path: str
    label: str
    date: date | None
    entries: int
    warnings: tuple[str, ...]

    @property
    def sort_key(self) -> tuple[bool, int, str]:
        """Newest first; digests without a date last."""
        return (self.date is None, -(self.date.toordinal() if self.date else 0), self.path)


class PaperSummary(NamedTuple):
    """What the list needs about a paper, kept in memory for every paper (a tuple: 100,000
    of them are built at every start)."""

    id: str
    title: str
    date: date | None  # newest appearance
    digest_ids: tuple[int, ...]  # newest first


@dataclass
class LibraryView:
    """An in-memory snapshot of the catalog, in the default order (newest digest first)."""

    digests: list[DigestInfo]  # the files that gave papers: the only ones listed and counted
    papers: dict[str, PaperSummary]
    order: list[str]
    papers_in_digest: dict[int, frozenset[str]]
    # Files read that gave no paper (binary, empty): kept in the catalog so they are not read
    # again at every start, and named when the library is empty, but never counted as digests.
    rejected: list[DigestInfo] = field(default_factory=list)

    def digest(self, digest_id: int) -> DigestInfo | None:
        return next((info for info in self.digests if info.id == digest_id), None)

    def match_digests(self, wanted: str) -> list[DigestInfo]:
        """Digests whose label, ISO date or file name matches `wanted` (spaces and case ignored)."""
        key = _label_key(wanted)
        return [
            info
            for info in self.digests
            if key
            in (_label_key(info.label), info.date.isoformat() if info.date else "", _label_key(Path(info.path).stem))
        ]


def _label_key(text: str) -> str:
    return "".join(fold(text).split())
