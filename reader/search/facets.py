"""Live facet counts: how many of a search's hits each view and each digest holds.

Counted in the search worker from the hit set by set intersections, so the filter pane can
show them with the results at no cost to the UI thread.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from reader.domain.cancel import CancelToken, check
from reader.domain.mark_filter import MarkFilter
from reader.domain.views import VIEW_STATUSES, View

DIGESTS_PER_CHECK = 200


@dataclass(frozen=True, eq=False)
class Facets:
    """Hits per view (inside the chosen digest) and per digest (inside the chosen view)."""

    views: Mapping[View, int] = field(default_factory=dict)
    digests: Mapping[int, int] = field(default_factory=dict)
    in_digest: frozenset[str] = frozenset()  # the hits in the chosen digest, whatever the view
    _new_hits: list[tuple[frozenset[str], int]] = field(default_factory=list, repr=False)

    def new_hits(self, new_ids: frozenset[str]) -> int:
        """Hits in the New view (`new_ids`: the papers it keeps, already inside the chosen
        digest). Counted once per set: the filter pane asks again on every mark."""
        for ids, count in self._new_hits:
            if ids is new_ids:
                return count
        count = len(self.in_digest & new_ids)
        self._new_hits[:] = [(new_ids, count)]
        return count


def in_view(hits: frozenset[str], view: View, read: frozenset[str], starred: frozenset[str]) -> frozenset[str]:
    """The hits a view keeps."""
    return MarkFilter.of(VIEW_STATUSES[view], read, starred).kept(hits)


def facet_counts(
    hits: Collection[str],
    view: View,
    digest_members: frozenset[str] | None,
    papers_in_digest: Mapping[int, frozenset[str]],
    read: frozenset[str],
    starred: frozenset[str],
    cancel: CancelToken | None = None,
) -> Facets:
    """Facet counts for `hits`: the query's hits with no view and no digest applied.

    Each facet is counted with the other one applied, as the list would show after choosing
    it: a view's count is its hits in the chosen digest (`digest_members`, None: all), a
    digest's count is its hits in the current view. `cancel` is checked between batches of
    digests (a thousand of them at 100,000 papers).
    """
    hit_set = hits if isinstance(hits, frozenset) else frozenset(hits)
    in_digest = hit_set if digest_members is None else hit_set & digest_members
    views = {view: len(in_view(in_digest, view, read, starred)) for view in (View.ALL, View.UNREAD, View.STARRED)}
    shown = in_view(hit_set, view, read, starred)
    digests: dict[int, int] = {}
    for number, (digest_id, members) in enumerate(papers_in_digest.items()):
        if not number % DIGESTS_PER_CHECK:
            check(cancel)
        digests[digest_id] = len(members & shown)
    return Facets(views, digests, in_digest)
