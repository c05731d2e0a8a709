"""A plan -> the papers it finds, in order: one way through.

1. the plan made ready: a plan parsed without the index parsed again against it (typing),
   fuzzy words turned into the indexed words near them (one bounded plan for both engines);
2. its scope: the digests, tags, notes and metadata filters it names, and its mark filter;
3. without words, every paper in scope in the default order; with words, the engine's
   ranked hits in scope, corrected by the notes' index;
4. with a sort asked for, those papers in its order (reader.library.sorting).

The paging and snippets follow in reader.library.listing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from reader.domain.annotations import Annotations
from reader.domain.cancel import CancelToken
from reader.domain.library_view import LibraryView
from reader.domain.mark_filter import IdSet, MarkFilter
from reader.domain.paper_meta import PaperMeta
from reader.library.sorting import RELEVANCE, effective_sort, needs_counts, sort_ids, title_keys
from reader.search.engine import Scope, search_engine
from reader.search.fastsearch import FastSearch
from reader.search.fuzzy import Vocabulary, expand_fuzzy, has_fuzzy
from reader.search.index import Document, SearchIndex
from reader.search.meta_filter import meta_matches, needs_metadata
from reader.search.notes import NoteIndex, annotation_filter, merge_note_hits
from reader.search.query import ParsedQuery, parse_query


@dataclass(frozen=True)
class SearchResult:
    ids: list[str]
    scores: Mapping[str, float] | None  # None when listing in date order (no full-text query)
    notices: tuple[str, ...] = ()
    sorted_by: str = ""  # the order of `ids` when a sort was asked for (relevance without words: date)


@dataclass(frozen=True)
class Filters:
    """Where a plan may find papers, as sets: `restricted` by the digests, tags and notes it
    names (None: no such filter), and its mark filter."""

    restricted: IdSet | None
    marks: MarkFilter

    def scope(self) -> Scope:
        return Scope(self.marks.narrowed(self.restricted), self.marks.excluded())


class Searcher:
    """Runs plans over one library; keeps what is worth keeping between searches (the
    default order's positions, the notes' index) while the library view stays the same."""

    def __init__(self) -> None:
        self._note_index: tuple[tuple[object, object], NoteIndex] | None = None
        self._positions: tuple[LibraryView, dict[str, int]] | None = None
        self._title_keys: tuple[LibraryView, dict[str, str]] | None = None

    def search(
        self,
        plan: ParsedQuery,
        view: LibraryView,
        index: SearchIndex,
        fast: FastSearch,
        noted_documents: Callable[[Sequence[str]], list[Document]],
        read_ids: frozenset[str] = frozenset(),
        starred_ids: frozenset[str] = frozenset(),
        limit: int | None = None,
        annotations: Annotations | None = None,
        cancel: CancelToken | None = None,
        metadata: Callable[[], Mapping[str, PaperMeta]] = dict,
        sort: str | None = None,
    ) -> SearchResult:
        """See Library.search. `noted_documents(ids)`: the documents of papers with a note;
        `metadata()`: every fetched paper's metadata, asked for only when a filter or the
        sort needs it; `sort`: a key of reader.library.sorting (None: the engine's order)."""
        plan, notices = _ready(plan, index, cancel)
        filters, scope_notices = _filters(plan, view, read_ids, starred_ids, annotations, metadata)
        notices += scope_notices
        order = effective_sort(sort, plan.query is not None) if sort is not None else ""
        if needs_counts(order) and not metadata():
            notices.append(f"no fetched papers: by {order} is the date order (only papers from `reader fetch` "
                           f"have {order})")
        if plan.query is None:
            ids = self._in_order(view, filters)
            if order:
                ids = self._sorted(ids, order, view, metadata, in_date_order=True)
            return SearchResult(ids[:limit] if limit else ids, None, tuple(notices), order)
        reordered = order not in ("", RELEVANCE)
        ids, scores = self._matching(plan, view, index, fast, noted_documents, filters, annotations,
                                     None if reordered else limit, cancel)
        if reordered:  # every hit sorted, then cut: the limit keeps the first in the order asked for
            ids = self._sorted(ids, order, view, metadata)
            ids = ids[:limit] if limit else ids
        return SearchResult(ids, scores, tuple(notices), order)

    def _matching(
        self,
        plan: ParsedQuery,
        view: LibraryView,
        index: SearchIndex,
        fast: FastSearch,
        noted_documents: Callable[[Sequence[str]], list[Document]],
        filters: Filters,
        annotations: Annotations | None,
        limit: int | None,
        cancel: CancelToken | None,
    ) -> tuple[list[str], Mapping[str, float] | None]:
        """The words' hits in scope, ranked; the notes' hits merged in."""
        assert plan.query is not None
        scope = filters.scope()
        hits = search_engine(index, fast, view.order).matching(plan.query, scope, limit, cancel)
        ids, scores = hits.ids, hits.scores
        if annotations is not None and annotations.notes:
            allowed = scope.test()
            note_hits = [
                pid for pid in self._notes(annotations, view, noted_documents).matching(plan.query)
                if allowed is None or allowed(pid)
            ]
            ids, scores = merge_note_hits(ids, scores, annotations.notes, note_hits, limit)
        return ids, scores

    def _sorted(
        self,
        ids: list[str],
        order: str,
        view: LibraryView,
        metadata: Callable[[], Mapping[str, PaperMeta]],
        in_date_order: bool = False,
    ) -> list[str]:
        return sort_ids(ids, order, lambda: self._positions_in(view), metadata, lambda: self._titles_in(view),
                        in_date_order)

    def _positions_in(self, view: LibraryView) -> dict[str, int]:
        """Each paper's place in the default order, kept while the view stays the same."""
        if self._positions is None or self._positions[0] is not view:
            self._positions = (view, {pid: number for number, pid in enumerate(view.order)})
        return self._positions[1]

    def _titles_in(self, view: LibraryView) -> dict[str, str]:
        if self._title_keys is None or self._title_keys[0] is not view:
            self._title_keys = (view, title_keys(view))
        return self._title_keys[1]

    def _in_order(self, view: LibraryView, filters: Filters) -> list[str]:
        """Every paper the filters let through, in the default order. Set operations, not a
        test function per paper: switching views walks all 100,000 ids."""
        restricted = filters.marks.narrowed(filters.restricted)
        ids: Iterable[str] = self._listing(view, restricted)
        if restricted is not None and ids is view.order:
            ids = filter(restricted.__contains__, ids)
        return list(filters.marks.without_refused(ids))

    def _listing(self, view: LibraryView, restricted: IdSet | None) -> Sequence[str]:
        """The papers to list in the default order: a small id set (a tag's papers) is sorted
        by position instead of walking all 100,000."""
        if restricted is None or len(restricted) * 20 > len(view.order):
            return view.order
        positions = self._positions_in(view)
        return sorted((pid for pid in restricted if pid in positions), key=positions.__getitem__)

    def _notes(
        self, annotations: Annotations, view: LibraryView, noted_documents: Callable[[Sequence[str]], list[Document]]
    ) -> NoteIndex:
        """The notes' index, rebuilt only when the notes or the library changed."""
        key = (annotations.notes, view)
        cached = self._note_index
        if cached is None or cached[0][0] is not key[0] or cached[0][1] is not key[1]:
            notes = annotations.notes
            listed = [pid for pid in view.order if pid in notes]  # list order: see NoteIndex
            cached = (key, NoteIndex(noted_documents(listed), annotations.notes))
            self._note_index = cached
        return cached[1]


def _ready(plan: ParsedQuery, index: SearchIndex, cancel: CancelToken | None) -> tuple[ParsedQuery, list[str]]:
    """The plan as the engines run it, and its notices."""
    if plan.typing and not plan.stems_checked:  # parsed without the index (not by Library.plan)
        # Let a half-typed word find the stem it has run past. Only the text's query changes:
        # filters added by the caller (the view's status, the chosen tag) are not in `raw`.
        again = parse_query(plan.raw, index.has_term)
        plan = dataclasses.replace(plan, query=again.query, notices=again.notices)
    notices = list(plan.notices)
    if has_fuzzy(plan.query):  # one bounded plan for both engines: fuzzy words become terms
        assert plan.query is not None
        query, cut = expand_fuzzy(plan.query, index.vocabulary(Vocabulary), cancel)
        plan = dataclasses.replace(plan, query=query)
        notices += cut
    return plan, notices


def _filters(
    plan: ParsedQuery,
    view: LibraryView,
    read_ids: frozenset[str],
    starred_ids: frozenset[str],
    annotations: Annotations | None,
    metadata: Callable[[], Mapping[str, PaperMeta]] = dict,
) -> tuple[Filters, list[str]]:
    """The plan's digests, tags, notes, metadata filters and marks as sets, and a notice per
    filter that matches nothing."""
    notices: list[str] = []
    restricted: IdSet | None = None
    if plan.digests:
        members: set[str] = set()
        for wanted in plan.digests:
            matched = view.match_digests(wanted)
            if not matched:
                notices.append(f"no digest matches {wanted!r}")
            for info in matched:
                members |= view.papers_in_digest.get(info.id, frozenset())
        restricted = members
    if plan.tags or plan.notes:
        chosen, filter_notices = annotation_filter(annotations or Annotations(), plan.tags, plan.notes)
        notices += filter_notices
        if chosen is not None:
            restricted = chosen if restricted is None else restricted & chosen
    if plan.meta:
        known = metadata()
        if not known and needs_metadata(plan.meta):
            names = needs_metadata(plan.meta)
            verb = "matches" if len(names) == 1 else "match"
            notices.append(f"no fetched papers: {', '.join(names)} {verb} only papers from `reader fetch`")
        meta_ids = meta_matches(plan.meta, known, view)
        restricted = meta_ids if restricted is None else restricted & meta_ids
    return Filters(restricted, MarkFilter.of(plan.statuses, read_ids, starred_ids)), notices
