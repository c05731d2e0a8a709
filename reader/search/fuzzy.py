"""Fuzzy words (`word~`, `word~2`) kept bounded: the edit distance cut, and each fuzzy
word turned into the indexed words near it (so both search engines run the same plan)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.query import FuzzyTerm, Or, Query, Term

from reader.domain.cancel import CancelToken, check

# Fuzzy words (`word~`, `word~2`) allow at most this many edits: at 9 a short word is near
# every indexed word and one search took minutes.
MAX_EDIT_DISTANCE = 2
# One query's fuzzy words together expand to at most this many indexed words, and at most
# MAX_FUZZY_WORDS of them are looked up; the others match only the word as typed.
MAX_FUZZY_TERMS = 64
MAX_FUZZY_WORDS = 12


def bounded_distance(query: Query, notices: list[str]) -> Query:
    """Every fuzzy word's edit distance cut to MAX_EDIT_DISTANCE, with a notice per word cut."""
    cut: dict[str, int] = {}

    def bound(node: Query) -> Query:
        if isinstance(node, FuzzyTerm) and node.maxdist > MAX_EDIT_DISTANCE:
            cut.setdefault(str(node.text), node.maxdist)
            node = node.copy()  # accept() shares the leaves with the parsed tree
            node.maxdist = MAX_EDIT_DISTANCE
        return node

    bounded = query.accept(bound)
    for text, asked in cut.items():
        notices.append(
            f"fuzzy words allow at most {MAX_EDIT_DISTANCE} edits: "
            f"{text}~{asked} searched as {text}~{MAX_EDIT_DISTANCE}"
        )
    return bounded


class Vocabulary:
    """Every indexed word, grouped by length for fuzzy look-ups (one per state of the index)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._by_length: dict[int, list[str]] = {}
        for term in terms:
            self._by_length.setdefault(len(term), []).append(term)
        self._found: dict[tuple[str, int, int], list[str]] = {}  # typing repeats the same look-ups

    def similar(self, text: str, maxdist: int, prefixlength: int = 0) -> list[str]:
        """Indexed words within `maxdist` edits of `text` (insert, delete, substitute or swap
        two neighbours) that share its first `prefixlength` characters; closest first."""
        key = (text, maxdist, prefixlength)
        found = self._found.get(key)
        if found is None:
            found = self._scan(text, min(maxdist, MAX_EDIT_DISTANCE), prefixlength)
            if len(self._found) >= 1024:
                self._found.clear()
            self._found[key] = found
        return found

    def _scan(self, text: str, maxdist: int, prefixlength: int) -> list[str]:
        chars, prefix = set(text), text[:prefixlength]
        near: list[tuple[int, str]] = []
        for length in range(max(1, len(text) - maxdist), len(text) + maxdist + 1):
            # Each edit brings in at most one letter the word lacks: a cheap test in C first.
            candidates = [
                term for term in self._by_length.get(length, ())
                if len(chars.symmetric_difference(term)) <= 2 * maxdist and term.startswith(prefix)
            ]
            for term in candidates:
                distance = edit_distance(text, term, maxdist)
                if distance <= maxdist:
                    near.append((distance, term))
        return [term for _, term in sorted(near)]


def edit_distance(first: str, second: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from one word to the other,
    or limit + 1 as soon as it is sure to be more than `limit`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(second) + 1))
    for i, letter in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, other in enumerate(second, start=1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != other))
            if i > 1 and j > 1 and letter == second[j - 2] and first[i - 2] == other:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def expand_fuzzy(query: Query, vocabulary: Vocabulary, cancel: CancelToken | None = None) -> tuple[Query, list[str]]:
    """The query with each fuzzy word replaced by the indexed words near it, as plain terms
    (so both search engines run the same bounded plan), and the notices of what was cut.

    The whole query shares one budget: MAX_FUZZY_TERMS similar words from MAX_FUZZY_WORDS
    fuzzy words at most; beyond it a fuzzy word matches only itself.
    """
    budget = MAX_FUZZY_TERMS
    words: dict[tuple[str, int, int], list[str]] = {}  # per fuzzy word: title and abstract share it
    limited = False

    def expand(node: Query) -> Query:
        nonlocal budget, limited
        if not isinstance(node, FuzzyTerm):
            return node
        text = str(node.text)
        key = (text, int(node.maxdist), int(node.prefixlength))
        near = words.get(key)
        if near is None:
            check(cancel)
            looked_up = len(words) < MAX_FUZZY_WORDS and budget > 0
            near = [word for word in vocabulary.similar(*key) if word != text] if looked_up else []
            limited = limited or not looked_up or len(near) > budget
            near = near[: max(budget, 0)]
            budget -= len(near)
            words[key] = near
        terms = [Term(node.fieldname, word, boost=node.boost) for word in [text, *near]]
        return terms[0] if len(terms) == 1 else Or(terms)

    expanded = query.accept(expand)
    notices = []
    if limited:
        notices.append(
            f"fuzzy words matched at most {MAX_FUZZY_TERMS} similar words in all "
            f"(from {MAX_FUZZY_WORDS} fuzzy words at most); the others matched only as typed"
        )
    return expanded, notices


def has_fuzzy(query: Query | None) -> bool:
    return query is not None and any(isinstance(part, FuzzyTerm) for part in leaves(query))


def leaves(query: Query) -> Iterator[Query]:
    """The words, prefixes and phrases of a Whoosh query tree."""
    if query.is_leaf():
        yield query
        return
    for child in query.children():
        yield from leaves(child)
