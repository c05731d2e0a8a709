"""Writing segment files: analysed papers in, postings, token streams, pairs and prefixes out."""

from __future__ import annotations

import tempfile
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from itertools import compress, repeat
from operator import and_, lshift, or_
from pathlib import Path
from typing import cast

from reader.search.fast.bits import bits_of, consume, pack_bits
from reader.search.fast.fileformat import (
    FIELDS,
    IMPACT_MAX,
    K1,
    TERM_BYTES,
    TYPICAL_LENGTH,
    B,
    SectionWriter,
    file_name,
    json_bytes,
    to_term_bytes,
)
from reader.search.fast.segment import prefix_end

# A segment holds at most this many papers, so postings store a paper's number within its
# segment in two bytes ('H'); a rebuild of 100k papers writes two segments.
SEGMENT_MAX_DOCS = 65_535
# Pairs of terms that both occur in this many papers of a segment are indexed as bigrams, so
# a phrase of frequent words needs no look at the token stream; any other phrase has fewer
# candidates than this per segment to check there.
BIGRAM_MIN_DF = 1024
# Prefixes of these lengths whose sparse postings number at least this (and a 16th of the
# segment) are stored as bitsets (see _write_short_prefixes).
SHORT_PREFIX_LENGTHS = (2, 3, 4)
SHORT_PREFIX_MIN_POSTINGS = 4096
# Stand-ins for per-term arrays already copied out (or turned into a dense vector).
_NO_ORDINALS, _NO_IMPACTS = array("H"), array("B")


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
        with SectionWriter(path) as out:
            out.add("ids", json_bytes(self.ids))
            out.add("vocab", json_bytes(vocab))
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
        consume(map(array.append, map(self.ordinals.__getitem__, counts), repeat(number)))
        impacts = map(impact_of_tf.__getitem__, counts.values())
        consume(map(array.append, map(self.impacts.__getitem__, counts), impacts))

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

    def write(self, out: SectionWriter, name: str, lo: int, size: int, vocab: list[str]) -> None:
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
            consume(map(vector.__setitem__, self.ordinals[old], self.impacts[old]))
            self.ordinals[old], self.impacts[old] = _NO_ORDINALS, _NO_IMPACTS  # not in the sparse postings
            yield vector

    def _stream_chunks(self, segment_id: array) -> Iterator[bytearray]:
        """The token stream in segment term ids, big-endian: a phrase pattern's last byte is then a
        low byte, which bytes.find skips on well."""
        if len(segment_id) >= 1 << (8 * TERM_BYTES):
            raise ValueError("too many terms in one segment")
        self.stream.seek(0)
        while data := self.stream.read(4 << 20):
            yield to_term_bytes(array("I", map(segment_id.__getitem__, array("I", data))))

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

    def _write_bigrams(self, out: SectionWriter, prefix: str, lo: int, size: int, frequent: bytearray,
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
                pairs = set(compress(map(or_, map(lshift, terms, repeat(shift)), terms[1:]), both))
                if not pairs:
                    continue
                slots: list[int | None] = list(map(slot_of.get, pairs))
                if None in slots:
                    for at, (key, slot) in enumerate(zip(pairs, slots, strict=True)):
                        if slot is None:
                            slots[at] = slot_of[key] = len(postings)
                            postings.append(array("H"))
                consume(map(array.append, map(postings.__getitem__, cast("list[int]", slots)), repeat(index)))
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


def _write_short_prefixes(out: SectionWriter, prefix: str, vocab: list[str], offsets: array, ordinals: array,
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
                last = bisect_left(vocab, prefix_end(key) or "\U0010ffff", first) if len(key) == length else first + 1
                start, end = offsets[first], offsets[last]
                if len(key) == length and end - start >= least:
                    mask = bytearray(size)
                    consume(map(mask.__setitem__, ordinals[start:end], repeat(1)))
                    names.append(key)
                    bit_rows.append(pack_bits(mask).to_bytes((size + 7) // 8, "little"))
                first = max(last, first + 1)
    out.add(prefix + "short_prefixes", json_bytes(names))
    out.add_all(prefix + "short_prefix_bits", bit_rows)


def build_segments(folder: Path, generation: int, documents: Iterable[tuple[str, dict[str, list[str]]]],
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
            written.append(_finish_segment(builder, folder, generation))
            builder = SegmentBuilder(builder.lo + len(builder.ids))
        earlier = seen.get(paper)
        if earlier is not None:
            duplicates.add(earlier)
        seen[paper] = builder.lo + len(builder.ids)
        builder.add(paper, terms)
    if builder.ids:
        written.append(_finish_segment(builder, folder, generation))
    return written, duplicates


def _finish_segment(builder: SegmentBuilder, folder: Path, generation: int) -> tuple[str, int]:
    name = file_name("seg", generation)
    builder.write(folder / name)
    return name, len(builder.ids)
