"""Papers similar to a paper: Whoosh's more-like-this over title and abstract.

As in `Searcher.more_like`, the paper's most distinctive words (its key terms) become a
boosted OR query over title and abstract, run through the search engine the library uses (so
the fast in-memory path answers it when loaded). The key terms are weighted tf * idf from the fast
index's document frequencies (microseconds); without it, Whoosh's own `key_terms_from_text`
(Bo1 model) picks them, which reads each term's frequency from disk (~0.2 ms a term).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from math import log
from typing import Protocol

from whoosh.query import Or, Query, Term

from reader.domain.library_view import LibraryView
from reader.domain.models import Paper
from reader.search.analysis import WORDS
from reader.search.engine import Scope, search_engine
from reader.search.fastsearch import FastSearch, field_boosts
from reader.search.index import ANALYZER, SearchIndex

KEY_TERMS = 12  # words taken from the paper: enough to find its topic, few enough to be fast
FIELDS = ("title", "abstract")
EXCLUDED_ROOM = 20  # extra hits asked for, so excluded papers still leave `limit` to show


class Papers(Protocol):
    """What the similar papers are found in (a Library): its papers, its two indexes."""

    @property
    def index(self) -> SearchIndex: ...

    @property
    def fast(self) -> FastSearch: ...

    def paper(self, pid: str) -> Paper | None: ...

    def view(self) -> LibraryView: ...


@dataclass(frozen=True)
class Similar:
    id: str
    title: str
    score: float


def similar_papers(
    library: Papers, paper_id: str, limit: int = 5, excluded: Container[str] = frozenset()
) -> list[Similar]:
    """The `limit` papers most like `paper_id`, best first, none of `excluded` (e.g. muted
    papers). Blocking: call it off the UI thread."""
    paper = library.paper(paper_id)
    if paper is None:
        return []
    terms = key_terms(library, f"{paper.title}\n{paper.abstract}")
    if not terms:
        return []
    query = Or([Term(field, word, boost=weight) for word, weight in terms for field in FIELDS])
    view = library.view()
    found: list[Similar] = []
    for pid, score in _ranked(library, query, limit + 1 + EXCLUDED_ROOM):
        summary = view.papers.get(pid)
        if pid != paper_id and summary is not None and pid not in excluded:
            found.append(Similar(pid, summary.title, score))
        if len(found) >= limit:
            break
    return found


def key_terms(
    library: Papers, text: str | Sequence[tuple[str, str]], count: int = KEY_TERMS
) -> list[tuple[str, float]]:
    """The text's `count` most distinctive analysed terms with weights (the best is 1.0).

    A set of papers ((title, abstract) pairs, e.g. the starred ones) counts a term once per
    paper that has it (twice in its title, as the index boosts titles), then squares the count:
    the words most of the set shares, not those one long abstract repeats or one paper alone
    has. On benchmarks/ranking.py (5 starred papers) precision@10 went from 0.41 (a plain
    count) to 0.62 (squared) to 0.85 (titles counted as the index weighs them)."""
    power = 1
    frequencies: Mapping[str, float]
    if isinstance(text, str):
        frequencies = Counter(token.text for token in ANALYZER(text))
    else:
        frequencies, power = _set_frequencies(text), 2
        text = "\n".join(f"{title}\n{abstract}" for title, abstract in text)
    total = library.fast.doc_count()
    known = library.fast.document_frequencies("abstract", frequencies) if total else None
    if known is None:
        return _whoosh_key_terms(library, text, count)
    weights = {
        term: tf**power * log(total / df)
        for term, tf in frequencies.items()
        if (df := known[term]) > 1 and len(term) > 1  # a word only this paper has finds nothing
    }
    best = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:count]
    top = best[0][1] if best else 0.0
    return [(term, weight / top) for term, weight in best] if top > 0 else []


def _set_frequencies(papers: Sequence[tuple[str, str]]) -> dict[str, float]:
    title_weight = field_boosts()["title"]
    frequencies: defaultdict[str, float] = defaultdict(float)
    for title, abstract in papers:
        in_title = set(WORDS.terms(title))  # as ANALYZER, with its terms cached per word
        for term in in_title.union(WORDS.terms(abstract)):
            frequencies[term] += title_weight if term in in_title else 1.0
    return frequencies


def _whoosh_key_terms(library: Papers, text: str, count: int) -> list[tuple[str, float]]:
    searcher = library.index.searcher()
    if searcher.doc_count_all() == 0:
        return []
    return list(searcher.key_terms_from_text("abstract", text, numterms=count, normalize=True))


def _ranked(library: Papers, query: Query, limit: int) -> list[tuple[str, float]]:
    hits = search_engine(library.index, library.fast, library.view().order).matching(query, Scope(), limit)
    return [(pid, float(hits.scores[pid])) for pid in hits.ids]
