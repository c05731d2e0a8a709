"""Papers similar to a paper: Whoosh's more-like-this over title and abstract.

Like `Searcher.more_like`, the paper's most distinctive words (Whoosh's key terms,
Bo1 model) become a boosted OR query; here it covers both fields, and it runs through
the library's search, so the fast in-memory path answers it when it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.query import Or, Term

from reader.core.library import Library

KEY_TERMS = 12  # words taken from the paper: enough to find its topic, few enough to be fast


@dataclass(frozen=True)
class Similar:
    id: str
    title: str
    score: float


def similar_papers(library: Library, paper_id: str, limit: int = 5) -> list[Similar]:
    """The `limit` papers most like `paper_id`, best first (blocking: off the UI thread)."""
    paper = library.paper(paper_id)
    if paper is None:
        return []
    query = _like_query(library, f"{paper.title}\n{paper.abstract}")
    if query is None:
        return []
    view = library.view()
    found: list[Similar] = []
    for pid, score in _ranked(library, query, limit + 1):
        summary = view.papers.get(pid)
        if pid != paper_id and summary is not None:
            found.append(Similar(pid, summary.title, score))
        if len(found) >= limit:
            break
    return found


def _like_query(library: Library, text: str):
    searcher = library.index.searcher()
    if searcher.doc_count_all() == 0:
        return None
    terms = searcher.key_terms_from_text("abstract", text, numterms=KEY_TERMS, normalize=True)
    if not terms:
        return None
    return Or([Term(field, word, boost=weight) for word, weight in terms for field in ("title", "abstract")])


def _ranked(library: Library, query, limit: int) -> list[tuple[str, float]]:
    view = library.view()
    if library.fast.loaded:
        result = library.fast.search(query, None, view.order, limit)
        if result is not None:
            return [(pid, float(result.scores[pid]) if result.scores else 0.0) for pid in result.ids]
    return [(hit.id, hit.score) for hit in library.index.search(query, None, limit)]
