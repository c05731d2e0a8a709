"""When and how segments are merged: the newest similar-sized run on update, all of them on compact."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from reader.search.fast.fileformat import FIELDS
from reader.search.fast.segment import Segment
from reader.search.fast.segment_builder import build_segments
from reader.search.fast.segment_reader import open_segment

# Merge the newest segments when this many of similar size pile up (see merge_plan).
MERGE_RUN = 4
# update() merges inline only up to this many papers; bigger merges wait for compact().
INLINE_MERGE_MAX = 4_000
# compact() is advised beyond this share of deleted ordinals or this many segments.
COMPACT_DEAD_SHARE = 0.2
COMPACT_SEGMENTS = 16


def merge_newest(folder: Path, entries: list[tuple[str, int]], dead: set[int], segments: Mapping[str, Segment],
                 generation: int, inline: bool) -> tuple[list[tuple[str, int]], set[int]]:
    """Merge a run of the newest segments when the plan says so; returns new entries and dead ordinals."""
    first = merge_plan([docs for _, docs in entries], inline)
    if first is None:
        return entries, dead
    lo = sum(docs for _, docs in entries[:first])
    merged = [
        segments.get(name) or open_segment(folder / name, at, docs) for name, at, docs in with_lows(entries)[first:]
    ]

    def documents() -> Iterator[tuple[str, dict[str, list[str]]]]:
        for segment in merged:
            for index, paper in enumerate(segment.ids):
                if segment.lo + index not in dead:
                    yield paper, {name: segment.terms_of(name, index) for name in FIELDS}

    written, _ = build_segments(folder, generation, documents(), lo)
    kept = {ordinal for ordinal in dead if ordinal < lo}
    return entries[:first] + written, kept


def known_ordinals(ordinal_of: Mapping[str, int], ids: Iterable[str]) -> list[int]:
    return [ordinal for ordinal in map(ordinal_of.get, ids) if ordinal is not None]


def with_lows(entries: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    out = []
    lo = 0
    for name, docs in entries:
        out.append((name, lo, docs))
        lo += docs
    return out


def merge_plan(sizes: list[int], inline: bool) -> int | None:
    """Index of the first segment to merge into one (through the last), or None.

    compact(): everything. update(): the newest run of MERGE_RUN or more segments that are
    within a factor of four of each other in size, so every paper is rewritten O(log n)
    times; a merge bigger than INLINE_MERGE_MAX papers is left to compact().
    """
    if not inline:
        return 0 if sizes else None
    if len(sizes) < MERGE_RUN:
        return None
    first = len(sizes) - 1
    smallest = largest = sizes[-1]
    while first > 0:
        size = sizes[first - 1]
        if max(largest, size) > 4 * max(1, min(smallest, size)):
            break
        first -= 1
        smallest, largest = min(smallest, size), max(largest, size)
    if len(sizes) - first < MERGE_RUN or sum(sizes[first:]) > INLINE_MERGE_MAX:
        return None
    return first
