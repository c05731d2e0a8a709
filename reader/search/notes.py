"""Plain words matched against the user's notes, with a small Whoosh index in memory that
uses the same analysis as the paper index (accents folded, stop words dropped, stemmed)."""

from __future__ import annotations

import dataclasses
import weakref
from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping
from typing import cast

from whoosh.filedb.filestore import RamStorage
from whoosh.query import Query

from reader.domain.annotations import Annotations
from reader.domain.text import fold
from reader.search.index import ANALYZER, Document, make_schema
from reader.search.query import ParsedQuery


class NoteIndex:
    """A Whoosh index in memory over the papers that have a note: title, and abstract plus
    note, so a query is judged on everything the user can read about the paper.

    Give the documents in list order: matches come back in that order. Only which papers
    match is asked (no scoring), so a common word over hundreds of notes stays cheap."""

    def __init__(self, documents: Iterable[Document], notes: Mapping[str, str]) -> None:
        ix = RamStorage().create_index(make_schema())
        writer = ix.writer()
        self.ids: list[str] = []
        for document in documents:
            note = notes.get(document.id)
            if note:
                writer.add_document(id=document.id, title=document.title, abstract=f"{document.abstract}\n{note}")
                self.ids.append(document.id)
        writer.commit()
        self.searcher = ix.searcher()  # never changes: the index is written once

    def matching(self, query: Query) -> list[str]:
        """The noted papers the query matches, in the order the documents were given."""
        return [self.ids[docnum] for docnum in self.searcher.docs_for_query(query)]


def merge_note_hits(
    ids: list[str],
    scores: Mapping[str, float] | None,
    noted: Iterable[str],
    note_hits: Iterable[str],
    limit: int | None = None,
) -> tuple[list[str], Mapping[str, float]]:
    """Index hits corrected by the note index.

    For a paper with a note the note index decides (it also read the note), so a paper
    whose note alone matches is added, and one whose note contradicts the query (`NOT x`)
    is dropped. Papers found only through their note come first, in the order given
    (list order): the user wrote those words. Everything else keeps the index's order.
    """
    noted, hits = set(noted), list(note_hits)
    matched = set(hits)
    scores = scores if scores is not None else {}
    kept = [pid for pid in ids if pid not in noted or pid in matched]
    present = set(kept)
    extra = [pid for pid in hits if pid not in present]
    if not extra:
        return (kept[:limit] if limit else kept), scores
    top = scores.get(ids[0], 0.0) if ids else 0.0  # hits come best first
    # The index's scores may be computed lazily for 100,000 hits: layered, never copied.
    # (ChainMap only reads the maps after the first: a read-only mapping does.)
    lazy = cast(MutableMapping[str, float], scores)
    scores = ChainMap({pid: top + len(extra) - rank for rank, pid in enumerate(extra)}, lazy)
    merged = extra + kept
    return (merged[:limit] if limit else merged), scores


def with_tag(parsed: ParsedQuery, tag: str | None) -> ParsedQuery:
    """The query narrowed to the tag chosen in the filter pane (None: unchanged)."""
    return dataclasses.replace(parsed, tags=parsed.tags + (tag,)) if tag else parsed


# Each snapshot's analysed notes, kept while the snapshot lives (a new snapshot is a change).
_NOTE_TERMS: weakref.WeakKeyDictionary[Annotations, dict[str, frozenset[str]]] = weakref.WeakKeyDictionary()


def _note_terms(annotations: Annotations) -> dict[str, frozenset[str]]:
    terms = _NOTE_TERMS.get(annotations)
    if terms is None:
        terms = {pid: frozenset(token.text for token in ANALYZER(note)) for pid, note in annotations.notes.items()}
        _NOTE_TERMS[annotations] = terms
    return terms


def ids_with_note(annotations: Annotations, words: str) -> frozenset[str]:
    """Papers whose note holds every word of `words` (same analysis as search); words
    the analysis drops (`the`) are looked for as plain text."""
    terms = {token.text for token in ANALYZER(words)}
    if terms:
        return frozenset(pid for pid, held in _note_terms(annotations).items() if terms <= held)
    wanted = fold(words.strip())
    return frozenset(pid for pid, note in annotations.notes.items() if wanted and wanted in fold(note))


def annotation_filter(
    annotations: Annotations, tags: Iterable[str], notes: Iterable[str]
) -> tuple[frozenset[str] | None, list[str]]:
    """Papers passing every `tag:` and `note:` filter (None: no filter), and notices."""
    chosen: frozenset[str] | None = None
    notices: list[str] = []
    for tag in tags:
        ids = annotations.ids_with_tag(tag)
        if not ids:
            notices.append(f"no paper is tagged {tag!r}")
        chosen = ids if chosen is None else chosen & ids
    for words in notes:
        ids = ids_with_note(annotations, words)
        if not ids:
            notices.append(f"no note mentions {words!r}")
        chosen = ids if chosen is None else chosen & ids
    return chosen, notices
