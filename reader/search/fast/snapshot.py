"""A loaded state of the fast index, with the per-state caches and default-order tables."""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TypeVar

from reader.search.fast.bits import LITTLE, bits_of, consume, pack_bits, picker
from reader.search.fast.segment import Segment

LEAF_CACHE_SIZE = 48
T = TypeVar("T")


class Snapshot:
    """Segments plus deletions: everything a search reads. Never changed once built."""

    def __init__(self, segments: list[Segment], dead: Iterable[int], generation: int) -> None:
        self.segments = segments
        self.generation = generation
        self.size = segments[-1].hi if segments else 0
        self.dead = frozenset(dead)
        ids: list[str | None] = [paper for segment in segments for paper in segment.ids]
        for ordinal in self.dead:
            if ordinal < len(ids):
                ids[ordinal] = None
        self.ids = ids
        self.ordinal_of = {paper: ordinal for ordinal, paper in enumerate(ids) if paper is not None}
        self.live_count = len(self.ordinal_of)
        self.live = ((1 << self.size) - 1) ^ bits_of((o for o in self.dead if o < self.size), self.size)
        self.ordinal_list = list(range(self.size))  # compress() over it makes no new ints
        self.cache = _Caches()


class _Caches:
    """Per-snapshot memo of leaf results and id-set bitsets (LRU, thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.leaves: OrderedDict[tuple, Any] = OrderedDict()
        self.sets: OrderedDict[int, tuple[object, int]] = OrderedDict()
        self.view: tuple[object, ViewIndex] | None = None

    def leaf(self, key: tuple, compute: Callable[[], T]) -> T:
        with self.lock:
            found = self.leaves.get(key)
            if found is not None:
                self.leaves.move_to_end(key)
                return found
        value = compute()
        with self.lock:
            self.leaves[key] = value
            while len(self.leaves) > LEAF_CACHE_SIZE:
                self.leaves.popitem(last=False)
        return value

    def id_set(self, ids: Set[str], compute: Callable[[], int]) -> int:
        """Bits of a set of paper ids, cached by the set object (kept alive while cached)."""
        key = id(ids)
        with self.lock:
            found = self.sets.get(key)
            if found is not None and found[0] is ids:
                return found[1]
        bits = compute()
        with self.lock:
            self.sets[key] = (ids, bits)
            while len(self.sets) > 8:
                self.sets.popitem(last=False)
        return bits


@dataclass
class ViewIndex:
    """The default order mapped onto ordinals, built once per (snapshot, order)."""

    order: Sequence[str]
    in_view: int  # bits of the ordinals that the order lists
    rank: array  # 'I' by ordinal: len(order) - position (0 when not listed)
    rank_lanes: int  # the same as 32-bit lanes of one int
    rank_bits: int
    to_order: Callable[[bytes], Sequence[int]]  # ordinal-indexed bytes -> order-indexed values


def view_index(snapshot: Snapshot, order: Sequence[str]) -> ViewIndex:
    size = snapshot.size
    count = len(order)
    # Ids the index does not know point at the spare position `size` (cut off below; and
    # unpack_bits(..., size + 1) leaves a 0 there).
    ordinals = list(map(snapshot.ordinal_of.get, order, repeat(size)))
    rank = array("I", bytes(4 * (size + 1)))
    consume(map(rank.__setitem__, ordinals, range(count, 0, -1)))
    listed = bytearray(size + 1)
    consume(map(listed.__setitem__, ordinals, repeat(1)))
    del rank[size:], listed[size:]
    lanes = array("I", rank)
    if not LITTLE:
        lanes.byteswap()
    rank_lanes = int.from_bytes(lanes.tobytes(), "little")
    return ViewIndex(order, pack_bits(listed), rank, rank_lanes, max(1, count.bit_length()), picker(ordinals))
