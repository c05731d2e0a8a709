"""What the filter pane shows, as one plain record: built by the reader's model (no Textual
here), drawn by the filter list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reader.domain.counts import Counts
from reader.domain.library_view import DigestInfo
from reader.domain.models import SavedView
from reader.domain.views import View
from reader.library.provenance import DigestNews
from reader.search.facets import Facets


@dataclass(frozen=True, eq=False)
class FilterData:
    """Everything the filter pane shows; the screen builds a new one when anything changes."""

    counts: Counts | None = None
    digests: Sequence[DigestInfo] = ()
    digest_counts: Mapping[int, tuple[int, int]] = field(default_factory=dict)  # id -> (unread, total)
    view: View = View.ALL
    digest_id: int | None = None
    summary: str = ""
    tag_counts: Mapping[str, int] = field(default_factory=dict)  # tag -> papers, most used first
    tagged: int = 0  # papers with any tag
    tag: str | None = None
    hits: Facets | None = None  # the query's hits per view and digest, while one is active
    saved_views: Sequence[SavedView] = ()
    saved_counts: Mapping[str, int] = field(default_factory=dict)  # name -> papers it lists
    saved_active: str | None = None  # the saved view whose search is the one shown
    new_count: int | None = None  # what the New view holds now
    new_hits: int | None = None  # ... and how many of those the query finds, while one is active
    digest_news: Mapping[int, DigestNews] = field(default_factory=dict)
    mute_counts: Sequence[tuple[str, int]] = ()  # (rule, papers it hides)
    muted_shown: bool = False
