"""The reader's model: what the main screen shows, without a terminal.

It owns the snapshot (the library view, the marks, the tags and notes, first appearances and
the mute rules) and the user's choices (query, view, digest, tag, selected paper). Each change
goes through one method, which says in a `Changes` record what the screen must redo: search
the list again, rebuild the filter pane, recount the search's hits or the saved views, save
the session. The screen redraws only that; the rules stay testable in plain Python.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import date

from reader.domain.annotations import Annotations
from reader.domain.counts import Tally, retally, tally
from reader.domain.library_view import LibraryView
from reader.domain.marks import Marks
from reader.domain.models import SavedView
from reader.domain.selection import Selection
from reader.domain.session import Session
from reader.domain.tags import tag_title
from reader.domain.views import View, new_members
from reader.domain.visit import Visit
from reader.library.mute import Muting
from reader.library.provenance import Provenance
from reader.library.saved_views import view_of
from reader.search.facets import Facets
from reader.search.query import ParsedQuery
from reader.tui.filter_data import FilterData


@dataclass(frozen=True)
class Changes:
    """What the screen must redo after a change of the model."""

    rows: bool = False  # search the list again
    typed: bool = False  # ... paced as keys come (the query changed)
    filters: bool = False  # rebuild the filter pane
    facets: bool = False  # recount the search's hits per view and digest
    saved_counts: bool = False  # recount the saved views at once
    saved_counts_later: bool = False  # ... after a pause (marks and tags change in bursts)
    session: bool = False  # remember the session

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NOTHING = Changes()
CHOICE = Changes(rows=True, filters=True, session=True)  # another view, digest or tag


class ReaderModel:
    def __init__(self) -> None:
        # the user's choices
        self.query = ""
        self.view = View.ALL
        self.digest_id: int | None = None
        self.tag: str | None = None
        self.selected: str | None = None  # the paper under the cursor
        self.selection = Selection()  # the papers chosen for a bulk action (v, V, *)
        self.visit = Visit()  # the papers read since the Unread view was entered: still listed
        self.muted_shown = False
        # the snapshot
        self.library_view: LibraryView | None = None  # what the list shows: muted papers out, unless shown
        self.full_view: LibraryView | None = None
        self.unmuted_view: LibraryView | None = None
        self.marks = Marks()
        self.annotations = Annotations()
        self.muting = Muting()
        self.mute_rules: list[str] = []
        self.provenance: Provenance | None = None
        self.provenance_of: LibraryView | None = None  # the full view it was worked out for
        self.unseen: frozenset[str] = frozenset()  # papers never shown to this user before
        self.unseen_counts: tuple[int, int] = (0, 0)  # new papers: all, not muted
        self.saved_views: tuple[SavedView, ...] = ()
        self.saved_counts: dict[str, int] = {}
        self.facets: Facets | None = None  # hits per view and digest while a query is active
        self.notices: tuple[str, ...] = ()  # the query's notices shown in the status line
        self.empty_reason: str | None = None  # why the last sync found no paper
        # the session being restored
        self.pending_digest_path: str | None = None
        self.restore: Session | None = None
        self.restore_query = ""  # the session's query, searched once the list is drawn
        self.jump_target: str | None = None  # a similar paper chosen in the detail pane
        self._tally: Tally | None = None
        self._tally_of: tuple[LibraryView, Marks] | None = None

    # -- the user's choices ---------------------------------------------------------------------

    def set_query(self, text: str) -> Changes:
        if text == self.query:
            return NOTHING
        self.query = text
        return Changes(rows=True, typed=True, session=True)

    def set_view(self, view: View) -> Changes:
        if view is self.view and view not in (View.UNREAD, View.FOR_YOU):  # again: afresh (read out, re-ranked)
            return NOTHING
        self.view, self.visit = view, Visit()
        return CHOICE

    def set_digest(self, digest_id: int | None) -> Changes:
        if digest_id == self.digest_id:
            return NOTHING
        self.digest_id, self.visit = digest_id, Visit()
        return CHOICE

    def set_tag(self, tag: str | None) -> Changes:
        if tag == self.tag:
            return NOTHING
        self.tag, self.visit = tag, Visit()
        return CHOICE

    def select(self, paper_id: str | None) -> bool:
        """True when the selection moved."""
        if paper_id == self.selected:
            return False
        self.selected = paper_id
        return True

    def choose(self, selection: Selection) -> bool:
        """New papers chosen for a bulk action; True when they changed (the list redraws)."""
        changed, self.selection = selection != self.selection, selection
        return changed

    def keep_listed(self, ids: Sequence[str]) -> bool:
        """A new list (a search, another view): the chosen papers it still lists stay chosen."""
        return self.choose(self.selection.kept(ids))

    def restore_session(self, session: Session) -> None:
        """The last session's choices; its digest is found by path once the library is shown,
        its query is searched once the first list is drawn."""
        self.restore = session
        self.pending_digest_path = session.digest
        self.view = session.view
        self.tag = session.tag if session.tag and self.annotations.ids_with_tag(session.tag) else None
        self.restore_query = session.query

    def take_restored_query(self) -> str:
        query, self.restore_query = self.restore_query, ""
        return query if query and not self.query else ""

    def selected_or_restored(self) -> str | None:
        """The paper a search keeps on its first page."""
        return self.selected or (self.restore.selected if self.restore else None)

    def keep_selected(self) -> str | None:
        """The paper the next list keeps selected: a similar paper jumped to, else the selection
        (or the session's, the first time)."""
        keep = self.selected
        if self.restore is not None:
            keep = keep or self.restore.selected
            self.restore = None
        if self.jump_target is not None:
            keep, self.jump_target = self.jump_target, None
        return keep

    def session(self) -> Session:
        digest_path = None
        if self.digest_id is not None and self.library_view is not None:
            info = self.library_view.digest(self.digest_id)
            digest_path = info.path if info else None
        query = self.query or self.restore_query  # quitting before the saved query ran keeps it
        return Session(query, self.view, digest_path, self.selected, self.tag)

    # -- the snapshot ---------------------------------------------------------------------------

    def take_muting(self, view: LibraryView, unmuted: LibraryView, muting: Muting) -> list[str]:
        """A new full view and its muted papers; returns the notices not given before."""
        fresh = list(set(muting.notices) - set(self.muting.notices))
        self.full_view, self.unmuted_view, self.muting = view, unmuted, muting
        return fresh

    def view_to_show(self) -> LibraryView | None:
        return self.full_view if self.muted_shown else self.unmuted_view

    def toggle_muted(self) -> LibraryView | None:
        """Show muted papers, or hide them again; returns the view to show, once there is one."""
        self.muted_shown = not self.muted_shown
        return self.view_to_show() if self.unmuted_view is not None else None

    def show(self, view: LibraryView | None) -> Changes:
        """Show another library view (after a load, a sync or a change of mute rules)."""
        if view is None:
            return NOTHING
        self.library_view = view
        changes = Changes(rows=True, filters=True, saved_counts=True)
        if self.pending_digest_path is not None:
            match = next((info for info in view.digests if info.path == self.pending_digest_path), None)
            self.pending_digest_path = None
            if match is not None:
                changes |= self.set_digest(match.id)
        if self.digest_id is not None and view.digest(self.digest_id) is None:
            changes |= self.set_digest(None)
        return changes

    def needs_provenance(self) -> bool:
        return self.full_view is not None and self.provenance_of is not self.full_view

    def take_provenance(self, view: LibraryView, found: Provenance, unseen: frozenset[str]) -> None:
        self.provenance, self.unseen, self.provenance_of = found, unseen, view

    def provenance_shown(self) -> Changes:
        """The New counts follow the muted papers; the New view waits for provenance."""
        self.unseen_counts = (len(self.unseen), len(self.unseen) - len(self.unseen & self.muting.ids))
        return Changes(filters=True, rows=self.view is View.NEW)

    def set_marks(self, marks: Marks, changed: Collection[str] | None = None) -> Changes:
        """New marks; with `changed` (our own key press) the counts follow just those papers."""
        if marks is self.marks:
            return NOTHING
        view, known = self.library_view, self._tally
        if changed is not None and view is not None and known is not None and self._tally_is_for(view, self.marks):
            self._tally = retally(known, view, self.marks, marks, changed)
            self._tally_of = (view, marks)
        self.visit, self.marks = self.visit.noting(self.view, self.marks.read, marks.read, changed), marks
        facets = self.facets is not None and bool(self.query.strip())
        return Changes(filters=True, facets=facets, saved_counts_later=True)

    def set_annotations(self, annotations: Annotations) -> Changes:
        """New tags or notes: a saved view may search tag: or note:, and the list may change."""
        if annotations is self.annotations:
            return NOTHING
        self.annotations = annotations
        changes = Changes(filters=True, saved_counts_later=True)
        if self.tag is not None and not annotations.ids_with_tag(self.tag):
            return changes | self.set_tag(None)  # its last paper lost the tag: back to every paper
        if self.tag is not None or self.query.strip():  # else the list is unchanged
            changes |= Changes(rows=True)
        return changes

    def set_saved_views(self, saved: tuple[SavedView, ...]) -> Changes:
        self.saved_views = saved
        return Changes(filters=True, saved_counts=True)

    def set_saved_counts(self, saved: tuple[SavedView, ...], counts: dict[str, int]) -> Changes:
        if saved is not self.saved_views:
            return NOTHING  # counted for views since replaced
        self.saved_counts = counts
        return Changes(filters=True)

    def set_facets(self, facets: Facets | None) -> Changes:
        if facets is None and self.facets is None:
            return NOTHING  # without a query: none, the pane is right
        self.facets = facets
        return Changes(filters=True)

    def take_notices(self, notices: tuple[str, ...]) -> list[str]:
        """The query's notices; returns those the status line did not show already."""
        fresh = [notice for notice in notices if notice not in self.notices]
        self.notices = notices
        return fresh

    # -- what the panes show --------------------------------------------------------------------

    @property
    def listed_read(self) -> frozenset[str]:
        """The read papers the list leaves out: the Unread view keeps those read during the visit."""
        read = self.marks.read  # then the visit: set_marks replaces it first (a search thread asks)
        return self.visit.listed_read(read)

    def new_ids(self) -> frozenset[str] | None:
        """The papers the New view keeps (None in the other views)."""
        found = self.provenance.new_in if self.provenance else {}
        return new_members(self.view, self.digest_id, found, self.unseen)

    def waits_for_provenance(self) -> bool:
        return self.view is View.NEW and self.provenance_of is not self.full_view

    def visible_ids(self, view: LibraryView) -> Collection[str] | None:
        """The papers a search may list, when muted papers are out of this view."""
        muted = view is not self.full_view and bool(self.muting.ids)
        return view.papers if muted else None

    def hidden_from_similar(self) -> frozenset[str]:
        return frozenset() if self.muted_shown else self.muting.ids

    def tally_now(self) -> Tally | None:
        """The counts for the current marks and library, recounted only when they were replaced."""
        view, marks = self.library_view, self.marks
        if view is None:
            return None
        if self._tally is None or not self._tally_is_for(view, marks):
            self._tally = tally(view, marks)
            self._tally_of = (view, marks)
        return self._tally

    def _tally_is_for(self, view: LibraryView, marks: Marks) -> bool:
        # identity, not equality: comparing two 100,000-paper views by value is itself a recount
        return self._tally_of is not None and self._tally_of[0] is view and self._tally_of[1] is marks

    def filter_data(self, shown: int) -> FilterData:
        view, counts = self.library_view, self.tally_now()
        return FilterData(
            counts.counts if counts else None,
            view.digests if view else (),
            counts.digests if counts else {},
            self.view,
            self.digest_id,
            self.summary(shown),
            tag_counts=self.annotations.counts,
            tagged=self.annotations.tagged,
            tag=self.tag,
            hits=self._facets_shown(),
            saved_views=self.saved_views,
            saved_counts=self.saved_counts,
            saved_active=self.active_saved_view(),
            mute_counts=[(rule, len(ids)) for rule, ids in self.muting.hidden_by.items()],
            muted_shown=self.muted_shown,
            **self._provenance_fields(),
        )

    def _facets_shown(self) -> Facets | None:
        return self.facets if self.query.strip() else None

    def _provenance_fields(self) -> dict:
        """The New count (and its hits during a search), each digest's new / seen before (over
        the papers the digest's row counts)."""
        view, found = self.library_view, self.provenance
        if view is None or found is None:
            return {}
        news = found.news_in(view, self.muting.ids)  # the same papers as each digest's unread / total
        if self.digest_id is None:
            new_count = self.unseen_counts[0 if view is self.full_view else 1]
        else:
            new_count = news[self.digest_id].new if self.digest_id in news else 0
        facets = self._facets_shown()
        new_ids = new_members(View.NEW, self.digest_id, found.new_in, self.unseen) or frozenset()
        new_hits = facets.new_hits(new_ids) if facets is not None else None
        return {"new_count": new_count, "new_hits": new_hits, "digest_news": news}

    def active_saved_view(self) -> str | None:
        query, view = self.query.strip(), self.view
        named = [saved.name for saved in self.saved_views if saved.query == query and view_of(saved) is view]
        return named[0] if named and self.digest_id is None else None

    def _digest_label(self) -> str | None:
        if self.digest_id is None or self.library_view is None:
            return None
        info = self.library_view.digest(self.digest_id)
        return info.label if info is not None else None

    def summary(self, shown: int) -> str:
        """"Unread · a digest · a tag · “query”: 12 shown"."""
        parts = [self.view.title]
        label = self._digest_label()
        if label is not None:
            parts.append(label)
        if self.tag is not None:
            parts.append(tag_title(self.tag))
        if self.query.strip():
            parts.append(f"“{self.query.strip()}”")
        return f"{' · '.join(parts)}: {shown:,} shown"

    def list_title(self, rows: int) -> str:
        title = self.view.title
        label = self._digest_label()
        if label is not None:
            title += f" · {label}"
        if self.tag is not None:
            title += f" · {tag_title(self.tag)}"
        chosen = f" · {len(self.selection):,} selected" if self.selection else ""
        return f"{title} · {rows:,}{chosen}"

    def no_papers_text(self) -> str:
        """Why the library is empty, as the last sync found it (a digest given and rejected
        says which and why)."""
        reason = self.empty_reason
        return f"{reason[:1].upper()}{reason[1:]}." if reason else "No digests yet: add some with `reader add FILE`."

    def empty_text(self, parsed: ParsedQuery) -> str:
        if self.library_view is not None and not self.library_view.papers:
            return self.no_papers_text()
        if parsed.text:
            return f"No papers match “{parsed.text}”."
        return {
            View.UNREAD: "Nothing unread here. Well done.",
            View.STARRED: "No starred papers here yet: press s to star one.",
            View.NEW: "Nothing new here: every paper was listed before.",
        }.get(self.view, "No papers here.")

    def paper_title(self, paper_id: str) -> str:
        summary = self.library_view.papers.get(paper_id) if self.library_view else None
        return summary.title if summary else paper_id

    def full_title(self, paper_id: str) -> str | None:
        papers = self.full_view.papers if self.full_view is not None else {}
        return papers[paper_id].title if paper_id in papers else None


def newest_year(view: LibraryView) -> int | None:
    newest: date | None = next((info.date for info in view.digests if info.date is not None), None)
    return newest.year if newest else None
