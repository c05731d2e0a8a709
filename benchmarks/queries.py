"""The fixed query sets of the benchmark, drawn deterministically from the seed vocabulary.

Words are sampled by occurrence from the seed abstract sentences (the same sentences the
synthetic corpus recombines), so common words come up as often as users type them and
every query has hits on a corpus of a few thousand papers or more. The sets depend only on
the seed digests and `SEED`, never on the corpus size, so runs at different sizes compare.

Kinds (each a list of the exact texts the search box holds when the search runs):

- ``one_word``: ``model``
- ``two_words``: two words of one sentence: ``sparse attention``
- ``phrase``: two adjacent words of one sentence, quoted: ``"language models"``
- ``prefix``: a word typed letter by letter, every step its own query: ``q``, ``qu``, ``qua``...
- ``filter``: a word and a status filter: ``model is:unread``
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import STOP_WORDS

from benchmarks.synthetic import seed_material

KINDS = ("one_word", "two_words", "phrase", "prefix", "filter")
SEED = 20251231
PER_KIND = 100
FILTER = "is:unread"
# Words users search for: plain lowercase words of 4+ letters, not function words.
_WORD = re.compile(r"[a-z]{4,}")
# Whoosh's stop list is short; these are indexed but nobody searches for them.
_FUNCTION_WORDS = frozenset(
    "also been both does each even from have into its more most much must only other over same "
    "such than them then there these they their those though through thus very were what when "
    "where which while whose with within without would could should upon often well".split()
)
_TOKEN = re.compile(r"\w+")
_PREFIX_WORD_LENGTH = range(6, 13)


@dataclass(frozen=True)
class QuerySets:
    """Query texts per kind, in the order they run."""

    by_kind: dict[str, tuple[str, ...]]

    def limited(self, per_kind: int) -> QuerySets:
        """The first `per_kind` queries of each kind (prefix: the first steps typed)."""
        return QuerySets({kind: texts[:per_kind] for kind, texts in self.by_kind.items()})


def _is_search_word(token: str) -> bool:
    return bool(_WORD.fullmatch(token)) and token not in STOP_WORDS and token not in _FUNCTION_WORDS


@lru_cache(maxsize=1)
def _sentence_words() -> tuple[tuple[str, ...], ...]:
    """Each seed sentence as its lowercase tokens, in order."""
    _, sentences = seed_material()
    return tuple(tuple(token.lower() for token in _TOKEN.findall(sentence)) for sentence in sentences)


def _word_occurrences() -> list[str]:
    return [token for words in _sentence_words() for token in words if _is_search_word(token)]


def _one_words(rng: random.Random, count: int) -> list[str]:
    occurrences = _word_occurrences()
    return [rng.choice(occurrences) for _ in range(count)]


def _two_words(rng: random.Random, count: int) -> list[str]:
    """Two different search words from one sentence, so the AND has hits."""
    sentences = [words for words in _sentence_words() if len({w for w in words if _is_search_word(w)}) >= 2]
    queries = []
    while len(queries) < count:
        candidates = sorted({w for w in rng.choice(sentences) if _is_search_word(w)})
        first, second = rng.sample(candidates, 2)
        queries.append(f"{first} {second}")
    return queries


def _adjacent_pairs() -> list[tuple[str, str]]:
    # Both words must be search words: a stop word inside a phrase is dropped by the analyzer.
    return [
        (first, second)
        for words in _sentence_words()
        for first, second in zip(words, words[1:], strict=False)
        if _is_search_word(first) and _is_search_word(second)
    ]


def _phrases(rng: random.Random, count: int) -> list[str]:
    pairs = _adjacent_pairs()
    return [f'"{first} {second}"' for first, second in (rng.choice(pairs) for _ in range(count))]


def _typing_steps(word: str) -> Iterator[str]:
    for end in range(1, len(word) + 1):
        yield word[:end]


def _prefix_steps(rng: random.Random, count: int) -> list[str]:
    """Whole words typed letter by letter until at least `count` steps."""
    longer = [w for w in _word_occurrences() if len(w) in _PREFIX_WORD_LENGTH]
    steps: list[str] = []
    while len(steps) < count:
        steps.extend(_typing_steps(rng.choice(longer)))
    return steps


def _filtered(rng: random.Random, count: int) -> list[str]:
    return [f"{word} {FILTER}" for word in _one_words(rng, count)]


@lru_cache(maxsize=4)
def query_sets(per_kind: int = PER_KIND) -> QuerySets:
    """The benchmark's queries: `per_kind` of each kind (prefix: at least that many steps)."""
    builders = {
        "one_word": _one_words,
        "two_words": _two_words,
        "phrase": _phrases,
        "prefix": _prefix_steps,
        "filter": _filtered,
    }
    # One generator per kind, so changing one kind's recipe leaves the others as they were.
    return QuerySets(
        {kind: tuple(build(random.Random(f"{SEED}:{kind}"), per_kind)) for kind, build in builders.items()}
    )


if __name__ == "__main__":
    for kind, texts in query_sets().by_kind.items():
        print(f"{kind} ({len(texts)}): {', '.join(texts[:12])} ...")
