"""A fast in-memory path for the common searches; Whoosh stays the index of record.

Whoosh's matchers cost about a microsecond per posting in Python, so a common word in a
large library takes seconds. The fast index (reader/search/fast/) keeps a second, compact
index of the SAME analysed terms (reader.search.analysis) and evaluates the query shapes the
search box produces -- Term, Prefix and Phrase on title and abstract, under And / Or / Not /
AndNot / AndMaybe / Require -- with whole-set operations that run in C:

- a set of papers is a Python int used as a bitset over document ordinals: AND, OR, NOT and
  counting cost microseconds even at 100,000 papers (fast/bits.py, fast/evaluator.py);
- a term's score contributions are a byte vector (its BM25 "impact" per ordinal); a query's
  scores are the weighted sum of those vectors, spread into 32-bit lanes of one big int;
- each lane holds a ranking key, score << rank_bits | place in the default order, so the top
  page is `heapq.nlargest` (or a sort of a few thousand ints) and ties follow the default
  order without any per-paper Python code (fast/ranking.py).

Anything else (fuzzy terms, wildcards, ranges, other fields, phrase slop, minmatch) is
"unsupported": `FastSearch.search` returns None and the caller asks Whoosh.

On disk (a folder in the library's cache, next to the Whoosh index): immutable segment files
(one per update, merged now and then: fast/segment_builder.py, fast/merges.py), a small file
of deleted ordinals and a manifest naming them (fast/manifest.py), each written under a
temporary name and renamed into place, so a reader sees the old state or the new one. Segment
files are memory-mapped (fast/segment_reader.py): a search touches only the pages it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from itertools import compress, repeat
from pathlib import Path

from whoosh import query as wq

from reader.search.fast.bits import bits_of, unpack_bits
from reader.search.fast.evaluator import Evaluator, Unsupported, never_cancelled
from reader.search.fast.fileformat import FIELDS
from reader.search.fast.index_writer import WritableIndex
from reader.search.fast.ranking import RANKED_DEPTH, FastResult, rank_hits
from reader.search.fast.snapshot import Snapshot, ViewIndex, view_index
from reader.search.index import make_schema

__all__ = ["RANKED_DEPTH", "AllowedIds", "FastResult", "FastSearch", "field_boosts"]

AllowedIds = Set[str] | Callable[[str], bool] | None


def field_boosts() -> dict[str, float]:
    schema = make_schema()
    # Whoosh keeps a field's boost on its posting format (TEXT(field_boost=2.0) for the title).
    return {name: float(getattr(schema[name].format, "field_boost", 1.0) or 1.0) for name in FIELDS}


class FastSearch(WritableIndex):
    """The fast index in one folder: load / rebuild / update / search.

    Thread-safe: searches read an immutable snapshot; writers build a new one and swap it in.
    Writers of several processes are serialised by a file lock; each reloads the on-disk state
    first when another process has changed it.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self._boosts = field_boosts()

    # -- searching ----------------------------------------------------------------------

    def search(
        self,
        query: wq.Query,
        allowed: AllowedIds = None,
        order: Sequence[str] | Mapping[str, int] | None = None,
        limit: int | None = None,
        *,
        excluded: Set[str] | None = None,
        depth: int | None = RANKED_DEPTH,
        cancel: Callable[[], None] | None = None,
    ) -> FastResult | None:
        """Every matching paper, best first, or None when the query is unsupported or no index is loaded.

        allowed: a set of paper ids (fast: its bitset is cached while the same set object is
        passed) or a predicate (called once per matched paper); excluded: a set of ids to drop.
        order: the default order (view.order, newest digest first), used to break score ties
        and for hits beyond `depth`; a {id: rank} mapping is accepted too. Papers the order
        does not list are not returned. cancel: called between steps; it raises to stop the search.
        """
        snapshot = self._snapshot
        if snapshot is None:
            return None
        try:
            match = Evaluator(snapshot, self._boosts, cancel or never_cancelled).evaluate(query)
        except Unsupported:
            return None
        view = self._view(snapshot, order)
        bits = match.bits & view.in_view & snapshot.live
        if excluded:
            bits &= ~self._set_bits(snapshot, excluded)
        if allowed is not None:
            bits = self._allowed(snapshot, bits, allowed)
        return rank_hits(snapshot, view, bits, match.parts, limit, depth)

    def _view(self, snapshot: Snapshot, order) -> ViewIndex:
        cached = snapshot.cache.view
        if cached is not None and cached[0] is order:
            return cached[1]
        if order is None:
            listed: Sequence[str] = [paper for paper in reversed(snapshot.ids) if paper is not None]
        elif isinstance(order, Mapping):
            listed = sorted(order, key=order.__getitem__)
        else:
            listed = order
        view = view_index(snapshot, listed)
        if order is not None:
            snapshot.cache.view = (order, view)
        return view

    def prepare(self, order: Sequence[str]) -> None:
        """Build the default-order tables now (10-30 ms at 100k) rather than on the first search."""
        snapshot = self._snapshot
        if snapshot is not None:
            self._view(snapshot, order)

    def _set_bits(self, snapshot: Snapshot, ids: Set[str]) -> int:
        def compute() -> int:
            ordinal_of = snapshot.ordinal_of
            size = snapshot.size
            # Unknown ids land on the spare position `size`, then fall off the mask.
            return bits_of(map(ordinal_of.get, ids, repeat(size)), size + 1) & ((1 << size) - 1)

        return snapshot.cache.id_set(ids, compute)

    def _allowed(self, snapshot: Snapshot, bits: int, allowed) -> int:
        if isinstance(allowed, Set):
            return bits & self._set_bits(snapshot, allowed)
        # A predicate: ask it about the matched papers only.
        matched = unpack_bits(bits, snapshot.size)
        candidates = list(compress(snapshot.ordinal_list, matched))
        ids = snapshot.ids
        keep = compress(candidates, map(allowed, map(ids.__getitem__, candidates)))
        return bits_of(keep, snapshot.size)

