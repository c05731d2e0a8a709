"""Ranking the matched papers: (score, place in the default order) keys, best first.

Each key is score << rank_bits | place, one 32-bit lane, so the top page is `heapq.nlargest`
(or a sort of a few thousand ints) and ties follow the default order without per-paper Python.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from heapq import nlargest
from itertools import compress, repeat
from math import isfinite
from operator import and_, sub

from reader.search.fast.bits import LITTLE, picker, spread_lanes, unpack_bits
from reader.search.fast.evaluator import Part
from reader.search.fast.fileformat import IMPACT_MAX
from reader.search.fast.snapshot import Snapshot, ViewIndex

# A ranking key is score << rank_bits | (len(order) - position): it fits one 32-bit lane, so
# the score gets 32 - rank_bits bits (15 at 100k papers), scaled to the query's best possible.
LANE_BITS = 32
# Up to this many hits, keys are computed per hit and every hit is ranked by score. Above it,
# keys come from whole-library lanes and only the first RANKED_DEPTH hits (five pages of the
# list) are ranked by score; the rest follow in the default order, which costs nothing extra.
FULL_SORT_MAX = 20_000
RANKED_DEPTH = 200


class _Scores(Mapping[str, float]):
    """Score of every matched paper, computed on demand from its ranking key.

    `keys` is indexed by ordinal, or parallel to `ordinals` when those are given.
    """

    def __init__(self, keys: Sequence[int], ordinals: list[int] | None, ordinal_of: Mapping[str, int],
                 ids: list[str | None], matched: bytes, rank_bits: int, scale: float, total: int) -> None:
        self._keys = keys
        self._ordinals = ordinals
        self._by_ordinal: dict[int, int] | None = None
        self._ordinal_of = ordinal_of
        self._ids = ids
        self._matched = matched
        self._rank_bits = rank_bits
        self._scale = scale
        self._total = total

    def __getitem__(self, paper: str) -> float:
        ordinal = self._ordinal_of.get(paper)
        if ordinal is None or not self._matched[ordinal]:
            raise KeyError(paper)
        if self._ordinals is None:
            key = self._keys[ordinal]
        else:
            if self._by_ordinal is None:
                self._by_ordinal = dict(zip(self._ordinals, self._keys, strict=True))
            key = self._by_ordinal[ordinal]
        return (key >> self._rank_bits) / self._scale

    def __iter__(self) -> Iterator[str]:
        return (paper for paper in compress(self._ids, self._matched))  # type: ignore[misc]

    def __len__(self) -> int:
        return self._total


@dataclass
class FastResult:
    """Matched paper ids, best first; `total` counts them all even when `ids` is cut by a limit.

    Ranking: score descending, ties in the default order. When there are more than
    FULL_SORT_MAX hits, only the first RANKED_DEPTH are ranked by score; the others follow
    in the default order (newest digest first).
    """

    ids: list[str]
    scores: Mapping[str, float]
    total: int


def rank_hits(snapshot: Snapshot, view: ViewIndex, bits: int, parts: list[Part],
          limit: int | None, depth: int | None) -> FastResult | None:
    """Order the matched papers: (score, default order) keys, top first."""
    size = snapshot.size
    if not bits:
        return FastResult([], {}, 0)
    if LANE_BITS - view.rank_bits < 8:  # an order of millions of papers: no room left for scores
        return None
    if not all(isfinite(part.weight) and part.weight >= 0 for part in parts):  # e.g. word^-1
        return None
    weighted, scale = _integer_weights(_merge_parts(parts), LANE_BITS - view.rank_bits)
    matched = unpack_bits(bits, size + 1)  # one spare 0 for ids the index does not know
    total = bits.bit_count()
    wanted = total if limit is None else min(limit, total)
    ordinals: list[int] | None
    if total <= FULL_SORT_MAX:
        ordinals = list(compress(snapshot.ordinal_list, matched))
        keys: Sequence[int] = _hit_keys(weighted, ordinals, view)
        top = sorted(keys, reverse=True)[:wanted]
    else:
        ordinals = None
        keys = _lane_keys(weighted, view, size)
        hits = list(compress(keys, matched))
        ranked = wanted if depth is None else min(wanted, max(depth, 0))
        top = nlargest(ranked, hits) if ranked < total else sorted(hits, reverse=True)[:wanted]
    order = view.order
    positions = list(map(sub, repeat(len(order)), map(and_, top, repeat((1 << view.rank_bits) - 1))))
    ids = list(picker(positions)(order))
    if wanted > len(ids):  # the rest, unscored, in the default order
        rest = bytearray(view.to_order(matched))
        for position in positions:
            rest[position] = 0
        ids += compress(order, rest)
        del ids[wanted:]
    scores = _Scores(keys, ordinals, snapshot.ordinal_of, snapshot.ids, matched, view.rank_bits, scale, total)
    return FastResult(ids, scores, total)


def _integer_weights(parts: list[Part], score_bits: int) -> tuple[list[tuple[bytes, int]], float]:
    """Integer weights whose weighted sum never exceeds score_bits bits; (parts, lane units per score unit).

    The query's best possible score maps to the top of the range, so the resolution is
    2**score_bits steps of that (32768 at 100k papers). Prefix parts (vectors of 0/1) are
    added into one vector first when their weights are small multiples of one another.
    """
    most = (1 << score_bits) - 1
    bound = sum(part.weight * part.top for part in parts)
    if bound <= 0:
        return [], 1.0
    scale = most / bound
    weighted = [(part.vector, int(part.weight * scale), part.top) for part in parts]
    weighted = _combine_flags(weighted)
    return [(vector, weight) for vector, weight, _ in weighted if weight], scale


def _combine_flags(weighted: list[tuple[bytes, int, int]]) -> list[tuple[bytes, int, int]]:
    """0/1 vectors with weights w, 2w, 3w... become one vector of small counts (one lane spread, not several)."""
    flags = [item for item in weighted if item[2] == 1 and item[1] > 0]
    if len(flags) < 2:
        return weighted
    unit = min(weight for _, weight, _ in flags)
    multiples = [weight // unit for _, weight, _ in flags]
    if sum(multiples) > IMPACT_MAX:
        return weighted
    total = sum(
        int.from_bytes(vector, "little") * multiple for (vector, _, _), multiple in zip(flags, multiples, strict=True)
    )
    size = len(flags[0][0])
    combined = (total.to_bytes(size, "little"), unit, sum(multiples))
    return [item for item in weighted if not (item[2] == 1 and item[1] > 0)] + [combined]


def _hit_keys(parts: list[tuple[bytes, int]], ordinals: list[int], view: ViewIndex) -> list[int]:
    """Ranking key of each hit, in the order of `ordinals`: the lane arithmetic of
    _lane_keys on the hits' values only (gathered with itemgetter, all in C)."""
    count = len(ordinals)
    pick = picker(ordinals)
    score = 0
    for vector, weight in parts:
        score += spread_lanes(bytes(pick(vector)), count) * weight
    ranks = array("I", pick(view.rank))
    if not LITTLE:
        ranks.byteswap()
    keys = array("I")
    lanes = (score << view.rank_bits) + int.from_bytes(ranks.tobytes(), "little")
    keys.frombytes(lanes.to_bytes(4 * count, "little"))
    if not LITTLE:
        keys.byteswap()
    return keys.tolist()


def _lane_keys(parts: list[tuple[bytes, int]], view: ViewIndex, size: int) -> array:
    """Ranking key of every ordinal at once, computed in 32-bit lanes of one big int."""
    score = 0
    for vector, weight in parts:
        score += spread_lanes(vector, size) * weight
    keys = array("I")
    keys.frombytes(((score << view.rank_bits) + view.rank_lanes).to_bytes(4 * size, "little"))
    if not LITTLE:
        keys.byteswap()
    return keys


def _merge_parts(parts: list[Part]) -> list[Part]:
    """Parts over the same vector (a word in two leaves) added once, with summed weights."""
    merged: dict[int, Part] = {}
    for part in parts:
        key = id(part.vector)
        earlier = merged.get(key)
        merged[key] = part if earlier is None else earlier._replace(weight=earlier.weight + part.weight)
    return list(merged.values())
