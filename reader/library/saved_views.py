"""Saved views: named searches, counted and run the same way in the app and the CLI."""

from __future__ import annotations

from collections.abc import Sequence

from reader.domain.annotations import Annotations
from reader.domain.models import SavedView
from reader.domain.views import View
from reader.library.library import Library, SearchResult
from reader.search.highlight import with_view


def view_of(saved: SavedView) -> View:
    """The saved view's view; All when the stored value is unknown (a newer version's)."""
    try:
        return View(saved.view)
    except ValueError:
        return View.ALL


def run_saved_view(
    library: Library,
    saved: SavedView,
    read: frozenset[str],
    starred: frozenset[str],
    limit: int | None = None,
    annotations: Annotations | None = None,
    sort: str | None = None,
) -> SearchResult:
    parsed = with_view(library.plan(saved.query), view_of(saved))
    return library.search(parsed, read, starred, limit, annotations=annotations, sort=sort)


def count_saved_views(
    library: Library,
    saved: Sequence[SavedView],
    read: frozenset[str],
    starred: frozenset[str],
    annotations: Annotations | None = None,
    muted: frozenset[str] = frozenset(),
) -> dict[str, int]:
    """name -> how many papers each saved view lists now, the `muted` ones (see mute.py) left
    out as the view leaves them out (one search each, off the UI thread)."""
    counts: dict[str, int] = {}
    for view in saved:
        ids = run_saved_view(library, view, read, starred, annotations=annotations).ids
        counts[view.name] = len(ids) - len(muted.intersection(ids)) if muted else len(ids)
    return counts


def find_saved_view(saved: Sequence[SavedView], name: str) -> SavedView | None:
    """The saved view called `name`, case and extra spaces ignored."""
    wanted = " ".join(name.split()).casefold()
    return next((view for view in saved if view.name.casefold() == wanted), None)
