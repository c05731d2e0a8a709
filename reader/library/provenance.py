"""Where each paper first appeared, and which papers are new to the user.

A paper's first appearance is its oldest dated digest (digests of the same date in the
catalog's order, the first position within a digest); a paper listed only in undated
digests first appeared in the last of them. Each digest then splits its entries into new
(first seen there) and seen-before (listed in an earlier digest, or earlier in the same
one), which add up to its entry count.

"New to me" is about the user, not the digests: the state database remembers every paper
the reader has listed (`StateStore.known_ids`). A paper is new for the whole session that
first lists it, like a mail reader's "new" flag; on a state database that has never
recorded one, every paper is new in that first session.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from reader.domain.library_view import LibraryView


@dataclass(frozen=True)
class DigestNews:
    """One digest's entries split by whether the paper first appeared there."""

    new: int
    seen_before: int

    @property
    def entries(self) -> int:
        return self.new + self.seen_before


@dataclass(frozen=True, eq=False)
class Provenance:
    """First appearances for one library view (built once per view: O(papers))."""

    first_digest: Mapping[str, int]  # paper id -> digest id of its first appearance
    new_in: Mapping[int, frozenset[str]]  # digest id -> papers that first appeared there
    news: Mapping[int, DigestNews]  # per digest entry, as listed in the file
    _news_in: list[tuple[LibraryView, Mapping[int, DigestNews]]] = field(default_factory=list, repr=False)

    def news_in(self, view: LibraryView, left_out: Collection[str] = ()) -> Mapping[int, DigestNews]:
        """Each digest's papers that `view` lists, split into new there and seen before.

        What the filter pane shows under a digest: counted over the same papers as the
        digest's unread / total, so papers `view` leaves out (`left_out`: the muted ones,
        which it may show after all) are left out here too, and a paper listed twice in one
        digest counts once. O(digests + left_out); kept for the last two views (the full one
        and the one without muted papers).
        """
        for counted, news in self._news_in:
            if counted is view:
                return news
        new = {digest_id: len(ids) for digest_id, ids in self.new_in.items()}
        for pid in left_out:
            digest_id = self.first_digest.get(pid)
            if digest_id is not None and pid not in view.papers:
                new[digest_id] -= 1
        news = {}
        for info in view.digests:
            here = new.get(info.id, 0)
            news[info.id] = DigestNews(here, len(view.papers_in_digest.get(info.id, ())) - here)
        self._news_in[:] = [*self._news_in[-1:], (view, news)]
        return news


def first_digest_of(digest_ids: tuple[int, ...], dated: Collection[int]) -> int:
    """The oldest dated digest among a paper's digests (listed newest first, undated last)."""
    for digest_id in reversed(digest_ids):
        if digest_id in dated:
            return digest_id
    return digest_ids[-1]


def provenance(view: LibraryView) -> Provenance:
    dated = frozenset(info.id for info in view.digests if info.date is not None)
    first: dict[str, int] = {}
    new_in: dict[int, list[str]] = {info.id: [] for info in view.digests}
    for pid, summary in view.papers.items():
        digest_ids = summary.digest_ids
        if not digest_ids:
            continue
        digest_id = digest_ids[-1]  # the oldest, unless it is undated and a dated one exists
        if digest_id not in dated and len(digest_ids) > 1:
            digest_id = first_digest_of(digest_ids, dated)
        first[pid] = digest_id
        new_in.setdefault(digest_id, []).append(pid)
    news = {}
    for info in view.digests:
        new = len(new_in.get(info.id, ()))
        # Entries beyond the new papers were seen before: in an older digest, or higher up
        # in this one (a paper listed twice counts as new once).
        news[info.id] = DigestNews(new, max(0, info.entries - new))
    return Provenance(first, {digest_id: frozenset(ids) for digest_id, ids in new_in.items()}, news)


def new_to_user(view: LibraryView, known: Collection[str]) -> frozenset[str]:
    """Papers in the view the user had not been shown before this session."""
    return frozenset(pid for pid in view.papers if pid not in known)


def to_record(view: LibraryView, known: Collection[str]) -> list[str]:
    """Papers to remember as shown: those listed now that the database does not know yet."""
    return [pid for pid in view.order if pid not in known]
