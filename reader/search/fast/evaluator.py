"""Evaluating a Whoosh query on a snapshot: each node becomes a set of papers (bits) and score parts.

Term, Prefix and Phrase on title and abstract, under And / Or / Not / AndNot / AndMaybe /
Require; any other shape raises Unsupported and the caller asks Whoosh.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress, pairwise, repeat
from math import log
from operator import add, mul
from typing import NamedTuple, cast

from whoosh import query as wq

from reader.search.fast.bits import bits_of, consume, pack_bits, restrict, unpack_bits
from reader.search.fast.fileformat import FIELDS, IMPACT_MAX, K1, TERM_BYTES, to_term_bytes
from reader.search.fast.segment import Segment
from reader.search.fast.snapshot import Snapshot

# BM25 score of one impact unit at idf 1 (an impact is the tf part scaled to 0..255).
IMPACT_UNIT = (K1 + 1) / IMPACT_MAX
# A prefix match scores a constant, like Whoosh's constant-score Prefix (1.0 x field boost).
PREFIX_SCORE = 1.0


class Unsupported(Exception):
    """The query has a shape the fast path does not evaluate; ask Whoosh."""


class Part(NamedTuple):
    """One term of the score: weight * vector[ordinal] for each paper."""

    vector: bytes  # a value per ordinal: impacts of a term, or 1 for a prefix match
    weight: float  # score per unit of the vector
    top: int  # largest value the vector can hold


@dataclass
class Match:
    """A query node's result: the papers it matches and how they score."""

    bits: int
    parts: list[Part] = field(default_factory=list)
    exact: bool = True  # parts are zero outside bits


def never_cancelled() -> None:
    pass


class Evaluator:
    def __init__(
        self, snapshot: Snapshot, boosts: Mapping[str, float], cancel: Callable[[], None] = never_cancelled
    ) -> None:
        self.snapshot = snapshot
        self.size = snapshot.size
        self.boosts = boosts
        self.cancel = cancel  # raises to stop a search that can no longer matter

    def evaluate(self, node: wq.Query, boost: float = 1.0) -> Match:
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

    def term(self, node: wq.Term, boost: float) -> Match:
        name = self._field(node, node.text)
        bits, vector = self.term_vector(name, node.text)
        return Match(bits, [Part(vector, self.weight(name, bits, boost * node.boost), IMPACT_MAX)] if bits else [])

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
            consume(map(vector.__setitem__, ordinals, postings.impacts[first:last]))
        impacts = bytes(vector)
        return pack_bits(impacts), impacts

    def prefix(self, node: wq.Prefix, boost: float) -> Match:
        name = self._field(node, node.text)
        bits = self.snapshot.cache.leaf(("prefix", name, node.text), lambda: self._prefix_bits(name, node.text))
        if not bits:
            return Match(0)
        ones = self.snapshot.cache.leaf(("ones", name, node.text), lambda: unpack_bits(bits, self.size))
        return Match(bits, [Part(ones, PREFIX_SCORE * self.boosts[name] * boost * node.boost, 1)])

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
                consume(map(mask.__setitem__, _absolute(ordinals, segment.lo), repeat(1)))
            dense_ids = postings.dense_ids
            for at in range(bisect_left(dense_ids, first), bisect_left(dense_ids, last)):
                bits |= segment.dense_bits(name, dense_ids[at])
        return bits | pack_bits(mask)

    def phrase(self, node: wq.Phrase, boost: float) -> Match:
        name = self._field(node)
        words = [word for word in node.words if word is not None]
        if node.slop != 1 or not all(isinstance(word, str) for word in words):
            raise Unsupported("phrase slop")
        if not words:
            return Match(0)
        if len(words) == 1:  # Whoosh normalises a one-word phrase to a Term
            return self.term(wq.Term(name, words[0], boost=node.boost), boost)
        vectors = [self.term_vector(name, word) for word in words]
        bits = self.snapshot.cache.leaf(("phrase", name, tuple(words)), lambda: self._phrase_bits(name, words, vectors))
        if not bits:
            return Match(0)
        parts = [
            Part(restrict(vector, bits, self.size), self.weight(name, word_bits, boost * node.boost), IMPACT_MAX)
            for word_bits, vector in vectors
        ]
        return Match(bits, parts)

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
            found_ids = [segment.term_id.get(word) for word in words]
            if None in found_ids:
                continue
            numbers = cast("list[int]", found_ids)
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
        for first, second in pairwise(numbers):
            if postings.pair_indexed(first, second):
                local &= segment.bigram_bits(name, first, second) >> segment.lo
                indexed += 1
        return indexed == len(numbers) - 1 == 1, local

    # compounds

    def _children(self, node, boost: float) -> list[Match]:
        return [self.evaluate(child, boost * node.boost) for child in node.subqueries]

    def or_(self, node: wq.Or, boost: float) -> Match:
        if getattr(node, "minmatch", 0) or getattr(node, "scale", None):
            raise Unsupported("Or with minmatch")
        matches = [self.exact(match) for match in self._children(node, boost)]
        bits = 0
        parts: list[Part] = []
        for match in matches:
            bits |= match.bits
            parts += match.parts
        return Match(bits, parts)

    def and_(self, node: wq.And, boost: float) -> Match:
        matches = self._children(node, boost)
        bits = -1
        parts: list[Part] = []
        for match in matches:
            bits &= match.bits
            parts += match.parts
        bits = max(bits, 0) if matches else 0
        return Match(bits, parts if bits else [], exact=len(matches) == 1 and matches[0].exact)

    def not_(self, node: wq.Not, boost: float) -> Match:
        inner = self.evaluate(node.query, boost)
        return Match(self.snapshot.live & ~inner.bits)

    def and_not(self, node: wq.AndNot, boost: float) -> Match:
        positive = self.evaluate(node.a, boost)
        negative = self.evaluate(node.b, boost)
        exact = positive.exact and not positive.bits & negative.bits
        return Match(positive.bits & ~negative.bits, positive.parts, exact=exact)

    def and_maybe(self, node: wq.AndMaybe, boost: float) -> Match:
        required = self.evaluate(node.a, boost)
        optional = self.exact(self.evaluate(node.b, boost))
        return Match(required.bits, required.parts + optional.parts, exact=False)

    def require(self, node: wq.Require, boost: float) -> Match:
        scored = self.evaluate(node.a, boost)
        needed = self.evaluate(node.b, boost)
        return Match(scored.bits & needed.bits, scored.parts, exact=False)

    def null(self, node, boost: float) -> Match:
        return Match(0)

    def exact(self, match: Match) -> Match:
        """The match with its score parts zeroed where it does not match (for Or children)."""
        if match.exact:
            return match
        parts = [part._replace(vector=restrict(part.vector, match.bits, self.size)) for part in match.parts]
        return Match(match.bits, parts)


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
    needle = bytes(to_term_bytes(array("I", numbers)))
    term_at = postings.starts.__getitem__
    begins = list(map(add, map(mul, map(term_at, candidates), repeat(TERM_BYTES)), repeat(at)))
    ends = list(map(add, map(mul, map(term_at, map(add, candidates, repeat(1))), repeat(TERM_BYTES)), repeat(at)))
    found = list(map(blob.find, repeat(needle), begins, ends))
    lo = segment.lo
    matched = []
    for index, place, end in compress(zip(candidates, found, ends, strict=True), map((-1).__lt__, found)):
        while place >= 0 and (place - at) % TERM_BYTES:  # a match must start on a term boundary
            place = blob.find(needle, place + 1, end)
        if place >= 0:
            matched.append(lo + index)
    return matched


_HANDLERS: dict[type, Callable[[Evaluator, object, float], Match]] = {
    wq.Term: Evaluator.term,
    wq.Prefix: Evaluator.prefix,
    wq.Phrase: Evaluator.phrase,
    wq.Or: Evaluator.or_,
    wq.And: Evaluator.and_,
    wq.Not: Evaluator.not_,
    wq.AndNot: Evaluator.and_not,
    wq.AndMaybe: Evaluator.and_maybe,
    wq.Require: Evaluator.require,
    type(wq.NullQuery): Evaluator.null,
}
