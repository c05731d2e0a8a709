"""What the paper list shows for a query, as the search worker computes it off the UI thread:
the ids in order, the facet counts (hits per view and per digest) and the snippets of the
rows the list opens on.

With a text query the search runs once without the view's status filter: the hit set gives
every view's count, and the view is then applied to it in Python (cheap next to the search).
Without text nothing is faceted and the view filter goes into the search as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reader.core.facets import Facets, facet_counts, in_view
from reader.core.library import Library, LibraryView, SearchResult
from reader.core.query import ParsedQuery, parse_query
from reader.core.snippets import Snippet, SnippetCache, make_snippets
from reader.core.triage import Highlight, View, with_view, within


@dataclass(frozen=True)
class Listing:
    parsed: ParsedQuery
    result: SearchResult
    ids: list[str]
    facets: Facets | None = None  # only with a text query
    highlight: Highlight = Highlight()
    snippets: dict[str, Snippet] = field(default_factory=dict)

    @property
    def with_snippets(self) -> bool:
        return self.parsed.has_text


def list_papers(
    library: Library,
    view_of_library: LibraryView,
    text: str,
    view: View,
    digest_id: int | None,
    read: frozenset[str],
    starred: frozenset[str],
    keep: str | None = None,
    rows_shown: int = 0,
    cache: SnippetCache | None = None,
) -> Listing:
    """The list for `text` in `view` and digest `digest_id`, with snippets for the `rows_shown`
    rows the list opens on (around `keep`, the paper the cursor stays on); those in `cache`
    (only read here) are not computed again."""
    members = view_of_library.papers_in_digest.get(digest_id) if digest_id is not None else None
    parsed = parse_query(text)
    if not parsed.has_text:
        parsed = with_view(parsed, view)
        result = library.search(parsed, read, starred)
        return Listing(parsed, result, within(result.ids, members))
    result = library.search(parsed, read, starred)
    hit_set = frozenset(result.ids)
    facets = facet_counts(hit_set, view, members, view_of_library.papers_in_digest, read, starred)
    ids = _narrowed(result.ids, hit_set, view, members, read, starred)
    highlight = Highlight.of(parsed)
    page = opening_page(ids, keep, rows_shown)
    known = cache.for_ids(page, highlight) if cache is not None else {}
    missing = [pid for pid in page if pid not in known]
    snippets = known | (make_snippets(library.abstracts(missing), highlight) if missing else {})
    return Listing(parsed, result, ids, facets, highlight, snippets)


def _narrowed(ids: list[str], hit_set: frozenset[str], view: View, members: frozenset[str] | None,
              read: frozenset[str], starred: frozenset[str]) -> list[str]:
    if view is View.ALL and members is None:
        return ids
    kept = in_view(hit_set, view, read, starred)
    if members is not None:
        kept = kept & members
    return [pid for pid in ids if pid in kept]


def opening_page(ids: Sequence[str], keep: str | None, rows: int) -> list[str]:
    """The rows on screen right after the list is shown: the top, or the page that ends at
    `keep` when the cursor stays on it further down."""
    if rows <= 0:
        return []
    index = 0
    if keep is not None:
        try:
            index = ids.index(keep)
        except ValueError:
            index = 0
    start = max(0, index - rows + 1)
    return list(ids[start : start + rows])
