"""A fast in-memory path for the common searches; Whoosh stays the index of record.

Whoosh's matchers cost about a microsecond per posting in Python, so a common word in a
large library takes seconds. This module keeps a second, compact index of the SAME analysed
terms (`make_term_function`, tested against the analyzer) and evaluates the query shapes the
search box produces -- Term, Prefix and Phrase on title and abstract, under And / Or / Not /
AndNot / AndMaybe / Require -- with whole-set operations that run in C:

- a set of papers is a Python int used as a bitset over document ordinals: AND, OR, NOT and
  counting cost microseconds even at 100,000 papers;
- a term's score contributions are a byte vector (its BM25 "impact" per ordinal); a query's
  scores are the weighted sum of those vectors, spread into 32-bit lanes of one big int;
- each lane holds a ranking key, score << rank_bits | place in the default order, so the top
  page is `heapq.nlargest` (or a sort of a few thousand ints) and ties follow the default
  order without any per-paper Python code.

Anything else (fuzzy terms, wildcards, ranges, other fields, phrase slop, minmatch) is
"unsupported": `FastSearch.search` returns None and the caller asks Whoosh.

On disk (a folder in the library's cache, next to the Whoosh index): immutable segment files
(one per update, merged now and then), a small file of deleted ordinals and a manifest naming
them, each written under a temporary name and renamed into place, so a reader sees the old
state or the new one. Segment files are memory-mapped: a search touches only the pages it needs.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import sys
import tempfile
import threading
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from heapq import nlargest
from itertools import compress, repeat
from math import isfinite, log
from operator import add, and_, itemgetter, lshift, mul, or_, sub
from pathlib import Path
from typing import NamedTuple

from whoosh import query as wq
from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.tokenizers import default_pattern

from reader.search.index import ANALYZER, Document, make_schema
from reader.system.private import make_private_dirs, open_private

try:  # serialises writers across processes; readers never lock
    import fcntl
except ImportError:  # pragma: no cover - Windows: writers rely on the library's index lock
    fcntl = None  # type: ignore[assignment]

FORMAT_VERSION = 1
FIELDS = ("title", "abstract")
# BM25 parameters (the usual ones; Whoosh's BM25F defaults too).
K1 = 1.2
B = 0.75
# Impacts are the BM25 term-frequency part, tf*(k1+1)/(tf + k1*norm), quantised to 1..255.
IMPACT_MAX = 255
# BM25 normalises a field's length by a typical length. A fixed one (about the analysed length
# of real titles and abstracts) rather than the corpus average: a paper's impacts never change
# once indexed, so an incremental update scores exactly like a rebuild.
TYPICAL_LENGTH = {"title": 10.0, "abstract": 150.0}
# BM25 score of one impact unit at idf 1 (an impact is the tf part scaled to 0..255).
IMPACT_UNIT = (K1 + 1) / IMPACT_MAX
# A prefix match scores a constant, like Whoosh's constant-score Prefix (1.0 x field boost).
PREFIX_SCORE = 1.0
# A ranking key is score << rank_bits | (len(order) - position): it fits one 32-bit lane, so
# the score gets 32 - rank_bits bits (15 at 100k papers), scaled to the query's best possible.
LANE_BITS = 32
# Up to this many hits, keys are computed per hit and every hit is ranked by score. Above it,
# keys come from whole-library lanes and only the first RANKED_DEPTH hits (five pages of the
# list) are ranked by score; the rest follow in the default order, which costs nothing extra.
FULL_SORT_MAX = 20_000
RANKED_DEPTH = 200
# Merge the newest segments when this many of similar size pile up (see _merge_plan).
MERGE_RUN = 4
# update() merges inline only up to this many papers; bigger merges wait for compact().
INLINE_MERGE_MAX = 4_000
# compact() is advised beyond this share of deleted ordinals or this many segments.
COMPACT_DEAD_SHARE = 0.2
COMPACT_SEGMENTS = 16
LEAF_CACHE_SIZE = 48
SEGMENT_BITS_CACHE = 2048
# A segment holds at most this many papers, so postings store a paper's number within its
# segment in two bytes ('H'); a rebuild of 100k papers writes two segments.
SEGMENT_MAX_DOCS = 65_535
# Token streams store term ids in three bytes (big-endian): up to 16.7M terms per segment.
TERM_BYTES = 3
# Pairs of terms that both occur in this many papers of a segment are indexed as bigrams, so
# a phrase of frequent words needs no look at the token stream; any other phrase has fewer
# candidates than this per segment to check there.
BIGRAM_MIN_DF = 1024
# Prefixes of these lengths whose sparse postings number at least this (and a 16th of the
# segment) are stored as bitsets (see _write_short_prefixes).
SHORT_PREFIX_LENGTHS = (2, 3, 4)
SHORT_PREFIX_MIN_POSTINGS = 4096
# Distinct raw tokens whose terms one analysis run remembers (an English vocabulary fits).
TERM_CACHE_MAX = 100_000

MANIFEST = "manifest.json"
LOCK_FILE = "write.lock"
_MAGIC = b"RFS\x01"
_consume = deque(maxlen=0).extend  # run an iterator for its side effects, in C
# Stand-ins for per-term arrays already copied out (or turned into a dense vector).
_NO_ORDINALS, _NO_IMPACTS = array("H"), array("B")
_LITTLE = sys.byteorder == "little"


class Unsupported(Exception):
    """The query has a shape the fast path does not evaluate; ask Whoosh."""


class Damaged(Exception):
    """A file of the fast index is missing, truncated or from another format."""


# -- analysis -------------------------------------------------------------------------------

TermFunction = Callable[[str], list[str]]
_STOPPED = ""  # cache value for a token the analyzer drops (real terms are never empty here)


def make_term_function(analyzer=ANALYZER) -> TermFunction:
    """text -> its analysed terms in order, exactly as `analyzer` indexes them.

    For the reader's chain (RegexTokenizer | Lowercase | CharsetFilter | StopFilter |
    StemFilter) this is the same computation without Whoosh's per-token objects: tokens from
    byte operations (ASCII text) or the tokenizer's regex, then one dict lookup per token (the
    fold/stop/stem of each distinct token is cached for the life of the function). Stop words
    are removed and the survivors are consecutive, which is what the StopFilter's renumbering
    does to positions. Any other chain falls back to calling the analyzer.
    """
    parts = _chain_parts(analyzer)
    if parts is None:
        return lambda text: [token.text for token in analyzer(text)]
    tokens, charmap, stops, minsize, maxsize, stem, ignore = parts
    cache: dict[str, str] = {}

    def fold_token(raw: str) -> str:
        text = raw.lower().translate(charmap)
        if len(text) < minsize or (maxsize is not None and len(text) > maxsize) or text in stops:
            return _STOPPED
        return text if text in ignore else stem(text)

    def terms(text: str) -> list[str]:
        raw = tokens(text)
        found = list(map(cache.get, raw))
        if None in found:  # tokens not seen before
            if len(cache) >= TERM_CACHE_MAX:  # hostile input: unbounded distinct tokens
                cache.clear()
            for at, term in enumerate(found):
                if term is None:
                    found[at] = cache[raw[at]] = fold_token(raw[at])
        return list(filter(None, found))

    return terms


# Whoosh's default token pattern, [\w\*]+(\.?[\w\*]+)*, on ASCII text: runs of these bytes, a
# dot kept only between two of them. Checked against the regex in the tests.
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_*.")
_ASCII_TOKEN_TABLE = bytes(code if code in _WORD_BYTES else 32 for code in range(256))


def _default_tokens(findall: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """The default pattern's tokens: byte operations for ASCII text, the regex otherwise."""

    def tokens(text: str) -> list[str]:
        if not text.isascii():
            return findall(text)
        padded = b" " + text.encode("ascii").translate(_ASCII_TOKEN_TABLE) + b" "
        if b"." in padded:  # a dot next to a dot or a space is no part of a token
            padded = padded.replace(b"..", b"  ").replace(b". ", b"  ").replace(b" .", b"  ")
        return padded.decode("ascii").split()

    return tokens


def _chain_parts(analyzer):
    """The settings of the reader's analyzer chain, or None when it is another chain."""
    if not isinstance(analyzer, CompositeAnalyzer):
        return None
    kinds = [type(item) for item in analyzer.items]
    if kinds != [RegexTokenizer, LowercaseFilter, CharsetFilter, StopFilter, StemFilter]:
        return None
    tokenizer, _, charset, stop, stemmer = analyzer.items
    if tokenizer.gaps or not stop.renumber or getattr(stemmer, "lang", None):
        return None
    expression = tokenizer.expression
    if expression.pattern == default_pattern.pattern and expression.flags == default_pattern.flags:
        tokens = _default_tokens(_DEFAULT_FINDALL)
    else:
        tokens = lambda text: [match.group(0) for match in expression.finditer(text)]  # noqa: E731
    return tokens, charset.charmap, stop.stops, stop.min, stop.max, stemmer.stemfn, stemmer.ignore


# The default pattern with its group made non-capturing, so findall returns whole tokens.
_DEFAULT_FINDALL = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE).findall


def field_boosts() -> dict[str, float]:
    schema = make_schema()
    # Whoosh keeps a field's boost on its posting format (TEXT(field_boost=2.0) for the title).
    return {name: float(getattr(schema[name].format, "field_boost", 1.0) or 1.0) for name in FIELDS}


# -- bitsets and byte vectors --------------------------------------------------------------
# A set of ordinals is an int with bit o set; a vector is bytes with one value per ordinal.

_TO_BITCHARS = b"0" + b"1" * 255  # nonzero byte -> "1"
_BITCHARS_TO_01 = bytes.maketrans(b"01", b"\x00\x01")
_01_TO_FF = bytes.maketrans(b"\x00\x01", b"\x00\xff")


def pack_bits(vector: bytes | bytearray | memoryview) -> int:
    """The set of positions whose byte is nonzero."""
    chars = bytes(vector).translate(_TO_BITCHARS)
    return int(chars[::-1], 2) if chars else 0


def unpack_bits(bits: int, size: int) -> bytes:
    """A 0/1 byte per position 0..size-1."""
    if not bits:
        return bytes(size)
    chars = bin(bits)[:1:-1].encode("ascii").translate(_BITCHARS_TO_01)
    return chars[:size] + bytes(size - len(chars)) if len(chars) < size else chars[:size]


def bits_of(ordinals: Iterable[int], size: int) -> int:
    mask = bytearray(size)
    _consume(map(mask.__setitem__, ordinals, repeat(1)))
    return pack_bits(mask)


def _lanes(vector: bytes, size: int) -> int:
    """Spread one byte per ordinal into 32-bit lanes of an int (little-endian lanes)."""
    wide = bytearray(4 * size)
    wide[0::4] = vector
    return int.from_bytes(wide, "little")


def _restrict(vector: bytes, bits: int, size: int) -> bytes:
    """The vector with every position outside `bits` zeroed."""
    keep = unpack_bits(bits, size).translate(_01_TO_FF)
    return (int.from_bytes(vector, "little") & int.from_bytes(keep, "little")).to_bytes(size, "little")


def _prefix_end(prefix: str) -> str | None:
    """The smallest string above every string that starts with `prefix` (None: no bound)."""
    while prefix and ord(prefix[-1]) == sys.maxunicode:
        prefix = prefix[:-1]
    if not prefix:
        return None
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# -- segments -------------------------------------------------------------------------------


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
        end = _prefix_end(prefix)
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
        tokens = _from_term_bytes(postings.blob[at + TERM_BYTES * first : at + TERM_BYTES * last])
        vocab = self.vocab
        return [vocab[term] for term in tokens]


class SegmentBuilder:
    """Collects analysed documents for one segment, then writes its file.

    Compact while it collects: per field, a token stream and, per term of the field, an
    array of ordinals and one of impacts (no Python object per posting).
    """

    def __init__(self, lo: int) -> None:
        self.lo = lo
        self.ids: list[str] = []
        self.fields = {name: _FieldBuilder(TYPICAL_LENGTH[name]) for name in FIELDS}

    def add(self, paper: str, terms: Mapping[str, list[str]]) -> None:
        number = len(self.ids)  # within the segment
        if number >= SEGMENT_MAX_DOCS:
            raise ValueError("segment full")
        self.ids.append(paper)
        for name in FIELDS:
            self.fields[name].add(number, terms[name])

    def write(self, path: Path) -> None:
        """Write the segment file (sections streamed to disk: no copy of the whole file in memory)."""
        vocab = sorted(set().union(*(field.term_id for field in self.fields.values())))
        with _SectionWriter(path) as out:
            out.add("ids", _json_bytes(self.ids))
            out.add("vocab", _json_bytes(vocab))
            for name in FIELDS:
                self.fields[name].write(out, name, self.lo, len(self.ids), vocab)
            out.finish({"lo": self.lo, "docs": len(self.ids), "terms": len(vocab), "bigram_min_df": BIGRAM_MIN_DF})


class _FieldBuilder:
    """One field of a segment being built; terms get field-local ids in first-seen order."""

    def __init__(self, typical_length: float) -> None:
        self.typical_length = typical_length
        self.term_id: dict[str, int] = {}
        # The token stream (local ids) waits in a temporary file: it is the biggest part.
        self.stream = tempfile.TemporaryFile()
        self.starts = array("I", [0])
        self.ordinals: list[array] = []  # by local term id: numbers of the documents within the segment
        self.impacts: list[array] = []
        self._tables: dict[int, list[int]] = {}

    def add(self, number: int, terms: list[str]) -> None:
        ids = self._term_ids(terms)
        self.stream.write(array("I", ids))
        self.starts.append(self.starts[-1] + len(ids))
        if not ids:
            return
        counts = Counter(ids)
        impact_of_tf = self._impacts_for_length(len(ids))
        # C-driven appends: one posting per distinct term of the document.
        _consume(map(array.append, map(self.ordinals.__getitem__, counts), repeat(number)))
        impacts = map(impact_of_tf.__getitem__, counts.values())
        _consume(map(array.append, map(self.impacts.__getitem__, counts), impacts))

    def _term_ids(self, terms: list[str]) -> list[int]:
        term_id = self.term_id
        ids = list(map(term_id.get, terms))
        if None in ids:  # terms new to this field get the next ids
            for at, number in enumerate(ids):
                if number is None:
                    number = ids[at] = term_id.setdefault(terms[at], len(term_id))
                    if number == len(self.ordinals):
                        self.ordinals.append(array("H"))
                        self.impacts.append(array("B"))
        return ids  # type: ignore[return-value]

    def _impacts_for_length(self, length: int) -> list[int]:
        """Impact of each term frequency 0..length in a document of this length (cached)."""
        table = self._tables.get(length)
        if table is None:
            norm = K1 * (1 - B + B * length / self.typical_length)
            table = [0] + [max(1, min(IMPACT_MAX, round(IMPACT_MAX * tf / (tf + norm)))) for tf in range(1, length + 1)]
            self._tables[length] = table
        return table

    def write(self, out: _SectionWriter, name: str, lo: int, size: int, vocab: list[str]) -> None:
        """Sections in segment term ids (the sorted vocabulary shared by the fields).

        Each per-term array is dropped once copied, so the copies never coexist in full.
        """
        local_of = self.term_id.get
        local = [local_of(term) for term in vocab]  # segment term id -> local id or None
        df = array("I", (0 if old is None else len(self.ordinals[old]) for old in local))
        # Dense when one byte per document is no bigger than the sparse form (5 bytes a posting).
        dense_ids = array("I", (new for new, count in enumerate(df) if size >= 64 and 5 * count >= size))
        prefix = name + "."
        out.add(prefix + "df", df)
        out.add(prefix + "dense_ids", dense_ids)
        out.add_all(prefix + "dense", self._dense_vectors(dense_ids, local, lo, size))
        offsets = array("I", [0])
        ordinals, impacts = array("H"), array("B")
        for old in local:
            if old is not None:
                ordinals += self.ordinals[old]
                impacts += self.impacts[old]
                self.ordinals[old], self.impacts[old] = _NO_ORDINALS, _NO_IMPACTS
            offsets.append(len(ordinals))
        self.ordinals = self.impacts = []
        out.add(prefix + "offsets", offsets)
        out.add(prefix + "ordinals", ordinals)
        out.add(prefix + "impacts", impacts)
        _write_short_prefixes(out, prefix, vocab, offsets, ordinals, size)
        del ordinals, impacts
        out.add(prefix + "starts", self.starts)
        segment_id = array("I", bytes(4 * len(self.term_id)))  # local id -> segment term id
        for new, old in enumerate(local):
            if old is not None:
                segment_id[old] = new
        out.add_all(prefix + "stream", self._stream_chunks(segment_id))
        frequent = bytearray(len(self.term_id))  # by local id
        for new, old in enumerate(local):
            if old is not None and df[new] >= BIGRAM_MIN_DF:
                frequent[old] = 1
        self._write_bigrams(out, prefix, lo, size, frequent, segment_id)
        self.stream.close()

    def _dense_vectors(self, dense_ids: array, local: list[int | None], lo: int, size: int) -> Iterator[bytearray]:
        for new in dense_ids:
            old = local[new]
            vector = bytearray(size)
            _consume(map(vector.__setitem__, self.ordinals[old], self.impacts[old]))
            self.ordinals[old], self.impacts[old] = _NO_ORDINALS, _NO_IMPACTS  # not in the sparse postings
            yield vector

    def _stream_chunks(self, segment_id: array) -> Iterator[array]:
        """The token stream in segment term ids, big-endian: a phrase pattern's last byte is then a
        low byte, which bytes.find skips on well."""
        if len(segment_id) >= 1 << (8 * TERM_BYTES):
            raise ValueError("too many terms in one segment")
        self.stream.seek(0)
        while data := self.stream.read(4 << 20):
            yield _to_term_bytes(array("I", map(segment_id.__getitem__, array("I", data))))

    def _documents(self) -> Iterator[tuple[int, array]]:
        """(index, local term ids) of each document, read back from the stream file in batches."""
        self.stream.seek(0)
        starts = self.starts
        first = 0
        while first < len(starts) - 1:
            last = first + 1
            while last < len(starts) - 1 and starts[last + 1] - starts[first] <= 1 << 20:
                last += 1
            batch = array("I", self.stream.read(4 * (starts[last] - starts[first])))
            base = starts[first]
            for index in range(first, last):
                yield index, batch[starts[index] - base : starts[index + 1] - base]
            first = last

    def _write_bigrams(self, out: _SectionWriter, prefix: str, lo: int, size: int, frequent: bytearray,
                       segment_id: array) -> None:
        """Postings of each adjacent pair of frequent terms, keyed in segment term ids."""
        slot_of: dict[int, int] = {}  # local pair key -> slot in postings
        postings: list[array] = []
        shift = max(1, len(self.term_id)).bit_length()
        if any(frequent):
            for index, terms in self._documents():
                if len(terms) < 2:
                    continue
                flags = bytes(map(frequent.__getitem__, terms))
                both = map(and_, flags, flags[1:])
                keys = set(compress(map(or_, map(lshift, terms, repeat(shift)), terms[1:]), both))
                if not keys:
                    continue
                slots = list(map(slot_of.get, keys))
                if None in slots:
                    for at, (key, slot) in enumerate(zip(keys, slots)):
                        if slot is None:
                            slots[at] = slot_of[key] = len(postings)
                            postings.append(array("H"))
                _consume(map(array.append, map(postings.__getitem__, slots), repeat(index)))
        mask = (1 << shift) - 1
        by_key = sorted(
            ((segment_id[key >> shift] << 32) | segment_id[key & mask], slot) for key, slot in slot_of.items()
        )
        keys, offsets, ordinals = array("Q"), array("I", [0]), array("H")
        dense_keys, dense_bits = array("Q"), []
        for key, slot in by_key:
            ordinals_of_pair = postings[slot]
            postings[slot] = _NO_ORDINALS
            if size >= 256 and 32 * len(ordinals_of_pair) >= size:  # packed bits are smaller
                dense_keys.append(key)
                dense_bits.append(bits_of(ordinals_of_pair, size).to_bytes((size + 7) // 8, "little"))
                continue
            keys.append(key)
            ordinals += ordinals_of_pair
            offsets.append(len(ordinals))
        out.add(prefix + "bigram_keys", keys)
        out.add(prefix + "bigram_offsets", offsets)
        out.add(prefix + "bigram_ordinals", ordinals)
        out.add(prefix + "bigram_dense_keys", dense_keys)
        out.add_all(prefix + "bigram_dense", dense_bits)


def _write_short_prefixes(out: _SectionWriter, prefix: str, vocab: list[str], offsets: array, ordinals: array,
                          size: int) -> None:
    """Packed bits of the sparse postings of each short prefix that expands to many of them.

    Typing starts with two or three letters, whose prefixes cover much of the vocabulary:
    stored, they are one OR each instead of a scatter of a large share of all postings.
    """
    names: list[str] = []
    bit_rows: list[bytes] = []
    least = max(SHORT_PREFIX_MIN_POSTINGS, size // 16)
    if size >= 1024:
        for length in SHORT_PREFIX_LENGTHS:
            first = 0
            while first < len(vocab):
                key = vocab[first][:length]
                last = bisect_left(vocab, _prefix_end(key) or "\U0010ffff", first) if len(key) == length else first + 1
                start, end = offsets[first], offsets[last]
                if len(key) == length and end - start >= least:
                    mask = bytearray(size)
                    _consume(map(mask.__setitem__, ordinals[start:end], repeat(1)))
                    names.append(key)
                    bit_rows.append(pack_bits(mask).to_bytes((size + 7) // 8, "little"))
                first = max(last, first + 1)
    out.add(prefix + "short_prefixes", _json_bytes(names))
    out.add_all(prefix + "short_prefix_bits", bit_rows)


def _to_term_bytes(ids: array) -> bytearray:
    """Term ids as TERM_BYTES big-endian bytes each (ids must be below 2**24)."""
    wide = array("I", ids)
    if _LITTLE:
        wide.byteswap()
    four = wide.tobytes()
    out = bytearray(3 * len(ids))
    out[0::3], out[1::3], out[2::3] = four[1::4], four[2::4], four[3::4]
    return out


def _from_term_bytes(data: bytes) -> array:
    """The inverse of _to_term_bytes."""
    count = len(data) // 3
    four = bytearray(4 * count)
    four[1::4], four[2::4], four[3::4] = data[0::3], data[1::3], data[2::3]
    ids = array("I", bytes(four))
    if _LITTLE:
        ids.byteswap()
    return ids


def _json_bytes(strings: list[str]) -> bytes:
    return json.dumps(strings, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_strings(data: memoryview) -> list[str]:
    strings = json.loads(bytes(data))
    if not isinstance(strings, list):
        raise Damaged("expected a list of strings")
    return strings


class _SectionWriter:
    """Writes a segment file: MAGIC, 8-aligned sections, a JSON footer (section table,
    checksum), the footer's length, MAGIC. Under a temporary name, renamed when complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temporary = path.with_name(f".{path.name}.tmp")
        self.handle = None
        self.at = 0
        self.crc = 0
        self.table: list[list] = []

    def __enter__(self) -> _SectionWriter:
        self.handle = open_private(self.temporary, "wb")
        self.handle.write(_MAGIC)
        self.at = len(_MAGIC)
        return self

    def add(self, name: str, data) -> None:
        self.add_all(name, (data,))

    def add_all(self, name: str, pieces: Iterable) -> None:
        """One section made of consecutive pieces (each written as soon as it is produced)."""
        self._pad()
        start = self.at
        for piece in pieces:
            self._write(memoryview(piece).cast("B"))
        self.table.append([name, start, self.at - start])

    def finish(self, meta: dict) -> None:
        self._pad()
        footer = dict(meta, format=FORMAT_VERSION, byteorder=sys.byteorder, sections=self.table, crc=self.crc)
        data = json.dumps(footer, separators=(",", ":")).encode("utf-8")
        self.handle.write(data + len(data).to_bytes(4, "little") + _MAGIC)
        self.handle.close()
        os.replace(self.temporary, self.path)

    def _pad(self) -> None:
        self._write(memoryview(bytes(-self.at % 8)))

    def _write(self, data: memoryview) -> None:
        self.handle.write(data)
        self.crc = zlib.crc32(data, self.crc)
        self.at += len(data)

    def __exit__(self, kind, *exc) -> None:
        if not self.handle.closed:
            self.handle.close()
        if kind is not None:
            self.temporary.unlink(missing_ok=True)


def open_segment(path: Path, lo: int, docs: int) -> Segment:
    """Map a segment file (pages load as searches touch them); raises Damaged or OSError.

    The checksum is computed with ordinary reads, so checking it does not make the whole
    file resident in this process.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size < 16:
            raise Damaged(f"{path.name}: truncated")
        blob = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return parse_segment(path.name, blob, lo, docs, lambda start, end: _file_crc(path, start, end))


def _file_crc(path: Path, start: int, end: int) -> int:
    crc = 0
    buffer = bytearray(1 << 20)
    with open(path, "rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0:
            count = handle.readinto(memoryview(buffer)[: min(left, len(buffer))])
            if not count:
                break
            crc = zlib.crc32(memoryview(buffer)[:count], crc)
            left -= count
    return crc


def parse_segment(name: str, blob, lo: int, docs: int, crc_of: Callable[[int, int], int] | None = None) -> Segment:
    """A segment from its file contents (bytes or a read-only mmap); raises Damaged on any inconsistency."""
    try:
        size = len(blob)
        if size < 16 or blob[:4] != _MAGIC or blob[-4:] != _MAGIC:
            raise Damaged(f"{name}: not a segment file")
        footer_size = int.from_bytes(blob[-8:-4], "little")
        body_end = size - 8 - footer_size
        if body_end < 4:
            raise Damaged(f"{name}: truncated")
        header = json.loads(blob[body_end : size - 8])
        if header["format"] != FORMAT_VERSION or header["byteorder"] != sys.byteorder:
            raise Damaged(f"{name}: another format")
        if header["lo"] != lo or header["docs"] != docs:
            raise Damaged(f"{name}: does not match the manifest")
        crc = crc_of(4, body_end) if crc_of else zlib.crc32(memoryview(blob)[4:body_end])
        if crc != header["crc"]:
            raise Damaged(f"{name}: checksum mismatch")
        view = memoryview(blob)
        places = {section: (at, length) for section, at, length in header["sections"]}

        def raw(section: str) -> memoryview:
            at, length = places[section]
            if at < 4 or at + length > body_end:
                raise Damaged(f"{name}: truncated")
            return view[at : at + length]

        def typed(section: str, code: str) -> memoryview:
            return raw(section).cast(code)

        ids = _json_strings(raw("ids"))
        vocab = _json_strings(raw("vocab"))
        bigram_min_df = int(header["bigram_min_df"])
        if len(ids) != docs or len(vocab) != header["terms"]:
            raise Damaged(f"{name}: wrong counts")
        fields = {}
        for field_name in FIELDS:
            prefix = field_name + "."
            dense_ids = list(typed(prefix + "dense_ids", "I"))
            dense_raw = raw(prefix + "dense")
            dense = {term: dense_raw[i * docs : (i + 1) * docs] for i, term in enumerate(dense_ids)}
            offsets = typed(prefix + "offsets", "I")
            ordinals = typed(prefix + "ordinals", "H")
            impacts = typed(prefix + "impacts", "B")
            starts = typed(prefix + "starts", "I")
            df = typed(prefix + "df", "I")
            stream_at, stream_length = places[prefix + "stream"]
            if (
                len(offsets) != len(vocab) + 1
                or len(df) != len(vocab)
                or offsets[-1] != len(ordinals)
                or len(impacts) != len(ordinals)
                or len(dense_raw) != len(dense_ids) * docs
                or len(starts) != docs + 1
                or starts[-1] * TERM_BYTES != stream_length
                or stream_at + stream_length > body_end
            ):
                raise Damaged(f"{name}: inconsistent {field_name} postings")
            bigram_keys = typed(prefix + "bigram_keys", "Q")
            bigram_offsets = typed(prefix + "bigram_offsets", "I")
            bigram_ordinals = typed(prefix + "bigram_ordinals", "H")
            dense_keys = list(typed(prefix + "bigram_dense_keys", "Q"))
            dense_pairs = raw(prefix + "bigram_dense")
            width = (docs + 7) // 8
            if (
                len(bigram_offsets) != len(bigram_keys) + 1
                or bigram_offsets[-1] != len(bigram_ordinals)
                or len(dense_pairs) != width * len(dense_keys)
            ):
                raise Damaged(f"{name}: inconsistent {field_name} pairs")
            bigram_dense = {key: dense_pairs[i * width : (i + 1) * width] for i, key in enumerate(dense_keys)}
            short_names_list = _json_strings(raw(prefix + "short_prefixes"))
            short_bits = raw(prefix + "short_prefix_bits")
            if len(short_bits) != width * len(short_names_list):
                raise Damaged(f"{name}: inconsistent {field_name} prefixes")
            short_prefixes = {key: short_bits[i * width : (i + 1) * width] for i, key in enumerate(short_names_list)}
            fields[field_name] = FieldPostings(
                offsets, ordinals, impacts, df, dense_ids, dense, starts, blob, stream_at,
                starts[-1], bigram_min_df, bigram_keys, bigram_offsets, bigram_ordinals, bigram_dense, short_prefixes,
            )
        return Segment(name, lo, ids, vocab, fields)
    except Damaged:
        raise
    except (KeyError, ValueError, TypeError, IndexError, UnicodeDecodeError) as error:
        raise Damaged(f"{name}: {error.__class__.__name__}: {error}") from error


# -- a loaded state -------------------------------------------------------------------------


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
        self.leaves: OrderedDict[tuple, object] = OrderedDict()
        self.sets: OrderedDict[int, tuple[object, int]] = OrderedDict()
        self.view: tuple[object, _ViewIndex] | None = None

    def leaf(self, key: tuple, compute: Callable[[], object]) -> object:
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
class _ViewIndex:
    """The default order mapped onto ordinals, built once per (snapshot, order)."""

    order: Sequence[str]
    in_view: int  # bits of the ordinals that the order lists
    rank: array  # 'I' by ordinal: len(order) - position (0 when not listed)
    rank_lanes: int  # the same as 32-bit lanes of one int
    rank_bits: int
    to_order: Callable[[bytes], Sequence[int]]  # ordinal-indexed bytes -> order-indexed values


def _view_index(snapshot: Snapshot, order: Sequence[str]) -> _ViewIndex:
    size = snapshot.size
    count = len(order)
    # Ids the index does not know point at the spare position `size` (cut off below; and
    # unpack_bits(..., size + 1) leaves a 0 there).
    ordinals = list(map(snapshot.ordinal_of.get, order, repeat(size)))
    rank = array("I", bytes(4 * (size + 1)))
    _consume(map(rank.__setitem__, ordinals, range(count, 0, -1)))
    listed = bytearray(size + 1)
    _consume(map(listed.__setitem__, ordinals, repeat(1)))
    del rank[size:], listed[size:]
    lanes = array("I", rank)
    if not _LITTLE:
        lanes.byteswap()
    rank_lanes = int.from_bytes(lanes.tobytes(), "little")
    return _ViewIndex(order, pack_bits(listed), rank, rank_lanes, max(1, count.bit_length()), _picker(ordinals))


# -- evaluation -----------------------------------------------------------------------------


class _Part(NamedTuple):
    """One term of the score: weight * vector[ordinal] for each paper."""

    vector: bytes  # a value per ordinal: impacts of a term, or 1 for a prefix match
    weight: float  # score per unit of the vector
    top: int  # largest value the vector can hold


@dataclass
class _Match:
    """A query node's result: the papers it matches and how they score."""

    bits: int
    parts: list[_Part] = field(default_factory=list)
    exact: bool = True  # parts are zero outside bits


def _never_cancelled() -> None:
    pass


class _Evaluator:
    def __init__(
        self, snapshot: Snapshot, boosts: Mapping[str, float], cancel: Callable[[], None] = _never_cancelled
    ) -> None:
        self.snapshot = snapshot
        self.size = snapshot.size
        self.boosts = boosts
        self.cancel = cancel  # raises to stop a search that can no longer matter

    def evaluate(self, node: wq.Query, boost: float = 1.0) -> _Match:
        self.cancel()  # between query nodes (each term of an expanded fuzzy word is one)
        kind = type(node)
        handler = _HANDLERS.get(kind)
        if handler is None:
            raise Unsupported(kind.__name__)
        return handler(self, node, boost)

    # leaves

    def _field(self, node, text: object = "") -> str:
        name = node.fieldname
        if name not in FIELDS or not isinstance(text, str):
            raise Unsupported(f"field {name!r}")
        return name

    def term(self, node: wq.Term, boost: float) -> _Match:
        name = self._field(node, node.text)
        bits, vector = self.term_vector(name, node.text)
        return _Match(bits, [_Part(vector, self.weight(name, bits, boost * node.boost), IMPACT_MAX)] if bits else [])

    def weight(self, name: str, bits: int, boost: float) -> float:
        """BM25 score per impact unit of a term (its papers: `bits`) in field `name`: idf * boosts.

        The document frequency counts live papers only, so it is the same after any mix of
        updates as after a rebuild.
        """
        live = max(1, self.snapshot.live_count)
        df = (bits & self.snapshot.live).bit_count()
        idf = log(1 + (live - df + 0.5) / (df + 0.5))
        return idf * self.boosts[name] * boost * IMPACT_UNIT

    def term_vector(self, name: str, term: str) -> tuple[int, bytes]:
        """(bits, impact per ordinal) of one term in one field."""
        return self.snapshot.cache.leaf(("term", name, term), lambda: self._term_vector(name, term))

    def _term_vector(self, name: str, term: str) -> tuple[int, bytes]:
        vector = bytearray(self.size)
        for segment in self.snapshot.segments:
            self.cancel()
            number = segment.term_id.get(term)
            if number is None:
                continue
            postings = segment.fields[name]
            dense = postings.dense.get(number)
            if dense is not None:
                vector[segment.lo : segment.hi] = dense
                continue
            first, last = postings.offsets[number], postings.offsets[number + 1]
            ordinals = _absolute(postings.ordinals[first:last], segment.lo)
            _consume(map(vector.__setitem__, ordinals, postings.impacts[first:last]))
        vector = bytes(vector)
        return pack_bits(vector), vector

    def prefix(self, node: wq.Prefix, boost: float) -> _Match:
        name = self._field(node, node.text)
        bits = self.snapshot.cache.leaf(("prefix", name, node.text), lambda: self._prefix_bits(name, node.text))
        if not bits:
            return _Match(0)
        ones = self.snapshot.cache.leaf(("ones", name, node.text), lambda: unpack_bits(bits, self.size))
        return _Match(bits, [_Part(ones, PREFIX_SCORE * self.boosts[name] * boost * node.boost, 1)])

    def _prefix_bits(self, name: str, prefix: str) -> int:
        # Sparse postings of a term range are contiguous: one slice, one scatter.
        mask = bytearray(self.size)
        bits = 0
        for segment in self.snapshot.segments:
            self.cancel()
            first, last = segment.term_range(prefix)
            if first >= last:
                continue
            postings = segment.fields[name]
            if prefix in postings.short_prefixes:
                bits |= segment.short_prefix_bits(name, prefix)
            else:
                ordinals = postings.ordinals[postings.offsets[first] : postings.offsets[last]]
                _consume(map(mask.__setitem__, _absolute(ordinals, segment.lo), repeat(1)))
            dense_ids = postings.dense_ids
            for at in range(bisect_left(dense_ids, first), bisect_left(dense_ids, last)):
                bits |= segment.dense_bits(name, dense_ids[at])
        return bits | pack_bits(mask)

    def phrase(self, node: wq.Phrase, boost: float) -> _Match:
        name = self._field(node)
        words = [word for word in node.words if word is not None]
        if node.slop != 1 or not all(isinstance(word, str) for word in words):
            raise Unsupported("phrase slop")
        if not words:
            return _Match(0)
        if len(words) == 1:  # Whoosh normalises a one-word phrase to a Term
            return self.term(wq.Term(name, words[0], boost=node.boost), boost)
        vectors = [self.term_vector(name, word) for word in words]
        bits = self.snapshot.cache.leaf(("phrase", name, tuple(words)), lambda: self._phrase_bits(name, words, vectors))
        if not bits:
            return _Match(0)
        parts = [
            _Part(_restrict(vector, bits, self.size), self.weight(name, word_bits, boost * node.boost), IMPACT_MAX)
            for word_bits, vector in vectors
        ]
        return _Match(bits, parts)

    def _phrase_bits(self, name: str, words: list[str], vectors: list[tuple[int, bytes]]) -> int:
        """Papers whose field has the words at consecutive positions (stop words skipped)."""
        candidates = -1
        for bits, _ in vectors:
            candidates &= bits
        if candidates <= 0:
            return 0
        matched: list[int] = []
        found = 0
        for segment in self.snapshot.segments:
            self.cancel()
            local = (candidates >> segment.lo) & ((1 << segment.size) - 1)
            if not local:
                continue
            numbers = [segment.term_id.get(word) for word in words]
            if None in numbers:
                continue
            exact, local = self._pairs_filter(segment, name, numbers, local)
            if exact:
                found |= local << segment.lo
            elif local:
                indexes = list(compress(range(segment.size), unpack_bits(local, segment.size)))
                matched += _find_phrase(segment, name, numbers, indexes)
        return found | bits_of(matched, self.size)

    @staticmethod
    def _pairs_filter(segment: Segment, name: str, numbers: list[int], local: int) -> tuple[bool, int]:
        """Narrow the segment's candidates with the indexed word pairs; (exact, candidates).

        Two words whose pair is indexed need no further check (the pair is the phrase).
        """
        postings = segment.fields[name]
        indexed = 0
        for first, second in zip(numbers, numbers[1:]):
            if postings.pair_indexed(first, second):
                local &= segment.bigram_bits(name, first, second) >> segment.lo
                indexed += 1
        return indexed == len(numbers) - 1 == 1, local

    # compounds

    def _children(self, node, boost: float) -> list[_Match]:
        return [self.evaluate(child, boost * node.boost) for child in node.subqueries]

    def or_(self, node: wq.Or, boost: float) -> _Match:
        if getattr(node, "minmatch", 0) or getattr(node, "scale", None):
            raise Unsupported("Or with minmatch")
        matches = [self.exact(match) for match in self._children(node, boost)]
        bits = 0
        parts: list[_Part] = []
        for match in matches:
            bits |= match.bits
            parts += match.parts
        return _Match(bits, parts)

    def and_(self, node: wq.And, boost: float) -> _Match:
        matches = self._children(node, boost)
        bits = -1
        parts: list[_Part] = []
        for match in matches:
            bits &= match.bits
            parts += match.parts
        bits = max(bits, 0) if matches else 0
        return _Match(bits, parts if bits else [], exact=len(matches) == 1 and matches[0].exact)

    def not_(self, node: wq.Not, boost: float) -> _Match:
        inner = self.evaluate(node.query, boost)
        return _Match(self.snapshot.live & ~inner.bits)

    def and_not(self, node: wq.AndNot, boost: float) -> _Match:
        positive = self.evaluate(node.a, boost)
        negative = self.evaluate(node.b, boost)
        exact = positive.exact and not positive.bits & negative.bits
        return _Match(positive.bits & ~negative.bits, positive.parts, exact=exact)

    def and_maybe(self, node: wq.AndMaybe, boost: float) -> _Match:
        required = self.evaluate(node.a, boost)
        optional = self.exact(self.evaluate(node.b, boost))
        return _Match(required.bits, required.parts + optional.parts, exact=False)

    def require(self, node: wq.Require, boost: float) -> _Match:
        scored = self.evaluate(node.a, boost)
        needed = self.evaluate(node.b, boost)
        return _Match(scored.bits & needed.bits, scored.parts, exact=False)

    def null(self, node, boost: float) -> _Match:
        return _Match(0)

    def exact(self, match: _Match) -> _Match:
        """The match with its score parts zeroed where it does not match (for Or children)."""
        if match.exact:
            return match
        parts = [part._replace(vector=_restrict(part.vector, match.bits, self.size)) for part in match.parts]
        return _Match(match.bits, parts)


def _absolute(numbers: Iterable[int], lo: int) -> Iterable[int]:
    """Ordinals of documents numbered within a segment that starts at ordinal lo."""
    return map(add, numbers, repeat(lo)) if lo else numbers


def _find_phrase(segment: Segment, name: str, numbers: list[int], candidates: list[int]) -> list[int]:
    """Ordinals of the candidates (segment indexes) whose field holds the terms consecutively.

    One bytes.find per candidate, driven by map() so the loop runs in C; only the few
    finds that land off a term boundary are looked at again in Python.
    """
    if not candidates:
        return []
    postings = segment.fields[name]
    blob, at = postings.blob, postings.stream_at
    needle = bytes(_to_term_bytes(array("I", numbers)))
    term_at = postings.starts.__getitem__
    begins = list(map(add, map(mul, map(term_at, candidates), repeat(TERM_BYTES)), repeat(at)))
    ends = list(map(add, map(mul, map(term_at, map(add, candidates, repeat(1))), repeat(TERM_BYTES)), repeat(at)))
    found = list(map(blob.find, repeat(needle), begins, ends))
    lo = segment.lo
    matched = []
    for index, place, end in compress(zip(candidates, found, ends), map((-1).__lt__, found)):
        while place >= 0 and (place - at) % TERM_BYTES:  # a match must start on a term boundary
            place = blob.find(needle, place + 1, end)
        if place >= 0:
            matched.append(lo + index)
    return matched


_HANDLERS: dict[type, Callable[[_Evaluator, object, float], _Match]] = {
    wq.Term: _Evaluator.term,
    wq.Prefix: _Evaluator.prefix,
    wq.Phrase: _Evaluator.phrase,
    wq.Or: _Evaluator.or_,
    wq.And: _Evaluator.and_,
    wq.Not: _Evaluator.not_,
    wq.AndNot: _Evaluator.and_not,
    wq.AndMaybe: _Evaluator.and_maybe,
    wq.Require: _Evaluator.require,
    type(wq.NullQuery): _Evaluator.null,
}


# -- results --------------------------------------------------------------------------------


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
                self._by_ordinal = dict(zip(self._ordinals, self._keys))
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


def _rank(snapshot: Snapshot, view: _ViewIndex, bits: int, parts: list[_Part],
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
    ids = list(_picker(positions)(order))
    if wanted > len(ids):  # the rest, unscored, in the default order
        rest = bytearray(view.to_order(matched))
        for position in positions:
            rest[position] = 0
        ids += compress(order, rest)
        del ids[wanted:]
    scores = _Scores(keys, ordinals, snapshot.ordinal_of, snapshot.ids, matched, view.rank_bits, scale, total)
    return FastResult(ids, scores, total)


def _picker(indexes: Sequence[int]) -> Callable[[Sequence], Sequence]:
    """itemgetter(*indexes), always returning a tuple (itemgetter of one index returns the item)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda values: (values[index],)
    if not indexes:
        return lambda values: ()
    return itemgetter(*indexes)


def _integer_weights(parts: list[_Part], score_bits: int) -> tuple[list[tuple[bytes, int]], float]:
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
    total = sum(int.from_bytes(vector, "little") * multiple for (vector, _, _), multiple in zip(flags, multiples))
    size = len(flags[0][0])
    combined = (total.to_bytes(size, "little"), unit, sum(multiples))
    return [item for item in weighted if not (item[2] == 1 and item[1] > 0)] + [combined]


def _hit_keys(parts: list[tuple[bytes, int]], ordinals: list[int], view: _ViewIndex) -> list[int]:
    """Ranking key of each hit, in the order of `ordinals`: the lane arithmetic of
    _lane_keys on the hits' values only (gathered with itemgetter, all in C)."""
    count = len(ordinals)
    pick = _picker(ordinals)
    score = 0
    for vector, weight in parts:
        score += _lanes(bytes(pick(vector)), count) * weight
    ranks = array("I", pick(view.rank))
    if not _LITTLE:
        ranks.byteswap()
    keys = array("I")
    lanes = (score << view.rank_bits) + int.from_bytes(ranks.tobytes(), "little")
    keys.frombytes(lanes.to_bytes(4 * count, "little"))
    if not _LITTLE:
        keys.byteswap()
    return keys.tolist()


def _lane_keys(parts: list[tuple[bytes, int]], view: _ViewIndex, size: int) -> array:
    """Ranking key of every ordinal at once, computed in 32-bit lanes of one big int."""
    score = 0
    for vector, weight in parts:
        score += _lanes(vector, size) * weight
    keys = array("I")
    keys.frombytes(((score << view.rank_bits) + view.rank_lanes).to_bytes(4 * size, "little"))
    if not _LITTLE:
        keys.byteswap()
    return keys


def _merge_parts(parts: list[_Part]) -> list[_Part]:
    """Parts over the same vector (a word in two leaves) added once, with summed weights."""
    merged: dict[int, _Part] = {}
    for part in parts:
        key = id(part.vector)
        earlier = merged.get(key)
        merged[key] = part if earlier is None else earlier._replace(weight=earlier.weight + part.weight)
    return list(merged.values())


# -- the index ------------------------------------------------------------------------------

AllowedIds = Set[str] | Callable[[str], bool] | None


class FastSearch:
    """The fast index in one folder: load / rebuild / update / search.

    Thread-safe: searches read an immutable snapshot; writers build a new one and swap it in.
    Writers of several processes are serialised by a file lock; each reloads the on-disk state
    first when another process has changed it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._snapshot: Snapshot | None = None
        self._manifest_stamp: tuple[int, int, int] | None = None
        self._write_lock = threading.Lock()
        self._boosts = field_boosts()

    # -- state --------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._snapshot is not None

    def doc_count(self) -> int:
        snapshot = self._snapshot
        return snapshot.live_count if snapshot else 0

    def document_frequencies(self, field_name: str, terms: Iterable[str]) -> dict[str, int] | None:
        """How many documents hold each analysed term in a field (deleted ones included until
        compaction: close enough for weighting); None when no index is loaded."""
        snapshot = self._snapshot
        if snapshot is None or field_name not in FIELDS:
            return None
        found = dict.fromkeys(terms, 0)
        for segment in snapshot.segments:
            df = segment.fields[field_name].df
            for term in found:
                number = segment.term_id.get(term)
                if number is not None:
                    found[term] += df[number]
        return found

    def close(self) -> None:
        """Forget the loaded index (its files are unmapped once no search holds them)."""
        self._snapshot = None
        self._manifest_stamp = None

    def needs_compaction(self) -> bool:
        snapshot = self._snapshot
        if snapshot is None or not snapshot.size:
            return False
        return len(snapshot.dead) > COMPACT_DEAD_SHARE * snapshot.size or len(snapshot.segments) > COMPACT_SEGMENTS

    def changed_on_disk(self) -> bool:
        """Whether another process wrote a newer state than the one loaded (one stat call)."""
        return self._stamp() != self._manifest_stamp

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            stat = (self.folder / MANIFEST).stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    # -- loading ------------------------------------------------------------------------

    def load(self) -> bool:
        """Read the index from disk; False when missing, damaged or of another format version."""
        current = self._snapshot
        known = {segment.name: segment for segment in current.segments} if current else None
        for _ in range(3):  # another process may replace the files while we read them
            stamp = self._stamp()
            try:
                snapshot = self._read(known)
            except (Damaged, OSError):
                if self._stamp() != stamp:
                    continue
                break
            self._snapshot = snapshot
            self._manifest_stamp = stamp
            return True
        self._snapshot = None
        self._manifest_stamp = None
        return False

    def refresh(self) -> bool:
        """Load what another process wrote since (one stat call when nothing changed).

        Returns whether a usable index is loaded.
        """
        if self._snapshot is not None and not self.changed_on_disk():
            return True
        return self.load()

    def _read(self, known: Mapping[str, Segment] | None = None) -> Snapshot:
        """The state the manifest names; `known` segments (files never change) are reused."""
        known = known or {}
        try:
            manifest = json.loads((self.folder / MANIFEST).read_bytes())
        except (OSError, ValueError) as error:
            raise Damaged(f"manifest: {error}") from error
        if (
            not isinstance(manifest, dict)
            or manifest.get("format") != FORMAT_VERSION
            or manifest.get("byteorder") != sys.byteorder
        ):
            raise Damaged("manifest: another format")
        try:
            segments = []
            lo = 0
            for entry in manifest["segments"]:
                name, docs = entry["file"], entry["docs"]
                segment = known.get(name)
                if segment is None or segment.lo != lo or segment.size != docs:
                    if (self.folder / name).stat().st_size != entry["bytes"]:
                        raise Damaged(f"{name}: size changed")
                    segment = open_segment(self.folder / name, lo, docs)
                segments.append(segment)
                lo += docs
            dead = array("I")
            if manifest["dead"]["file"]:
                raw = (self.folder / manifest["dead"]["file"]).read_bytes()
                if zlib.crc32(raw) != manifest["dead"]["crc"] or len(raw) % 4:
                    raise Damaged("deleted ordinals: checksum mismatch")
                dead.frombytes(raw)
            return Snapshot(segments, dead, int(manifest["generation"]))
        except (KeyError, TypeError, ValueError) as error:
            raise Damaged(f"manifest: {error}") from error

    # -- writing ------------------------------------------------------------------------

    def rebuild(self, documents: Iterable[Document]) -> None:
        """Replace the whole index with `documents`. About 30-40 s per 100k papers on a slow core."""
        with self._writing():
            generation = self._next_generation()
            written, duplicates = _build(self.folder, generation, self._analysed(documents), 0)
            self._commit(written, sorted(duplicates), generation)

    def update(self, documents: Iterable[Document], delete_ids: Iterable[str]) -> bool:
        """Add or replace `documents` and delete `delete_ids`, then persist.

        Same arguments as SearchIndex.write. Returns False (and changes nothing) when there is
        no valid index to update: the caller rebuilds it.
        """
        with self._writing():
            snapshot = self._snapshot
            if snapshot is None:
                return False
            dead = set(snapshot.dead)
            ordinal_of = snapshot.ordinal_of
            dead.update(_known_ordinals(ordinal_of, delete_ids))
            replaced: list[str] = []

            def analysed() -> Iterator[tuple[str, dict[str, list[str]]]]:
                for paper, terms in self._analysed(documents):
                    replaced.append(paper)
                    yield paper, terms

            generation = self._next_generation()
            entries = [(segment.name, segment.size) for segment in snapshot.segments]
            written, duplicates = _build(self.folder, generation, analysed(), snapshot.size)
            dead.update(_known_ordinals(ordinal_of, replaced))
            dead.update(duplicates)
            if not written and dead == snapshot.dead:
                return True
            entries += written
            segments = {segment.name: segment for segment in snapshot.segments}
            entries, dead = self._merge(entries, dead, segments, generation, inline=True)
            self._commit(entries, sorted(dead), generation)
            return True

    def compact(self) -> None:
        """Rewrite all segments without deleted papers (like a rebuild, without analysis: background work)."""
        with self._writing():
            snapshot = self._snapshot
            if snapshot is None or len(snapshot.segments) <= 1 and not snapshot.dead:
                return
            generation = self._next_generation()
            segments = {segment.name: segment for segment in snapshot.segments}
            entries = [(segment.name, segment.size) for segment in snapshot.segments]
            entries, dead = self._merge(entries, set(snapshot.dead), segments, generation, inline=False)
            self._commit(entries, sorted(dead), generation)

    def wipe(self) -> None:
        """Forget the index (the caller rebuilds)."""
        with self._writing():
            for path in self.folder.glob("*"):
                if path.name != LOCK_FILE:
                    _remove(path)
            self._snapshot = None
            self._manifest_stamp = None

    def _analysed(self, documents: Iterable[Document]) -> Iterator[tuple[str, dict[str, list[str]]]]:
        terms = make_term_function()  # its token cache lives for one write only
        for document in documents:
            yield document.id, {"title": terms(document.title), "abstract": terms(document.abstract)}

    def _merge(self, entries, dead: set[int], segments: dict[str, Segment], generation: int, inline: bool):
        """Merge a run of the newest segments when the plan says so; returns new entries and dead ordinals."""
        first = _merge_plan([docs for _, docs in entries], inline)
        if first is None:
            return entries, dead
        lo = sum(docs for _, docs in entries[:first])
        merged = [
            segments.get(name) or self._read_segment(name, at, docs) for name, at, docs in _with_lows(entries)[first:]
        ]

        def documents() -> Iterator[tuple[str, dict[str, list[str]]]]:
            for segment in merged:
                for index, paper in enumerate(segment.ids):
                    if segment.lo + index not in dead:
                        yield paper, {name: segment.terms_of(name, index) for name in FIELDS}

        written, _ = _build(self.folder, generation, documents(), lo)
        kept = {ordinal for ordinal in dead if ordinal < lo}
        return entries[:first] + written, kept

    def _read_segment(self, name: str, lo: int, docs: int) -> Segment:
        return open_segment(self.folder / name, lo, docs)

    def _next_generation(self) -> int:
        snapshot = self._snapshot
        return (snapshot.generation if snapshot else 0) + 1

    def _write_file(self, name: str, data: bytes) -> None:
        temporary = self.folder / f".{name}.tmp"
        with open_private(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, self.folder / name)

    def _commit(self, entries: list[tuple[str, int]], dead: list[int], generation: int) -> None:
        """Write the manifest (atomically), switch to the new state, remove unused files."""
        dead_name = ""
        dead_bytes = array("I", dead).tobytes()
        if dead:
            dead_name = _file_name("dead", generation)
            self._write_file(dead_name, dead_bytes)
        manifest = {
            "format": FORMAT_VERSION,
            "byteorder": sys.byteorder,
            "generation": generation,
            "segments": [
                {"file": name, "docs": docs, "bytes": (self.folder / name).stat().st_size} for name, docs in entries
            ],
            "dead": {"file": dead_name, "crc": zlib.crc32(dead_bytes)},
        }
        self._write_file(MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
        current = self._snapshot
        known = {segment.name: segment for segment in current.segments} if current else {}
        self._snapshot = self._read(known)
        self._manifest_stamp = self._stamp()
        keep = {MANIFEST, LOCK_FILE, dead_name, *(name for name, _ in entries)}
        for path in self.folder.iterdir():
            if path.name not in keep and not path.name.startswith("."):
                _remove(path)

    class _WriteGuard:
        def __init__(self, owner: FastSearch) -> None:
            self.owner = owner
            self.handle = None

        def __enter__(self):
            owner = self.owner
            owner._write_lock.acquire()
            try:
                make_private_dirs(owner.folder)
                self.handle = open_private(owner.folder / LOCK_FILE, "a+b")
                if fcntl is not None:
                    fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)
                if owner.changed_on_disk():  # another process wrote since we loaded
                    owner.load()
            except BaseException:
                self.__exit__(None, None, None)
                raise
            return self

        def __exit__(self, *exc) -> None:
            if self.handle is not None:
                self.handle.close()  # releases the flock
                self.handle = None
            self.owner._write_lock.release()

    def _writing(self) -> FastSearch._WriteGuard:
        return FastSearch._WriteGuard(self)

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
            match = _Evaluator(snapshot, self._boosts, cancel or _never_cancelled).evaluate(query)
        except Unsupported:
            return None
        view = self._view(snapshot, order)
        bits = match.bits & view.in_view & snapshot.live
        if excluded:
            bits &= ~self._set_bits(snapshot, excluded)
        if allowed is not None:
            bits = self._allowed(snapshot, bits, allowed)
        return _rank(snapshot, view, bits, match.parts, limit, depth)

    def _view(self, snapshot: Snapshot, order) -> _ViewIndex:
        cached = snapshot.cache.view
        if cached is not None and cached[0] is order:
            return cached[1]
        if order is None:
            listed: Sequence[str] = [paper for paper in reversed(snapshot.ids) if paper is not None]
        elif isinstance(order, Mapping):
            listed = sorted(order, key=order.__getitem__)
        else:
            listed = order
        view = _view_index(snapshot, listed)
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


def _build(folder: Path, generation: int, documents: Iterable[tuple[str, dict[str, list[str]]]],
           lo: int) -> tuple[list[tuple[str, int]], set[int]]:
    """Write segment files of `documents` from ordinal lo, SEGMENT_MAX_DOCS papers at most each.

    Returns ([(file name, papers)], ordinals of earlier copies of an id given twice: the last
    wins, like update_document).
    """
    written: list[tuple[str, int]] = []
    builder = SegmentBuilder(lo)
    seen: dict[str, int] = {}
    duplicates: set[int] = set()
    for paper, terms in documents:
        if len(builder.ids) == SEGMENT_MAX_DOCS:
            written.append(_finish(builder, folder, generation))
            builder = SegmentBuilder(builder.lo + len(builder.ids))
        earlier = seen.get(paper)
        if earlier is not None:
            duplicates.add(earlier)
        seen[paper] = builder.lo + len(builder.ids)
        builder.add(paper, terms)
    if builder.ids:
        written.append(_finish(builder, folder, generation))
    return written, duplicates


def _finish(builder: SegmentBuilder, folder: Path, generation: int) -> tuple[str, int]:
    name = _file_name("seg", generation)
    builder.write(folder / name)
    return name, len(builder.ids)


def _remove(path: Path) -> None:
    """Delete a file no manifest names; one still mapped somewhere (Windows) goes next time."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _file_name(kind: str, generation: int) -> str:
    """Unique: a loaded segment is reused by name, so a name must never mean two contents."""
    return f"{kind}-{generation:08d}-{os.urandom(4).hex()}.bin"


def _known_ordinals(ordinal_of: Mapping[str, int], ids: Iterable[str]) -> list[int]:
    return [ordinal for ordinal in map(ordinal_of.get, ids) if ordinal is not None]


def _with_lows(entries: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    out = []
    lo = 0
    for name, docs in entries:
        out.append((name, lo, docs))
        lo += docs
    return out


def _merge_plan(sizes: list[int], inline: bool) -> int | None:
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
