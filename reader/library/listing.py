"""What the paper list shows for a query, as the search worker computes it off the UI thread,
in two steps so the rows never wait for the counts:

1. `list_papers`: the text parsed once into a plan (`Library.plan`), the view's status
   filter and the chosen tag added to it, the plan searched (reader.library.search_pipeline:
   scope, engine, ranking), the ids narrowed to the digest, then the page the list opens on
   and its snippets;
2. `count_facets`: with a text query, how many of its hits each view and each digest holds.
   In the All view the hits are already known; in another view the same plan runs once
   more without the view's filter (the hit set gives every view's count by set intersections).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field

from reader.domain.annotations import Annotations
from reader.domain.cancel import CancelToken, check
from reader.domain.library_view import LibraryView
from reader.domain.views import VIEW_STATUSES, View, within
from reader.library.library import Library
from reader.library.search_pipeline import SearchResult
from reader.search.facets import Facets, facet_counts
from reader.search.highlight import Highlight, with_view
from reader.search.notes import with_tag
from reader.search.query import ParsedQuery
from reader.search.snippets import Snippet, SnippetCache, make_snippets


@dataclass(frozen=True)
class Listing:
    parsed: ParsedQuery  # with the view's status filter
    result: SearchResult  # every hit in the view, before narrowing to a digest
    ids: list[str]  # what the list shows
    view: View = View.ALL
    digest_id: int | None = None
    highlight: Highlight = Highlight()
    snippets: dict[str, Snippet] = field(default_factory=dict)
    tag: str | None = None  # the tag chosen in the filter pane
    annotations: Annotations | None = None  # tags and notes the search used
    visible: Container[str] | None = None  # the papers not muted (None: nothing is muted)
    plan: ParsedQuery | None = None  # the text's plan, before the view's filter and the tag
    sort: str | None = None  # the order asked for (None: the default); result.sorted_by: the one used

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
    tag: str | None = None,
    annotations: Annotations | None = None,
    new_ids: Container[str] | None = None,
    visible: Container[str] | None = None,
    cancel: CancelToken | None = None,
    sort: str | None = None,
) -> Listing:
    """The list for `text` in `view` and digest `digest_id`, with snippets for the `rows_shown`
    rows the list opens on (around `keep`, the paper the cursor stays on); those in `cache`
    (only read here) are not computed again. `cancel` stops the search (SearchCancelled);
    `sort` orders the papers (reader.library.sorting), here in the search's thread."""
    members = view_of_library.papers_in_digest.get(digest_id) if digest_id is not None else None
    plan = library.plan(text)  # the one parse of the text: the facet counts reuse it
    parsed = with_tag(with_view(plan, view), tag)
    result = library.search(parsed, read, starred, annotations=annotations, cancel=cancel, sort=sort)
    ids = _narrowed(within(result.ids, members), new_ids, visible)
    if not parsed.has_text:
        return Listing(
            parsed, result, ids, view, digest_id, tag=tag, annotations=annotations, visible=visible, plan=plan,
            sort=sort,
        )
    check(cancel)  # between the hits and their snippets
    highlight = Highlight.of(parsed)
    page = opening_page(ids, keep, rows_shown)
    known = cache.for_ids(page, highlight) if cache is not None else {}
    missing = [pid for pid in page if pid not in known]
    snippets = known | (make_snippets(library.abstracts(missing), highlight) if missing else {})
    return Listing(parsed, result, ids, view, digest_id, highlight, snippets, tag, annotations, visible, plan, sort)


def _narrowed(ids: list[str], new_ids: Container[str] | None, visible: Container[str] | None) -> list[str]:
    """Only the papers new to the user (the New view) and not muted; one pass at 100,000 ids."""
    if new_ids is not None and visible is not None:
        return [pid for pid in ids if pid in new_ids and pid in visible]
    if new_ids is not None:
        return within(ids, new_ids)
    if visible is not None:
        return within(ids, visible)
    return ids


def count_facets(
    library: Library,
    view_of_library: LibraryView,
    listing: Listing,
    read: frozenset[str],
    starred: frozenset[str],
    cancel: CancelToken | None = None,
) -> Facets | None:
    """Hits per view (inside the listing's digest) and per digest (inside its view); None
    without a text query."""
    if not listing.parsed.has_text:
        return None
    if not VIEW_STATUSES[listing.view]:  # All and New add no status: the hits are known
        hits = listing.result.ids
    else:
        plan = listing.plan if listing.plan is not None else library.plan(listing.parsed.raw)
        unviewed = with_tag(plan, listing.tag)
        hits = library.search(unviewed, read, starred, annotations=listing.annotations, cancel=cancel).ids
    if listing.visible is not None:
        hits = within(hits, listing.visible)
    members = (
        view_of_library.papers_in_digest.get(listing.digest_id) if listing.digest_id is not None else None
    )
    check(cancel)
    return facet_counts(hits, listing.view, members, view_of_library.papers_in_digest, read, starred, cancel)


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
