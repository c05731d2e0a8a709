"""The library: digest sources -> de-duplicated papers with their appearances, searchable.

A facade over the digest catalog and its search indexes (kept in step by
reader.library.sync): what the screens and the command line ask of the papers.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.domain.annotations import Annotations
from reader.domain.cancel import CancelToken
from reader.domain.library_view import LibraryView
from reader.domain.models import Paper
from reader.ingest.catalog import Catalog
from reader.ingest.changes import Progress
from reader.library.sync import IndexedCatalog, SyncReport
from reader.search.fastsearch import FastSearch
from reader.search.index import SearchIndex
from reader.search.notes import NoteIndex, annotation_filter, merge_note_hits
from reader.search.query import ParsedQuery, Vocabulary, expand_fuzzy, has_fuzzy, parse_query

MIN_ID_PREFIX = 4  # a shorter prefix of an id would match too many papers to be useful

__all__ = ["Library", "SearchResult", "SyncReport"]


@dataclass(frozen=True)
class SearchResult:
    ids: list[str]
    scores: dict[str, float] | None  # None when listing in date order (no full-text query)
    notices: tuple[str, ...] = ()


class Library:
    """The sources, their catalog and their indexes, kept in step; searched and read."""

    def __init__(self, sources: Sequence[Path], folder: Path) -> None:
        self._kept = IndexedCatalog(sources, folder)
        self._note_index_cache: tuple[tuple[object, object], NoteIndex] | None = None
        self._positions: tuple[LibraryView, dict[str, int]] | None = None  # for `_listing`

    @property
    def sources(self) -> list[Path]:
        return self._kept.sources

    @property
    def folder(self) -> Path:
        return self._kept.folder

    @property
    def catalog(self) -> Catalog:
        return self._kept.catalog  # a new one after a damaged catalog was moved aside

    @property
    def index(self) -> SearchIndex:
        return self._kept.index

    @property
    def fast(self) -> FastSearch:
        return self._kept.fast

    def close(self) -> None:
        self._kept.close()

    def sync(self, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Bring the catalog and the indexes up to date with the digest files."""
        return self._kept.sync(progress, rebuild)

    # -- reading -------------------------------------------------------------------------

    def view(self) -> LibraryView:
        return self._kept.view()

    def paper(self, pid: str) -> Paper | None:
        return self.catalog.paper(pid)

    def abstracts(self, ids: Sequence[str]) -> dict[str, str]:
        return self.catalog.abstracts(ids)

    def renamed_ids(self) -> list[tuple[str, str, bool]]:
        """Papers whose id changed when their digest was read again (a new text clean-up keys
        their title differently): (old id, new id, whether a digest still lists the old id),
        oldest first. Kept for good: the user's marks follow them (reader.library.renamed_ids)."""
        return self.catalog.renamed_ids()

    def resolve_id(self, text: str) -> str:
        """A full id or a unique prefix of one; raises KeyError with a readable reason."""
        text = text.strip().lower()
        if len(text) < MIN_ID_PREFIX:
            raise KeyError(f"id {text!r} is too short: give at least {MIN_ID_PREFIX} characters of the paper's id")
        matches = self.catalog.ids_with_prefix(text)
        if len(matches) == 1 or text in matches:
            return text if text in matches else matches[0]
        if not matches:
            raise KeyError(f"no paper with id {text!r}")
        raise KeyError(f"id {text!r} is ambiguous; give more characters")

    def search(
        self,
        parsed: ParsedQuery,
        read_ids: frozenset[str] = frozenset(),
        starred_ids: frozenset[str] = frozenset(),
        limit: int | None = None,
        annotations: Annotations | None = None,
        cancel: CancelToken | None = None,
    ) -> SearchResult:
        """Ranked hits for a text query, or every paper in date order; filters applied.

        With `annotations`, tag: and note: filters apply and plain words match notes too.
        With `cancel`, the search stops with SearchCancelled once the token is cancelled."""
        view = self.view()
        if parsed.typing:  # let a half-typed word find the stem it has run past
            # Only the text's query changes: filters added by the caller (the view's status,
            # the chosen tag) are not in `raw` and must stay.
            again = parse_query(parsed.raw, self.index.has_term)
            parsed = dataclasses.replace(parsed, query=again.query, notices=again.notices)
        notices = list(parsed.notices)
        if has_fuzzy(parsed.query):  # one bounded plan for both engines: fuzzy words become terms
            query, cut = expand_fuzzy(parsed.query, self.index.vocabulary(Vocabulary), cancel)
            parsed = dataclasses.replace(parsed, query=query)
            notices += cut
        allowed = _status_filter(parsed.statuses, read_ids, starred_ids)
        members: set[str] = set()
        if parsed.digests:
            for wanted in parsed.digests:
                matched = view.match_digests(wanted)
                if not matched:
                    notices.append(f"no digest matches {wanted!r}")
                for info in matched:
                    members |= view.papers_in_digest.get(info.id, frozenset())
            allowed = _both(allowed, members.__contains__)
        restricted: set[str] | frozenset[str] | None = members if parsed.digests else None
        if parsed.tags or parsed.notes:
            chosen, filter_notices = annotation_filter(annotations or Annotations(), parsed.tags, parsed.notes)
            notices += filter_notices
            restricted = chosen if restricted is None else restricted & chosen
            allowed = _both(allowed, restricted.__contains__)
        if parsed.query is None:
            ids = self._in_order(view, restricted, parsed.statuses, read_ids, starred_ids)
            return SearchResult(ids[:limit] if limit else ids, None, tuple(notices))
        fast = self._fast_search(parsed, view, restricted, read_ids, starred_ids, limit, cancel)
        if fast is not None:
            ids, scores = fast.ids, fast.scores
        else:
            hits = self.index.search(parsed.query, allowed, limit, cancel.check if cancel else None)
            ids, scores = [hit.id for hit in hits], {hit.id: hit.score for hit in hits}
        if annotations is not None and annotations.notes:
            note_hits = [
                pid for pid in self._note_index(annotations, view).matching(parsed.query)
                if allowed is None or allowed(pid)
            ]
            ids, scores = merge_note_hits(ids, scores, annotations.notes, note_hits, limit)
        return SearchResult(ids, scores, tuple(notices))

    def _in_order(
        self,
        view: LibraryView,
        restricted: set[str] | frozenset[str] | None,
        statuses: Sequence[str],
        read_ids: frozenset[str],
        starred_ids: frozenset[str],
    ) -> list[str]:
        """Every paper the filters let through, in the default order. Set operations, not a
        test function per paper: switching views walks all 100,000 ids."""
        kept = {"read": read_ids, "starred": starred_ids}
        dropped = {"unread": read_ids, "unstarred": starred_ids}
        for status in statuses:
            if status in kept:
                restricted = kept[status] if restricted is None else restricted & kept[status]
        ids: Iterable[str] = self._listing(view, restricted)
        if restricted is not None and ids is view.order:
            ids = filter(restricted.__contains__, ids)
        for status in dict.fromkeys(statuses):
            if status in dropped:
                ids = itertools.filterfalse(dropped[status].__contains__, ids)
        return list(ids)

    def _listing(self, view: LibraryView, restricted: set[str] | frozenset[str] | None) -> Sequence[str]:
        """The papers to list in the default order: a small id set (a tag's papers) is sorted
        by position instead of walking all 100,000."""
        if restricted is None or len(restricted) * 20 > len(view.order):
            return view.order
        if self._positions is None or self._positions[0] is not view:
            self._positions = (view, {pid: number for number, pid in enumerate(view.order)})
        positions = self._positions[1]
        return sorted((pid for pid in restricted if pid in positions), key=positions.__getitem__)

    def _note_index(self, annotations: Annotations, view: LibraryView) -> NoteIndex:
        """The notes' index, rebuilt only when the notes or the library changed."""
        key = (annotations.notes, view)
        cached = self._note_index_cache
        if cached is None or cached[0][0] is not key[0] or cached[0][1] is not key[1]:
            notes = annotations.notes
            listed = [pid for pid in view.order if pid in notes]  # list order: see NoteIndex
            documents = self.catalog.read_documents(listed)
            cached = (key, NoteIndex(documents, annotations.notes))
            self._note_index_cache = cached
        return cached[1]


    def _fast_search(self, parsed, view, members, read_ids, starred_ids, limit, cancel=None):
        """The fast path, or None when it cannot answer (not loaded, or a query shape it lacks).

        The marks sets are passed as they are: the fast index caches a bitset per set object.
        """
        if not self.fast.loaded:
            return None
        allowed: frozenset[str] | set[str] | None = members
        excluded: frozenset[str] = frozenset()
        for status in parsed.statuses:
            chosen = read_ids if status in ("read", "unread") else starred_ids
            if status in ("read", "starred"):
                allowed = chosen if allowed is None else allowed & chosen
            else:
                excluded = chosen if not excluded else excluded | chosen
        return self.fast.search(
            parsed.query, allowed, view.order, limit, excluded=excluded, cancel=cancel.check if cancel else None
        )


def _status_filter(statuses: Sequence[str], read_ids: frozenset[str], starred_ids: frozenset[str]):
    checks = {
        "read": read_ids.__contains__,
        "unread": lambda pid: pid not in read_ids,
        "starred": starred_ids.__contains__,
        "unstarred": lambda pid: pid not in starred_ids,
    }
    combined = None
    for status in statuses:
        combined = _both(combined, checks[status])
    return combined


def _both(first, second):
    if first is None:
        return second
    return lambda pid: first(pid) and second(pid)
