"""The library: digest sources -> de-duplicated papers with their appearances, searchable.

A facade over the digest catalog and its search indexes (kept in step by
reader.library.sync): what the screens and the command line ask of the papers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from reader.domain.annotations import Annotations
from reader.domain.cancel import CancelToken
from reader.domain.document import Document
from reader.domain.library_view import LibraryView
from reader.domain.models import Paper
from reader.domain.paper_meta import PaperMeta
from reader.ingest.catalog import Catalog
from reader.ingest.changes import Progress
from reader.library.search_pipeline import Searcher, SearchResult
from reader.library.sync import IndexedCatalog, SyncReport
from reader.search.fastsearch import FastSearch
from reader.search.index import SearchIndex
from reader.search.meta_filter import PaperMetadata
from reader.search.query import ParsedQuery, parse_query

MIN_ID_PREFIX = 4  # a shorter prefix of an id would match too many papers to be useful

__all__ = ["Library", "SearchResult", "SyncReport"]


class Library:
    """The sources, their catalog and their indexes, kept in step; searched and read."""

    def __init__(self, sources: Sequence[Path], folder: Path) -> None:
        self._kept = IndexedCatalog(sources, folder)
        self._searcher = Searcher()  # the search's caches: see reader.library.search_pipeline
        self._metadata: tuple[LibraryView, PaperMetadata] | None = None

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

    def metadata(self) -> Mapping[str, PaperMeta]:
        """Every fetched paper's metadata, read from the catalog the first time a filter or a
        sort needs it (never at start-up) and kept until a sync gives a new view."""
        view = self.view()
        cached = self._metadata
        if cached is None or cached[0] is not view:
            cached = self._metadata = (view, PaperMetadata(self.catalog.metadata()))
        return cached[1]

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

    def plan(self, text: str) -> ParsedQuery:
        """The search box's text parsed once into the plan `search` runs: parsed against this
        library's index, so a half-typed last word also matches the stems it has run past."""
        return parse_query(text, self.index.has_term)

    def search(
        self,
        parsed: ParsedQuery,
        read_ids: frozenset[str] = frozenset(),
        starred_ids: frozenset[str] = frozenset(),
        limit: int | None = None,
        annotations: Annotations | None = None,
        cancel: CancelToken | None = None,
        sort: str | None = None,
    ) -> SearchResult:
        """Ranked hits for a text query, or every paper in date order; filters applied.

        With `annotations`, tag: and note: filters apply and plain words match notes too.
        With `cancel`, the search stops with SearchCancelled once the token is cancelled.
        With `sort` (reader.library.sorting.SORT_KEYS), the papers come in that order."""
        return self._searcher.search(
            parsed, self.view(), self.index, self.fast, self._noted_documents,
            read_ids, starred_ids, limit, annotations, cancel, self.metadata, sort,
        )

    def _noted_documents(self, ids: Sequence[str]) -> list[Document]:
        return list(self.catalog.read_documents(ids))
