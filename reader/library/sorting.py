"""The order of a search's papers: by date (the default order), upvotes, comments, title or
relevance (the engine's ranking, only while the query has words: else by date).

Pure: the pipeline's ids in, reordered by a dict lookup per paper (100,000 ids sort in a
fraction of a second, no catalog query). Papers without the value sorted by go after those
with it; ties keep the date order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from reader.domain.library_view import LibraryView
from reader.domain.paper_meta import PaperMeta
from reader.domain.text import fold

DATE, UPVOTES, COMMENTS, TITLE, RELEVANCE = "date", "upvotes", "comments", "title", "relevance"
SORT_KEYS = (DATE, UPVOTES, COMMENTS, TITLE, RELEVANCE)
# Sort keys are plain strings and ints, never tuples: 100,000 tuples alive at once wake the
# garbage collector, which then walks every object of the library.
_AFTER_ANY_TITLE = "\U0010ffff"


def effective_sort(key: str | None, has_words: bool) -> str:
    """The order actually used: relevance needs words (else by date); None is the default,
    relevance with words and date without."""
    if key is None or key not in SORT_KEYS:
        return RELEVANCE if has_words else DATE
    return DATE if key == RELEVANCE and not has_words else key


def needs_counts(key: str) -> bool:
    """Whether the order is by a count only fetched papers have."""
    return key in (UPVOTES, COMMENTS)


def sort_ids(
    ids: Sequence[str],
    key: str,
    positions: Callable[[], Mapping[str, int]],
    metadata: Callable[[], Mapping[str, PaperMeta]],
    title_keys: Callable[[], Mapping[str, str]],
    in_date_order: bool = False,
) -> list[str]:
    """`ids` ordered by `key` (see effective_sort). `positions()`: each paper's place in the
    date order; `metadata()` and `title_keys()` (folded titles) are asked for only when the key needs them.
    `in_date_order`: the ids are already in date order (a listing without words)."""
    if key == RELEVANCE:
        return list(ids)
    dated = list(ids) if in_date_order else _by_date(ids, positions())
    if key == DATE:
        return dated
    if key == TITLE:
        keys = title_keys()
        return sorted(dated, key=lambda pid: keys.get(pid, _AFTER_ANY_TITLE))
    known = metadata()
    counts = {pid: (meta.upvotes if key == UPVOTES else meta.comments) for pid, meta in known.items()}
    return sorted(dated, key=lambda pid: _descending(counts.get(pid)))


def _by_date(ids: Sequence[str], positions: Mapping[str, int]) -> list[str]:
    last = len(positions)  # a paper not in the view (gone since): after the others
    return sorted(ids, key=lambda pid: positions.get(pid, last))


def _descending(number: int | None) -> int:
    """Most first, unknown last: counts are never negative, so -count sorts before 1."""
    return 1 if number is None else -number


def title_keys(view: LibraryView) -> dict[str, str]:
    """Each paper's title as the title order compares it: case and accents ignored."""
    return {
        pid: summary.title.casefold() if summary.title.isascii() else fold(summary.title)  # ASCII: nothing to unaccent
        for pid, summary in view.papers.items()
    }
