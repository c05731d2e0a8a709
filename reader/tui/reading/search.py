"""Searching and filtering: the list follows the query, view, digest and tag.

A search is exclusive: a newer keystroke cancels the stale search, whose thread is told to
stop, and a stale result is never shown. A typed search starts at once, or as soon as the
stale one has stopped (SearchPacer), never on a thread still busy with it unless it ignores
its cancellation. The hits per view and digest follow once the rows are drawn and the typing
rests; the saved views are counted off the UI thread too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from textual import work

from reader.domain.cancel import CancelToken
from reader.domain.library_view import LibraryView
from reader.domain.models import SavedView
from reader.domain.text import strip_controls
from reader.domain.views import View
from reader.library.for_you import for_you
from reader.library.listing import Listing, count_facets, list_papers
from reader.library.saved_views import count_saved_views
from reader.library.sorting import RELEVANCE
from reader.search.highlight import Highlight
from reader.search.snippets import SnippetCache, make_snippets
from reader.tui.context import ReaderContext
from reader.tui.for_you_view import ForYouView, RankedBy
from reader.tui.model import Changes, newest_year
from reader.tui.reading.session import SessionScreen
from reader.tui.search_pacing import SearchPacer, TypingCursor
from reader.tui.search_threads import SearchThreads
from reader.tui.sort_state import SORT_SETTING, SortChoices, sort_title, view_key
from reader.tui.widgets.paper_list import PaperRows

SAVED_COUNT_DELAY = 0.3  # seconds of quiet marking before the saved views are recounted


class SearchScreen(SessionScreen):
    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self._search_threads = SearchThreads()
        self._pacer = SearchPacer()
        self._typing_cursor = TypingCursor()
        self._typed = False  # whether the rows being shown answer a key
        self._filters_behind = False  # typed rows shown; the filter pane follows with their hits
        self._snippets = SnippetCache()
        self._shown: Listing | None = None  # the listing the rows show (its counts follow it)
        self.sorts = SortChoices()  # the order each view lists in (read from the settings at start)
        self.for_you = ForYouView()  # the For you view's ranking

    # -- the user's choices, kept by the model ---------------------------------------------------

    @property
    def search_text(self) -> str:
        return self.model.query

    @search_text.setter
    def search_text(self, text: str) -> None:
        self._apply(self.model.set_query(text))

    @property
    def current_view(self) -> View:
        return self.model.view

    @current_view.setter
    def current_view(self, view: View) -> None:
        self._apply(self.model.set_view(view))

    @property
    def digest_id(self) -> int | None:
        return self.model.digest_id

    @digest_id.setter
    def digest_id(self, digest_id: int | None) -> None:
        self._apply(self.model.set_digest(digest_id))

    @property
    def tag(self) -> str | None:
        return self.model.tag

    @tag.setter
    def tag(self, tag: str | None) -> None:
        self._apply(self.model.set_tag(tag))

    @property
    def library_view(self) -> LibraryView | None:
        return self.model.library_view

    @property
    def notices(self) -> tuple[str, ...]:
        return self.model.notices

    @property
    def saved_views(self) -> tuple[SavedView, ...]:
        return self.model.saved_views

    def _apply(self, changes: Changes) -> None:
        if changes.rows:
            self.refilter(changes.typed)
        if changes.facets:
            self.recount_facets()
        super()._apply(changes)  # the filter pane, the session
        if changes.saved_counts:
            self.count_saved_views()
        elif changes.saved_counts_later:
            self.count_saved_views(SAVED_COUNT_DELAY)

    # -- the list -------------------------------------------------------------------------------

    def refilter(self, typed: bool = False) -> None:
        if self.model.library_view is None:
            return
        if typed:
            self._pacer.typed()
        self.workers.cancel_group(self, "facets")  # counted for rows about to be replaced
        self.run_search(self.model.query, self.model.view, self.model.digest_id, typed)

    def _sorted_view(self) -> str:
        """What keeps the order of the list on screen: its view, or the saved view it shows."""
        return view_key(self.model.view, self.model.active_saved_view())

    def action_cycle_sort(self) -> None:
        """List the view's papers in the next order (date, upvotes, comments, title, relevance);
        the view keeps it, in this session and the next."""
        shown = self._shown
        has_words = shown.parsed.has_text if shown is not None else bool(self.model.query.strip())
        self.sorts.cycle(self._sorted_view(), has_words)
        self._write(partial(self.client.state.set_setting, SORT_SETTING, self.sorts.to_json()))
        self.refilter()

    # Each worker names itself: by default Textual describes a worker by the repr of its
    # arguments, and a listing's repr walks 100,000 ids on the UI thread (hundreds of ms).
    @work(exclusive=True, group="search", exit_on_error=False, description="search")
    async def run_search(self, text: str, view: View, digest_id: int | None, typed: bool) -> None:
        await self._pacer.turn()  # a newer keystroke cancels this worker here: never started
        model = self.model
        library_view = model.library_view
        if library_view is None or model.waits_for_provenance() or self._waits_for_ranking(library_view):
            return  # the loading layer refilters once it knows what is new; the ranking, once ranked
        marks, annotations, tag, library = model.marks, model.annotations, model.tag, self.library
        new_ids, visible = model.new_ids(), model.visible_ids(library_view)
        keep = self._typing_cursor.kept(model.selected_or_restored(), typed)
        rows_shown = max(1, self.paper_list.scrollable_content_region.height // 2 + 1)
        cache, sort = self._snippets, self.sorts.chosen(self._sorted_view())
        token = CancelToken()  # cancelled with this worker: the thread stops at its next check
        ranked = view is View.FOR_YOU
        if ranked:  # the ranked papers, in its order; the tag is what they were ranked by
            new_ids, tag, ordered = self.for_you.members(), None, self.for_you.ordering(sort)

        def search() -> Listing:
            listing = list_papers(
                library, library_view, text, view, digest_id, model.listed_read, marks.starred, keep, rows_shown, cache,
                tag, annotations, new_ids, visible, cancel=token, sort=sort,
            )
            return replace(listing, ids=ordered(listing.ids)) if ranked else listing

        listing = await self._in_search_thread(search, token, self._pacer.started)
        if library_view is not model.library_view:
            return
        self._typed = typed
        self.show_results(listing, library_view)
        self.count_hits(listing, library_view, typed)

    def _waits_for_ranking(self, library_view: LibraryView) -> bool:
        """In For you, whether the ranking is still to be worked out for the stars (or the tag)
        as they are now; if so, it is started, and the list follows once it is done."""
        model = self.model
        if model.view is not View.FOR_YOU:
            return False
        tag = model.tag
        seeds = model.annotations.ids_with_tag(tag) if tag is not None else model.marks.starred
        wanted = RankedBy(library_view, seeds, model.marks.read, model.hidden_from_similar(), tag)
        if self.for_you.is_current(wanted):
            return False
        if not self.for_you.is_pending(wanted):
            self.for_you.pending = wanted
            self.rank_for_you(wanted)
        return True

    @work(exclusive=True, group="for-you", exit_on_error=False, description="for you ranking")
    async def rank_for_you(self, wanted: RankedBy) -> None:
        tagged = wanted.seeds if wanted.tag is not None else None
        try:
            ranking = await asyncio.to_thread(
                for_you, self.library, wanted.seeds, wanted.read, wanted.hidden, tagged, wanted.tag
            )
        except Exception:  # reported as a failed job; the next search asks again
            if self.for_you.is_pending(wanted):
                self.for_you.pending = None
            raise
        if self.for_you.is_pending(wanted):
            self.for_you.take(wanted, ranking)
            if self.model.view is View.FOR_YOU:
                self.refilter()

    @work(exclusive=True, group="facets", exit_on_error=False, description="hits per view and digest")
    async def count_hits(self, listing: Listing, library_view: LibraryView, typed: bool = False) -> None:
        """The search's hits per view and digest, once its rows are drawn (and, after a key,
        once the typing rests): a newer search or mark cancels this worker before they land."""
        drawn = asyncio.Event()
        self.call_after_refresh(drawn.set)
        await drawn.wait()
        if typed:
            await self._pacer.rested()
        model, library = self.model, self.library
        marks = model.marks
        token = CancelToken()
        facets = await self._in_search_thread(
            lambda: count_facets(library, library_view, listing, marks.read, marks.starred, cancel=token), token
        )
        if self._shown is not listing or library_view is not model.library_view:
            return  # a newer search counts its own
        changes = model.set_facets(facets)
        if self._filters_behind:
            self._filters_behind = False
            changes |= Changes(filters=True)
        if changes:  # without a query and none before: the pane is right
            self._apply(changes)
        if model.marks is not marks:  # a mark changed while they were counted
            self.recount_facets()

    def recount_facets(self) -> None:
        """The search's hits per view and digest again after a mark changed: a paper read or
        starred moves between the Unread and Starred hits."""
        listing, library_view = self._shown, self.model.library_view
        if listing is None or library_view is None or (self.model.facets is None and not listing.parsed.has_text):
            return
        self.count_hits(listing, library_view)

    async def _in_search_thread(
        self, job: Callable[[], Any], token: CancelToken, started: Callable[[Any], None] | None = None
    ) -> Any:
        """Run a search job on a search thread. When a newer search cancels this worker, the
        job is told to stop and is not waited for here (the pacer waits for it, briefly)."""
        future = self._search_threads.submit(job)
        if started is not None:
            started(future)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            token.cancel()
            future.cancel()  # not started yet: it never runs
            raise

    def on_unmount(self) -> None:
        self._search_threads.shutdown()

    def show_results(self, listing: Listing, view: LibraryView) -> None:
        model = self.model
        selected = model.keep_selected()
        keep = self._typing_cursor.kept(selected, self._typed)
        self._shown = listing
        parsed, result, ids = listing.parsed, listing.result, listing.ids
        # A query notice goes to the message log when the status line starts showing it, not
        # again on each keystroke that keeps it there (a toast would get in the way of typing).
        for notice in model.take_notices(tuple(dict.fromkeys(parsed.notices + result.notices))):
            self.context.message_log.add(strip_controls(notice), "warning", "Search")
        if listing.snippets:
            self._snippets.put(listing.highlight, listing.snippets)
        empty = model.empty_text(parsed)
        if listing.view is View.FOR_YOU and view.papers and not parsed.text:
            empty = self.for_you.empty_text("Nothing unread is like them here.")
        rows = PaperRows(
            ids, view.papers, Highlight.of(parsed), newest_year(view), empty, listing.with_snippets, listing.snippets
        )
        self.highlight = rows.highlight
        model.keep_listed(ids)  # the selected papers the new list still shows stay selected
        self.paper_list.show_selection(model.selection.ids)
        index = self.paper_list.show(rows, keep)
        typed, self._typed = self._typed, False
        self._typing_cursor.shown(selected, ids[index] if ids else None, typed)
        if not ids:
            self._select(None)
        ranked = listing.view is View.FOR_YOU and listing.sort in (None, RELEVANCE)
        self.sort_shown = "" if ranked else sort_title(listing.sort, listing.result.sorted_by)
        self._show_because()
        self._update_titles()
        if typed:  # the pane's summary waits for the hits: one rebuild once the typing rests
            self._filters_behind = True
        else:  # the rows first: the pane (a thousand digests at 100,000 papers) follows a frame later
            self._update_filters()
        if model.restore_query:
            self.call_after_refresh(self._search_restored_query)

    def watch_paper(self) -> None:
        self._show_because()

    def _show_because(self) -> None:
        """In For you, the detail pane says why its paper ranks where it does."""
        paper = self.paper
        if self.is_mounted:
            ranked = paper is not None and self.model.view is View.FOR_YOU
            self.detail.because = self.for_you.because(paper.id) if ranked and paper is not None else ""

    def _select(self, paper_id: str | None) -> None:
        """The list's selection moved (the main screen loads the paper)."""
        self.model.select(paper_id)

    def _search_restored_query(self) -> None:
        """The session's query, searched once the list is up (a slow one never holds up the start)."""
        query = self.model.take_restored_query()
        if query:
            self.filter_pane.set_search_text(query)
            self.search_text = query

    def show_snippets(self, rows: PaperRows, paper_ids: list[str]) -> None:
        """The matching fragments of rows scrolled into view: those known now, the rest later."""
        known = self._snippets.for_ids(paper_ids, rows.highlight)
        if known:
            self.paper_list.add_snippets(rows, known)
        missing = self._snippets.missing(paper_ids, rows.highlight)
        if missing:
            self.load_snippets(rows, missing)

    # Not exclusive: each request is for other rows, and a cancelled one would leave its rows
    # blank until they are drawn again.
    @work(group="snippets", exit_on_error=False, description="snippets")
    async def load_snippets(self, rows: PaperRows, paper_ids: list[str]) -> None:
        library = self.library
        snippets = await asyncio.to_thread(lambda: make_snippets(library.abstracts(paper_ids), rows.highlight))
        self._snippets.put(rows.highlight, snippets)
        self.paper_list.add_snippets(rows, snippets)

    # -- the saved views' counts ----------------------------------------------------------------

    @work(exclusive=True, group="saved-counts", exit_on_error=False, description="saved views' counts")
    async def count_saved_views(self, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)  # a newer change of marks cancels this worker here
        model = self.model
        saved, marks, annotations, library = model.saved_views, model.marks, model.annotations, self.library
        if not saved or model.library_view is None:
            return
        counts = await self._in_search_thread(
            partial(count_saved_views, library, saved, marks.read, marks.starred, annotations, model.muting.ids),
            CancelToken(),
        )
        self._apply(model.set_saved_counts(saved, counts))
