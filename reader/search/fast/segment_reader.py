"""Opening a segment file: map it, check its footer and checksum, view its sections in place."""

from __future__ import annotations

import json
import mmap
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from reader.search.fast.fileformat import FIELDS, FORMAT_VERSION, MAGIC, TERM_BYTES, Damaged, json_strings
from reader.search.fast.segment import FieldPostings, Segment


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
        if size < 16 or blob[:4] != MAGIC or blob[-4:] != MAGIC:
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
        sections = _Sections(name, blob, header["sections"], body_end)
        ids = json_strings(sections.raw("ids"))
        vocab = json_strings(sections.raw("vocab"))
        bigram_min_df = int(header["bigram_min_df"])
        if len(ids) != docs or len(vocab) != header["terms"]:
            raise Damaged(f"{name}: wrong counts")
        fields = {}
        for field_name in FIELDS:
            fields[field_name] = _field_postings(sections, field_name, len(vocab), docs, bigram_min_df)
        return Segment(name, lo, ids, vocab, fields)
    except Damaged:
        raise
    except (KeyError, ValueError, TypeError, IndexError, UnicodeDecodeError) as error:
        raise Damaged(f"{name}: {error.__class__.__name__}: {error}") from error


class _Sections:
    """The sections of one segment file by name, each a view of the file's bytes."""

    def __init__(self, name: str, blob, table: list, body_end: int) -> None:
        self.name = name
        self.blob = blob
        self.view = memoryview(blob)
        self.places = {section: (at, length) for section, at, length in table}
        self.body_end = body_end

    def raw(self, section: str) -> memoryview:
        at, length = self.places[section]
        if at < 4 or at + length > self.body_end:
            raise Damaged(f"{self.name}: truncated")
        return self.view[at : at + length]

    def typed(self, section: str, code: Literal["B", "H", "I", "Q"]) -> memoryview:
        return self.raw(section).cast(code)


def _field_postings(sections: _Sections, field_name: str, terms: int, docs: int, bigram_min_df: int) -> FieldPostings:
    """One field's postings, pairs and prefixes, checked against each other."""
    name, prefix = sections.name, field_name + "."
    typed, raw = sections.typed, sections.raw
    dense_ids = list(typed(prefix + "dense_ids", "I"))
    dense_raw = raw(prefix + "dense")
    dense = {term: dense_raw[i * docs : (i + 1) * docs] for i, term in enumerate(dense_ids)}
    offsets = typed(prefix + "offsets", "I")
    ordinals = typed(prefix + "ordinals", "H")
    impacts = typed(prefix + "impacts", "B")
    starts = typed(prefix + "starts", "I")
    df = typed(prefix + "df", "I")
    stream_at, stream_length = sections.places[prefix + "stream"]
    if (
        len(offsets) != terms + 1
        or len(df) != terms
        or offsets[-1] != len(ordinals)
        or len(impacts) != len(ordinals)
        or len(dense_raw) != len(dense_ids) * docs
        or len(starts) != docs + 1
        or starts[-1] * TERM_BYTES != stream_length
        or stream_at + stream_length > sections.body_end
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
    short_names_list = json_strings(raw(prefix + "short_prefixes"))
    short_bits = raw(prefix + "short_prefix_bits")
    if len(short_bits) != width * len(short_names_list):
        raise Damaged(f"{name}: inconsistent {field_name} prefixes")
    short_prefixes = {key: short_bits[i * width : (i + 1) * width] for i, key in enumerate(short_names_list)}
    return FieldPostings(
        offsets, ordinals, impacts, df, dense_ids, dense, starts, sections.blob, stream_at,
        starts[-1], bigram_min_df, bigram_keys, bigram_offsets, bigram_ordinals, bigram_dense, short_prefixes,
    )
