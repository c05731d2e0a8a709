"""A segment of the fast index as a search reads it: papers, vocabulary and postings, immutable."""

from __future__ import annotations

import mmap
import sys
import threading
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from reader.search.fast.bits import bits_of, pack_bits
from reader.search.fast.fileformat import TERM_BYTES, from_term_bytes

# Bitsets one segment keeps built (see Segment._memo).
SEGMENT_BITS_CACHE = 2048


def prefix_end(prefix: str) -> str | None:
    """The smallest string above every string that starts with `prefix` (None: no bound)."""
    while prefix and ord(prefix[-1]) == sys.maxunicode:
        prefix = prefix[:-1]
    if not prefix:
        return None
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@dataclass
class FieldPostings:
    """One field of one segment. Term ids index the segment's sorted vocabulary."""

    offsets: memoryview  # 'I', terms+1: sparse postings of term t are [offsets[t], offsets[t+1])
    ordinals: memoryview  # 'H': documents, numbered within the segment, ascending per term
    impacts: memoryview  # 'B': BM25 tf part of each posting, 1..255
    df: memoryview  # 'I', terms: documents containing the term (sparse or dense)
    dense_ids: list[int]  # terms stored as one impact byte per document instead (sorted)
    dense: dict[int, memoryview]  # term id -> impact per document of the segment
    starts: memoryview  # 'I', docs+1: document i's terms are tokens starts[i]..starts[i+1]
    blob: mmap.mmap | bytes  # the whole file: the token stream is searched in place (find)
    stream_at: int  # byte offset of the token stream in blob: term ids, TERM_BYTES big-endian
    token_count: int
    bigram_min_df: int  # BIGRAM_MIN_DF when the segment was written
    # Adjacent pairs of frequent terms (both in >= bigram_min_df documents of the segment):
    bigram_keys: memoryview  # 'Q', sorted: first term << 32 | second term
    bigram_offsets: memoryview  # 'I', keys+1, into bigram_ordinals
    bigram_ordinals: memoryview  # 'H': documents within the segment, ascending per pair
    bigram_dense: dict[int, memoryview]  # key -> packed bits over the segment (very common pairs)
    short_prefixes: dict[str, memoryview]  # prefix -> packed bits of its sparse postings

    def pair_indexed(self, first: int, second: int) -> bool:
        return self.df[first] >= self.bigram_min_df and self.df[second] >= self.bigram_min_df


class Segment:
    """Documents with ordinals lo..hi-1, their vocabulary and postings; immutable."""

    def __init__(self, name: str, lo: int, ids: list[str], vocab: list[str], fields: dict[str, FieldPostings]):
        self.name = name
        self.lo = lo
        self.hi = lo + len(ids)
        self.ids = ids
        self.vocab = vocab
        self.term_id = {term: number for number, term in enumerate(vocab)}
        self.fields = fields
        self._bits: dict[tuple[str, object], int] = {}  # (field, dense term, pair key or prefix) -> bits, built on use
        self._bits_lock = threading.Lock()

    @property
    def size(self) -> int:
        return self.hi - self.lo

    def term_range(self, prefix: str) -> tuple[int, int]:
        """Ids of the terms starting with `prefix` (a contiguous range of the sorted vocabulary)."""
        first = bisect_left(self.vocab, prefix)
        end = prefix_end(prefix)
        last = len(self.vocab) if end is None else bisect_left(self.vocab, end, first)
        return first, last

    def bigram_bits(self, field_name: str, first: int, second: int) -> int:
        """Papers of this segment where term `second` directly follows `first` (an indexed pair)."""
        key = (first << 32) | second
        return self._memo((field_name, key), lambda: self._bigram_bits(self.fields[field_name], key))

    def _bigram_bits(self, postings: FieldPostings, key: int) -> int:
        dense = postings.bigram_dense.get(key)
        if dense is not None:
            return int.from_bytes(dense, "little") << self.lo
        keys = postings.bigram_keys
        at = bisect_left(keys, key)
        if at == len(keys) or keys[at] != key:
            return 0
        pair = postings.bigram_ordinals[postings.bigram_offsets[at] : postings.bigram_offsets[at + 1]]
        return bits_of(pair, self.size) << self.lo

    def short_prefix_bits(self, field_name: str, prefix: str) -> int:
        stored = self.fields[field_name].short_prefixes[prefix]
        return self._memo((field_name, prefix), lambda: int.from_bytes(stored, "little") << self.lo)

    def dense_bits(self, field_name: str, term: int) -> int:
        dense = self.fields[field_name].dense[term]
        return self._memo((field_name, term), lambda: pack_bits(dense) << self.lo)

    def _memo(self, key: tuple[str, object], compute: Callable[[], int]) -> int:
        """Bitsets built on first use and kept (a few thousand at most: each is size/8 bytes)."""
        bits = self._bits.get(key)
        if bits is None:
            bits = compute()
            with self._bits_lock:
                if len(self._bits) >= SEGMENT_BITS_CACHE:
                    self._bits.clear()
                self._bits[key] = bits
        return bits

    def terms_of(self, field_name: str, index: int) -> list[str]:
        """The analysed terms of document `index` (0-based in this segment), in order."""
        postings = self.fields[field_name]
        at = postings.stream_at
        first, last = postings.starts[index], postings.starts[index + 1]
        tokens = from_term_bytes(postings.blob[at + TERM_BYTES * first : at + TERM_BYTES * last])
        vocab = self.vocab
        return [vocab[term] for term in tokens]
