"""Sets of papers as bitsets and per-paper values as byte vectors: whole-set work in C.

A set of ordinals is an int with bit o set; a vector is bytes with one value per ordinal.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import itemgetter

_SINK: deque[object] = deque(maxlen=0)
consume = _SINK.extend  # run an iterator for its side effects, in C
LITTLE = sys.byteorder == "little"

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
    consume(map(mask.__setitem__, ordinals, repeat(1)))
    return pack_bits(mask)


def spread_lanes(vector: bytes, size: int) -> int:
    """Spread one byte per ordinal into 32-bit lanes of an int (little-endian lanes)."""
    wide = bytearray(4 * size)
    wide[0::4] = vector
    return int.from_bytes(wide, "little")


def restrict(vector: bytes, bits: int, size: int) -> bytes:
    """The vector with every position outside `bits` zeroed."""
    keep = unpack_bits(bits, size).translate(_01_TO_FF)
    return (int.from_bytes(vector, "little") & int.from_bytes(keep, "little")).to_bytes(size, "little")


def picker(indexes: Sequence[int]) -> Callable[[Sequence], Sequence]:
    """itemgetter(*indexes), always returning a tuple (itemgetter of one index returns the item)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda values: (values[index],)
    if not indexes:
        return lambda values: ()
    return itemgetter(*indexes)
