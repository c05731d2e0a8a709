"""The files of the fast index: what their numbers mean and how a segment file is laid out.

A segment file is MAGIC, 8-aligned sections, a JSON footer (section table, checksum), the
footer's length, MAGIC. Every file is written under a temporary name and renamed into place,
so a reader sees the old state or the new one. Changing anything here changes the files:
raise FORMAT_VERSION (old caches are then rebuilt, never misread).
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from reader.search.fast.bits import LITTLE
from reader.system.private import open_private

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
# Token streams store term ids in three bytes (big-endian): up to 16.7M terms per segment.
TERM_BYTES = 3
MAGIC = b"RFS\x01"


class Damaged(Exception):
    """A file of the fast index is missing, truncated or from another format."""


def file_name(kind: str, generation: int) -> str:
    """Unique: a loaded segment is reused by name, so a name must never mean two contents."""
    return f"{kind}-{generation:08d}-{os.urandom(4).hex()}.bin"


def to_term_bytes(ids: array) -> bytearray:
    """Term ids as TERM_BYTES big-endian bytes each (ids must be below 2**24)."""
    wide = array("I", ids)
    if LITTLE:
        wide.byteswap()
    four = wide.tobytes()
    out = bytearray(3 * len(ids))
    out[0::3], out[1::3], out[2::3] = four[1::4], four[2::4], four[3::4]
    return out


def from_term_bytes(data: bytes) -> array:
    """The inverse of to_term_bytes."""
    count = len(data) // 3
    four = bytearray(4 * count)
    four[1::4], four[2::4], four[3::4] = data[0::3], data[1::3], data[2::3]
    ids = array("I", bytes(four))
    if LITTLE:
        ids.byteswap()
    return ids


def json_bytes(strings: list[str]) -> bytes:
    return json.dumps(strings, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_strings(data: memoryview) -> list[str]:
    strings = json.loads(bytes(data))
    if not isinstance(strings, list):
        raise Damaged("expected a list of strings")
    return strings


class SectionWriter:
    """Writes a segment file (the layout above) under a temporary name, renamed when complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temporary = path.with_name(f".{path.name}.tmp")
        self.handle: BinaryIO  # opened by __enter__
        self.at = 0
        self.crc = 0
        self.table: list[list] = []

    def __enter__(self) -> SectionWriter:
        self.handle = open_private(self.temporary, "wb")
        self.handle.write(MAGIC)
        self.at = len(MAGIC)
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
        self.handle.write(data + len(data).to_bytes(4, "little") + MAGIC)
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
