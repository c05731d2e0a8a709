"""The user's tags and notes in memory: what search, the filter pane and exports read.

A snapshot (`Annotations`) is built from the state database and replaced whole after a
change, so the id sets it derives are computed once per change and can be cached by
identity. Notes are few, so plain words are matched against them with a small Whoosh
index in memory (`NoteIndex`) using the same analysis as the paper index (accents folded,
stop words dropped, stemmed).
"""

from __future__ import annotations

import dataclasses
from collections import ChainMap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from whoosh.filedb.filestore import RamStorage
from whoosh.query import Query

from reader.search.index import ANALYZER, Document, make_schema
from reader.search.query import ParsedQuery
from reader.domain.tags import ANY_TAG, tag_counts, tag_key
from reader.domain.text import fold


@dataclass(frozen=True, eq=False)  # compared by identity: a new snapshot is a change
class Annotations:
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # paper id -> sorted tags
    notes: Mapping[str, str] = field(default_factory=dict)  # paper id -> note

    @classmethod
    def load(cls, state) -> Annotations:
        """Read from a StateStore (on the state thread)."""
        return cls(state.all_tags(), state.all_notes())

    def with_tags(self, paper_id: str, tags: Iterable[str]) -> Annotations:
        changed = dict(self.tags)
        tags = tuple(sorted(tags))
        if tags:
            changed[paper_id] = tags
        else:
            changed.pop(paper_id, None)
        return Annotations(changed, self.notes)

    def with_note(self, paper_id: str, note: str) -> Annotations:
        changed = dict(self.notes)
        if note:
            changed[paper_id] = note
        else:
            changed.pop(paper_id, None)
        return Annotations(self.tags, changed)

    def patched(self, fresh: Annotations, paper_ids: Iterable[str]) -> Annotations:
        """These papers' tags and notes replaced by those in `fresh` (after an undo)."""
        tags, notes = dict(self.tags), dict(self.notes)
        for pid in paper_ids:
            for mine, theirs in ((tags, fresh.tags), (notes, fresh.notes)):
                if pid in theirs:
                    mine[pid] = theirs[pid]  # type: ignore[index]
                else:
                    mine.pop(pid, None)
        return Annotations(tags, notes)

    @cached_property
    def counts(self) -> dict[str, int]:
        """tag -> papers carrying it, most used first."""
        return tag_counts(self.tags)

    @cached_property
    def _by_tag(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for pid, tags in self.tags.items():
            for tag in tags:
                found.setdefault(tag_key(tag), set()).add(pid)
        return {key: frozenset(ids) for key, ids in found.items()}

    @cached_property
    def _tagged_ids(self) -> frozenset[str]:
        return frozenset(pid for pid, tags in self.tags.items() if tags)

    @property
    def tagged(self) -> int:
        """How many papers carry any tag (the filter pane's "Any tag")."""
        return len(self._tagged_ids)

    def ids_with_tag(self, tag: str) -> frozenset[str]:
        """Papers carrying `tag`; `prefix*` matches every tag starting with prefix, so
        `*` (ANY_TAG) matches every tagged paper.

        The same set object is returned for the same tag, so search caches keyed by
        identity keep working between searches."""
        if tag == ANY_TAG:
            return self._tagged_ids
        if tag.endswith("*"):
            prefix = tag_key(tag[:-1])
            sets = [ids for key, ids in self._by_tag.items() if key.startswith(prefix)]
            return frozenset().union(*sets) if sets else frozenset()
        return self._by_tag.get(tag_key(tag), frozenset())

    @cached_property
    def _note_terms(self) -> dict[str, frozenset[str]]:
        return {pid: frozenset(token.text for token in ANALYZER(note)) for pid, note in self.notes.items()}

    def ids_with_note(self, words: str) -> frozenset[str]:
        """Papers whose note holds every word of `words` (same analysis as search); words
        the analysis drops (`the`) are looked for as plain text."""
        terms = {token.text for token in ANALYZER(words)}
        if terms:
            return frozenset(pid for pid, held in self._note_terms.items() if terms <= held)
        wanted = fold(words.strip())
        return frozenset(pid for pid, note in self.notes.items() if wanted and wanted in fold(note))

    def filter_ids(self, tags: Iterable[str], notes: Iterable[str]) -> tuple[frozenset[str] | None, list[str]]:
        """Papers passing every `tag:` and `note:` filter (None: no filter), and notices."""
        chosen: frozenset[str] | None = None
        notices: list[str] = []
        for tag in tags:
            ids = self.ids_with_tag(tag)
            if not ids:
                notices.append(f"no paper is tagged {tag!r}")
            chosen = ids if chosen is None else chosen & ids
        for words in notes:
            ids = self.ids_with_note(words)
            if not ids:
                notices.append(f"no note mentions {words!r}")
            chosen = ids if chosen is None else chosen & ids
        return chosen, notices


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
    scores = ChainMap({pid: top + len(extra) - rank for rank, pid in enumerate(extra)}, scores)
    merged = extra + kept
    return (merged[:limit] if limit else merged), scores


def with_tag(parsed: ParsedQuery, tag: str | None) -> ParsedQuery:
    """The query narrowed to the tag chosen in the filter pane (None: unchanged)."""
    return dataclasses.replace(parsed, tags=parsed.tags + (tag,)) if tag else parsed


def same_annotations(first: Annotations, second: Annotations) -> bool:
    """Equal contents (a poll re-reads them; an equal copy must not redraw the screen)."""
    return first.tags == second.tags and first.notes == second.notes
