"""Papers ranked by likeness to a set of papers (the starred ones, or one tag's), with reasons.

The set's key terms (reader.search.similar.key_terms: the words most of the set shares, weighted
by how rare they are in the library) become one boosted OR query over title and abstract, run
through the engine every search uses (the fast in-memory path when loaded, else Whoosh). A
ranked paper's reasons are the query words that added most to its score: each word is searched
again alone over the ranked papers, so a reason is its exact share of the score. Words are shown
as the set's papers most often wrote them (the stem "diffus" as "diffusion").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from whoosh.query import Or, Query, Term

from reader.domain.cancel import CancelToken
from reader.search.analysis import WORDS, match_spans
from reader.search.engine import FirstAnswer, Scope, search_engine
from reader.search.similar import FIELDS, Papers, key_terms

# More words than for one paper (a set spans a few topics); 20 to 30 rank alike on
# benchmarks/ranking.py, and 20 words (40 term-field leaves) stay in the fast index's leaf cache
# (48) between the ranking's query and the per-word queries for the reasons.
SET_KEY_TERMS = 20
REASONS = 5  # the words the detail pane and `reader rank` show


@dataclass(frozen=True)
class Ranked:
    """One ranked paper: its score and the words that weighed most in it, heaviest first."""

    id: str
    score: float
    because: tuple[str, ...]


@dataclass(frozen=True)
class Weighted:
    """A query word: the analysed term, its weight (the best 1.0), and the word as written."""

    term: str
    weight: float
    word: str


def rank_like(
    library: Papers,
    seeds: Collection[str],
    excluded: frozenset[str] = frozenset(),
    limit: int | None = 200,
    cancel: CancelToken | None = None,
) -> list[Ranked]:
    """The papers most like `seeds`, best first (at most `limit`), none of `seeds` or `excluded`.
    Blocking: call it off the UI thread."""
    words = seed_words(library, seeds)
    if not words:
        return []
    engine = search_engine(library.index, library.fast, library.view().order)
    scope = Scope(excluded=excluded | frozenset(seeds))
    hits = engine.matching(_query(words), scope, limit, cancel)
    ranked = hits.ids[:limit] if limit is not None else hits.ids
    if not ranked:
        return []
    shares = _shares(engine, words, frozenset(ranked), cancel)
    return [Ranked(pid, float(hits.scores[pid]), _heaviest(shares[pid])) for pid in ranked]


def seed_words(library: Papers, seeds: Iterable[str]) -> list[Weighted]:
    """The seeds' key terms with their weights and the words they stand for."""
    papers = [paper for paper in map(library.paper, sorted(seeds)) if paper is not None]
    if not papers:
        return []
    terms = key_terms(library, [(paper.title, paper.abstract) for paper in papers], SET_KEY_TERMS)
    written = written_forms((f"{paper.title}\n{paper.abstract}" for paper in papers), {term for term, _ in terms})
    return [Weighted(term, weight, written.get(term, term)) for term, weight in terms]


def written_forms(texts: Iterable[str], terms: Collection[str]) -> dict[str, str]:
    """Each of `terms` -> the word as the texts most often wrote it (lower case), found by the
    matcher that marks a search's words."""
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for start, end in match_spans(text, terms, ()):
            word = text[start:end]
            seen[WORDS.terms(word)[0]][word.lower()] += 1
    return {term: forms.most_common(1)[0][0] for term, forms in seen.items()}


def _query(words: Sequence[Weighted]) -> Query:
    return Or([Term(field, word.term, boost=word.weight) for word in words for field in FIELDS])


def _shares(
    engine: FirstAnswer, words: Sequence[Weighted], ranked: frozenset[str], cancel: CancelToken | None
) -> dict[str, list[tuple[float, str]]]:
    """Per ranked paper, (share of its score, word) for each query word it has."""
    shares: defaultdict[str, list[tuple[float, str]]] = defaultdict(list)
    for word in words:
        hits = engine.matching(_query([word]), Scope(members=ranked), None, cancel)
        for pid in hits.ids:
            shares[pid].append((float(hits.scores[pid]), word.word))
    return shares


def _heaviest(shares: list[tuple[float, str]]) -> tuple[str, ...]:
    best = sorted(shares, key=lambda share: (-share[0], share[1]))
    return tuple(dict.fromkeys(word for _, word in best))[:REASONS]  # two stems may read as one word
