"""Rising terms: the words whose share of papers grew most in one period against an earlier one.

A term's share is the fraction of a period's papers whose title or abstract has it (its
document frequency over the papers), with the index's one analysis (reader.search.analysis),
so a rising word searched finds the papers it was counted in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reader.search.analysis import WORDS, match_spans

MIN_PAPERS = 3  # a word in fewer of this week's papers is too rare to call a trend
MIN_LENGTH = 3  # shorter terms are mostly symbols and abbreviations of nothing


@dataclass(frozen=True)
class RisingTerm:
    word: str  # as the user reads it: the commonest spelling of the term in this week's papers
    term: str  # the analysed (stemmed) term
    papers: int  # this week's papers with the term
    share: float  # of this week's papers
    share_before: float  # of the earlier period's papers
    growth: float  # this share over the share before (that counted as at least MIN_PAPERS papers' worth)


def document_frequencies(texts: Iterable[str]) -> Counter[str]:
    """term -> how many of the texts have it."""
    found: Counter[str] = Counter()
    terms = WORDS.terms
    for text in texts:
        found.update(set(terms(text)))
    return found


def rising_terms(
    week: Sequence[str], before: Sequence[str], limit: int = 10, min_papers: int = MIN_PAPERS
) -> list[RisingTerm]:
    """The `limit` terms of `week`'s texts whose share grew most against `before`'s, most
    risen first; only terms in at least `min_papers` of this week's texts. The share before
    counts as at least `min_papers` papers' worth, so a word new this week rises as far as a
    word that was just too rare to count, not infinitely. Nothing rises without a before."""
    if not week or not before:
        return []
    now, then = document_frequencies(week), document_frequencies(before)
    n_now, n_then = len(week), len(before)
    floor = min_papers / n_then
    ranked = []
    for term, papers in now.items():
        if papers < min_papers or not _word_like(term):
            continue
        share, share_before = papers / n_now, then.get(term, 0) / n_then
        if share <= share_before:
            continue
        growth = share / max(share_before, floor)
        ranked.append((term, papers, share, share_before, growth))
    ranked.sort(key=lambda item: (-item[4], -item[1], item[0]))
    top = ranked[:limit]
    words = spellings(week, [item[0] for item in top])
    return [RisingTerm(words.get(term, term), term, papers, share, before_, growth)
            for term, papers, share, before_, growth in top]


def spellings(texts: Iterable[str], terms: Sequence[str]) -> dict[str, str]:
    """term -> the commonest way the texts write it (lower case): "model" reads "models"."""
    wanted = frozenset(terms)
    if not wanted:
        return {}
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        for start, end in match_spans(text, wanted, ()):
            word = text[start:end].lower()
            for term in WORDS.terms(word)[:1]:
                seen.setdefault(term, Counter())[word] += 1
    return {term: min(words.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
            for term, words in seen.items()}


def _word_like(term: str) -> bool:
    """A word worth naming and safe to search as typed: letters in it, and no `*` (a search
    would read it as a wildcard)."""
    return len(term) >= MIN_LENGTH and any(char.isalpha() for char in term) and "*" not in term
