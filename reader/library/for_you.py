"""For you: the unread papers ranked by likeness to the starred ones (or to one tag's papers).

The rules in one place, for the app's view `5` and `reader rank`: which papers are the seeds
(the starred ones as they are now, so an unstarred paper stops counting; or the tag's papers),
which are left out (read, muted, the seeds themselves), and what to say when there is nothing
to rank by. The ranking itself: reader.search.ranking.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from reader.domain.cancel import CancelToken
from reader.domain.tags import tag_title
from reader.search.ranking import Ranked, rank_like
from reader.search.similar import Papers

NO_STARS = "Star a few papers to rank the rest by them."
RANK_LIMIT = 200  # the papers ranked by score (the fast engine ranks this deep, then by date)


@dataclass(frozen=True)
class ForYou:
    """A ranking, and why it is empty when it is."""

    ranked: tuple[Ranked, ...] = ()
    empty_reason: str | None = None
    seeds: int = 0  # how many papers it was ranked by

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.ranked]

    def because(self, paper_id: str) -> tuple[str, ...]:
        return next((item.because for item in self.ranked if item.id == paper_id), ())


def for_you(
    library: Papers,
    starred: Collection[str],
    read: Collection[str],
    muted: Collection[str] = frozenset(),
    tagged: Collection[str] | None = None,
    tag: str | None = None,
    limit: int | None = RANK_LIMIT,
    cancel: CancelToken | None = None,
) -> ForYou:
    """The ranking by the starred papers, or by `tagged` (the papers of `tag`) when given."""
    seeds = frozenset(tagged if tagged is not None else starred) & library.view().papers.keys()
    if not seeds:
        return ForYou(empty_reason=no_seeds_reason(tag))
    ranked = rank_like(library, seeds, frozenset(read) | frozenset(muted), limit, cancel)
    if not ranked:
        return ForYou(empty_reason="No unread paper shares words with them.", seeds=len(seeds))
    return ForYou(tuple(ranked), seeds=len(seeds))


def no_seeds_reason(tag: str | None) -> str:
    return NO_STARS if tag is None else f"No papers tagged {tag_title(tag)} to rank the rest by."


def because_line(words: tuple[str, ...]) -> str:
    """"because: speculative, draft, decoding, …" (the ellipsis: more words weighed in)."""
    return f"because: {', '.join(words)}, …" if words else ""
