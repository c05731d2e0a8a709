"""The main screen: filter pane, paper list and detail pane over the library and the marks.

The screen owns the state (search text, view, digest, results, selection, marks) and hands
it down: reactives bound with data_bind, or the list's `show`. Widgets report back with
messages. All blocking work runs in workers:

- library: load the catalog, then sync the digests (progress shown while the window is open);
- search: debounced and exclusive, so a newer keystroke cancels the stale search and a
  stale result is never shown; the stale search thread is told to stop and is not waited
  for (see SearchThreads); a saved query is restored once the list is drawn;
- detail: load the highlighted paper, then (debounced) the papers most like it;
- provenance: first appearances, papers new to the user and mute rules, computed per
  library view off the UI thread; muted papers leave the view as one id set;
- state: every read or write of the state database goes through the app's single state
  thread, in order, and a mark is drawn only once its write has committed (~1 ms; while
  another copy holds the file the app says so, and a failed write is reported and never
  drawn); a poll picks up other processes' changes.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import Worker

from reader.domain.annotations import Annotations, same_annotations
from reader.domain.cancel import CancelToken
from reader.domain.counts import Tally, retally, tally
from reader.domain.cursor_moves import after_mark, step_unread
from reader.domain.library_view import LibraryView
from reader.domain.links import clipboard_text, link_to_open
from reader.domain.marks import Marks, to_mark_read
from reader.domain.models import Paper, SavedView
from reader.domain.read_clock import ReadClock
from reader.domain.session import Session
from reader.domain.tags import (
    MAX_NOTE_CHARS,
    TagEdit,
    apply_tag_edit,
    normalise_note,
    tag_title,
)
from reader.domain.text import strip_controls
from reader.domain.views import View, new_members
from reader.library.export import export_papers
from reader.library.library import SyncReport
from reader.library.listing import Listing, count_facets, list_papers
from reader.library.mute import Muting, match_rules, without_muted
from reader.library.provenance import Provenance, new_to_user, provenance, to_record
from reader.library.renamed_ids import follow_renamed_ids
from reader.library.saved_views import count_saved_views, find_saved_view, view_of
from reader.search.facets import Facets
from reader.search.highlight import Highlight
from reader.search.query import ParsedQuery
from reader.search.similar import Similar, similar_papers
from reader.search.snippets import SnippetCache, make_snippets
from reader.state.store import StateReadOnly
from reader.system.files import write_file
from reader.tui import bindings
from reader.tui.failed_jobs import report_failed_job
from reader.tui.messages import SyncCancelled, SyncProgress
from reader.tui.plain import plain_line
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.export import ExportRequest, ExportScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.mute import MuteScreen
from reader.tui.screens.note import NoteScreen
from reader.tui.screens.tags import TagScreen
from reader.tui.screens.view_name import ViewNameScreen
from reader.tui.search_threads import SearchThreads
from reader.tui.widgets.filter_list import FilterData, FilterList
from reader.tui.widgets.filter_pane import FilterPane
from reader.tui.widgets.paper_detail import PaperDetail
from reader.tui.widgets.paper_list import PaperList, PaperRows
from reader.tui.widgets.progress_line import ProgressLine
from reader.tui.widgets.similar_list import SimilarList
from reader.tui.widgets.status_line import StatusLine
from reader.tui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp

SESSION_KEY = "tui.session"
SEARCH_DEBOUNCE = 0.15  # seconds of quiet typing before a search starts
SESSION_SAVE_DELAY = 1.0
STATE_POLL_SECONDS = 2.0  # how soon another running copy's marks show up
SAVED_COUNT_DELAY = 0.3  # seconds of quiet marking before the saved views are recounted
NARROW_BELOW = 100  # columns: under this the filter pane folds away
SIMILAR_DEBOUNCE = 0.15  # seconds on a paper before its similar papers are looked up


class MainScreen(Screen[None]):
    BINDINGS = bindings.screen_bindings()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    AUTO_FOCUS = "#papers"

    search_text: reactive[str] = reactive("", init=False)
    current_view: reactive[View] = reactive(View.ALL, init=False)
    digest_id: reactive[int | None] = reactive(None, init=False)
    selected: reactive[str | None] = reactive(None, init=False)
    marks: reactive[Marks] = reactive(Marks, init=False)
    paper: reactive[Paper | None] = reactive(None, init=False)
    highlight: reactive[Highlight] = reactive(Highlight, init=False)
    filters: reactive[FilterData] = reactive(FilterData, init=False)
    detail_placeholder: reactive[str] = reactive("Loading the library…", init=False)
    filters_shown: reactive[bool | None] = reactive(None, init=False)  # None: decided by the width
    annotations: reactive[Annotations] = reactive(Annotations, init=False)  # tags and notes
    tag: reactive[str | None] = reactive(None, init=False)  # the tag chosen in the filter pane
    similar: reactive[tuple[Similar, ...]] = reactive(tuple, init=False)
    muted_shown: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.library_view: LibraryView | None = None
        self.notices: tuple[str, ...] = ()
        self._restore: Session | None = None
        self._pending_digest_path: str | None = None
        self._read_clock = ReadClock()  # read-on-open: the paper the user moved to (core.triage)
        self._unsaved: list[tuple[str, list[str], bool]] = []  # mark writes not yet committed
        self._read_timer: Timer | None = None
        self._moved_by_user = False  # set while a key or click moves the selection
        self._session_timer: Timer | None = None
        self._submitted = 0  # state jobs sent; a poll result older than the newest is dropped
        self._state_version: int | None = None
        self._search_threads = SearchThreads()
        self._restore_query = ""  # the session's query, searched once the list is drawn
        self._revealed_for_search = False
        self._syncing = False
        self._empty_reason: str | None = None  # why the last sync found no paper
        self._tally: Tally | None = None
        self._facets: Facets | None = None  # hits per view and digest while a query is active
        self._facets_of: Listing | None = None  # the search they were counted for
        self._snippets = SnippetCache()
        self.saved_views: tuple[SavedView, ...] = ()
        self._saved_counts: dict[str, int] = {}
        self._tally_of: tuple[LibraryView, Marks] | None = None
        # Provenance and muting: the full view, and the one with muted papers taken out.
        self._full_view: LibraryView | None = None
        self._unmuted_view: LibraryView | None = None
        self._provenance: Provenance | None = None
        self._provenance_of: LibraryView | None = None  # the full view it was worked out for
        self._known_load: asyncio.Future[frozenset[str]] | None = None  # shown in an earlier session
        self._known_recorded: frozenset[str] = frozenset()  # ... or recorded as shown since
        self._unseen: frozenset[str] = frozenset()
        self._unseen_counts: tuple[int, int] = (0, 0)  # new papers: all, not muted
        self._mute_rules: list[str] = []
        self.muting = Muting()
        self._jump_target: str | None = None

    @property
    def reader_app(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def filter_pane(self) -> FilterPane:
        return self.query_one("#filters", FilterPane)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one("#detail", PaperDetail)

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FilterPane(id="filters").data_bind(data=MainScreen.filters)
            with Container(id="reading"):  # side by side when wide, stacked when narrow
                with Vertical(id="list-column"):
                    yield ProgressLine(id="progress")
                    yield PaperList(id="papers").data_bind(MainScreen.marks, MainScreen.annotations)
                yield PaperDetail(id="detail").data_bind(
                    MainScreen.paper,
                    MainScreen.marks,
                    MainScreen.highlight,
                    MainScreen.annotations,
                    MainScreen.similar,
                    placeholder=MainScreen.detail_placeholder,
                )
        yield StatusLine(id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.filter_pane.border_title = "Filters"
        self.paper_list.border_title = "Papers"
        self.detail.border_title = "Paper"
        self.paper_list.show(PaperRows(empty_text="Loading the library…"))
        self.set_interval(STATE_POLL_SECONDS, self._poll_state)
        self.start()

    def on_resize(self, event: events.Resize) -> None:
        # Narrow terminals: the footer drops its spacing and the palette hint (help lists
        # ctrl+p), so the keys that matter still fit.
        footer = self.query_one(Footer)
        footer.compact = event.size.width < NARROW_BELOW
        wide = event.size.width >= NARROW_BELOW
        if footer.show_command_palette != wide:
            footer.show_command_palette = wide
            footer.refresh(recompose=True)  # the footer adds or drops the hint only when composed

    def watch_filters_shown(self, shown: bool | None) -> None:
        self.set_class(shown is True, "-show-filters")
        self.set_class(shown is False, "-hide-filters")
        self.call_after_refresh(self._focus_if_hidden)

    def _focus_if_hidden(self) -> None:
        focused = self.focused
        if focused is not None and not self.filter_pane.display and self.filter_pane in focused.ancestors_with_self:
            self.set_focus(self.paper_list)

    def _filters_visible(self) -> bool:
        return self.filter_pane.display and self.filter_pane.region.width > 0

    # -- starting up ---------------------------------------------------------------------

    @work(exclusive=True, group="library", exit_on_error=False)
    async def start(self) -> None:
        app = self.reader_app
        marks, session, version = await self._state_call(_load_state, app.state)
        self._state_version = version
        self.marks = marks
        self.annotations = await self._state_call(Annotations.load, app.state)
        self.saved_views = tuple(await self._state_call(_saved_views, app.state))
        self._restore = session
        # The papers shown before are needed only once the list is up: they load meanwhile.
        self._mute_rules = await self._state_call(lambda state: state.mute_rules(), app.state)
        self._known_load = asyncio.wrap_future(app.state_jobs.submit(app.state.known_ids))
        self._pending_digest_path = session.digest
        self.current_view = session.view
        self.tag = session.tag if session.tag and self.annotations.ids_with_tag(session.tag) else None
        self._restore_query = session.query  # a slow query must not hold up the first list
        view = await asyncio.to_thread(app.library.view)
        if view.papers:
            await self.present(view)
        else:
            self.paper_list.show(PaperRows(empty_text="Looking for digests…"))
        self._syncing = True
        try:
            report = await asyncio.to_thread(app.library.sync, self._sync_progress)
        except SyncCancelled:
            return
        except Exception as error:  # a broken index or catalog must not take the reader down
            self.notify(f"Could not update the library: {error}", severity="error", markup=False, timeout=10)
            report = None
        finally:
            self._syncing = False
            self.query_one(ProgressLine).finish()
        if report is not None:
            self._report_sync(report)
        followed = await self._follow_renamed_ids()
        if report is None or report.changed or self.library_view is None or followed:
            await self.present(await asyncio.to_thread(app.library.view))

    async def _follow_renamed_ids(self) -> bool:
        """Marks, tags and notes follow papers whose id a new text clean-up changed; True
        when some did (the marks and the papers already shown are read again)."""
        app = self.reader_app
        try:
            followed = await self._state_call(follow_renamed_ids, app.library, app.state)
        except Exception as error:  # noqa: BLE001 - the old ids keep the marks; tried again at the next start
            self.notify(f"Could not move marks to renamed papers: {error}", severity="error", markup=False, timeout=10)
            return False
        if not followed.renamed:
            return False
        if followed.notice:
            self.notify(followed.notice, markup=False, timeout=8)
        submitted = self._submitted
        marks, _, version = await self._state_call(_load_state, app.state)
        annotations = await self._state_call(Annotations.load, app.state)
        if submitted == self._submitted:  # else a mark made meanwhile is on its way: the poll reads all
            self.marks, self.annotations, self._state_version = marks, annotations, version
        else:
            self._state_version = None
        if self._known_load is not None:  # the session's snapshot, with the new ids of papers shown
            known = followed.carry(await asyncio.shield(self._known_load))
            self._known_load = asyncio.get_running_loop().create_future()
            self._known_load.set_result(known)
        return True

    def _sync_progress(self, stage: str, done: int, total: int) -> None:
        """Called in the sync thread."""
        if self.reader_app.closing.is_set():
            raise SyncCancelled()
        self.post_message(SyncProgress(stage, done, total))

    def on_sync_progress(self, message: SyncProgress) -> None:
        if not self._syncing:
            return  # posted just before the sync ended: the progress line is already gone
        self.query_one(ProgressLine).report(message.stage, message.done, message.total)
        if self.library_view is None or not self.library_view.papers:
            total = f" of {message.total:,}" if message.total else ""
            self.paper_list.show(PaperRows(empty_text=f"{message.stage.capitalize()}: {message.done:,}{total}…"))

    def _report_sync(self, report: SyncReport) -> None:
        self._empty_reason = report.empty_reason
        for notice in report.notices:
            self.notify(notice, severity="warning", markup=False, timeout=8)
        if report.warnings:
            count = len(report.warnings)
            first = report.warnings[0]
            for warning in report.warnings[1:]:  # the toast names the first; the log keeps every one
                self.reader_app.message_log.add(str(warning), "warning", "Digest problems")
            more = f" (and {count - 1} more: L shows them all)" if count > 1 else ""
            self.notify(f"{first}{more}", title="Digest problems", severity="warning", markup=False, timeout=8)

    async def present(self, view: LibraryView) -> None:
        """Show a view with the muted papers taken out, then work out first appearances and
        new papers, and remember its papers as shown to this user. The blocking parts run in
        threads; with no mute rule the list is shown at once."""
        library, rules = self.reader_app.library, list(self._mute_rules)
        muting, unmuted = Muting(), view
        if rules:
            muting, unmuted = await asyncio.to_thread(_muted_view, library, view, rules)
        for notice in set(muting.notices) - set(self.muting.notices):  # e.g. a rule too slow to run
            self.notify(notice, title="Mute rules", severity="warning", markup=False, timeout=12)
        self._full_view, self._unmuted_view, self.muting = view, unmuted, muting
        self.show_library(view if self.muted_shown else unmuted)
        if self._provenance_of is not view and self._known_load is not None:
            known = await asyncio.shield(self._known_load)  # the same snapshot all session
            if self._provenance_of is None:
                self._known_recorded = known
            self._provenance, self._unseen = await asyncio.to_thread(
                lambda: (provenance(view), new_to_user(view, known))
            )
            self._provenance_of = view
            if view.papers:
                self._write(
                    partial(_record_shown, self.reader_app.state, view, self._known_recorded),
                    partial(setattr, self, "_known_recorded"),
                )
        self._unseen_counts = (len(self._unseen), len(self._unseen) - len(self._unseen & muting.ids))
        self._update_filters()
        if self.current_view is View.NEW:
            self.refilter()

    def show_library(self, view: LibraryView) -> None:
        self.library_view = view
        # The view lives as long as the app: a full collection walking its 100,000 entries
        # stalls the UI for 150-250 ms at random. Frozen objects are skipped; the cost is that
        # a view replaced after a sync that changed something is never freed (once per start).
        gc.freeze()
        if self._pending_digest_path is not None:
            match = next((info for info in view.digests if info.path == self._pending_digest_path), None)
            self._pending_digest_path = None
            if match is not None:
                self.digest_id = match.id
        if self.digest_id is not None and view.digest(self.digest_id) is None:
            self.digest_id = None
        if not view.papers:
            self.detail_placeholder = self._no_papers_text()
        self._update_filters()
        self.refilter()
        self.count_saved_views()

    # -- searching and filtering ---------------------------------------------------------

    def watch_search_text(self) -> None:
        self.refilter(SEARCH_DEBOUNCE)
        self._schedule_session_save()

    def watch_current_view(self) -> None:
        self.refilter()
        self._update_filters()
        self._schedule_session_save()

    def watch_digest_id(self) -> None:
        self.refilter()
        self._update_filters()
        self._schedule_session_save()

    def watch_tag(self) -> None:
        self.refilter()
        self._update_filters()
        self._schedule_session_save()

    def watch_annotations(self, annotations: Annotations) -> None:
        self.count_saved_views(SAVED_COUNT_DELAY)  # a saved view may search tag: or note:
        if self.tag is not None and not annotations.ids_with_tag(self.tag):
            self.tag = None  # its last paper lost the tag: back to every paper
        elif self.tag is not None or self.search_text.strip():  # else the list is unchanged
            self.refilter()
        self._update_filters()

    def refilter(self, debounce: float = 0.0) -> None:
        if self.library_view is not None:
            self.run_search(self.search_text, self.current_view, self.digest_id, debounce)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, text: str, view: View, digest_id: int | None, debounce: float) -> None:
        if debounce:
            await asyncio.sleep(debounce)  # a newer keystroke cancels this worker here
        library_view = self.library_view
        if library_view is None:
            return
        marks, annotations, tag = self.marks, self.annotations, self.tag
        library = self.reader_app.library
        if view is View.NEW and self._provenance_of is not self._full_view:
            return  # `present` refilters once it knows what is new
        new_ids = new_members(view, digest_id, self._provenance.new_in if self._provenance else {}, self._unseen)
        muted = library_view is not self._full_view and bool(self.muting.ids)
        visible = library_view.papers if muted else None  # muted papers are not in the view's papers
        keep = self.selected or (self._restore.selected if self._restore else None)
        rows_shown = max(1, self.paper_list.scrollable_content_region.height // 2 + 1)
        cache = self._snippets
        token = CancelToken()  # cancelled with this worker: the thread stops at its next check

        def search() -> Listing:
            return list_papers(
                library, library_view, text, view, digest_id, marks.read, marks.starred, keep, rows_shown, cache,
                tag, annotations, new_ids, visible, cancel=token,
            )

        listing = await self._in_search_thread(search, token)
        if library_view is not self.library_view:
            return
        self.show_results(listing, library_view)
        # the counts follow the rows: a newer search cancels this worker before they land
        facets = await self._in_search_thread(
            lambda: count_facets(library, library_view, listing, marks.read, marks.starred, cancel=token), token
        )
        if library_view is self.library_view and (facets is not None or self._facets is not None):
            self._facets, self._facets_of = facets, listing  # without a query: none, the pane is right
            self._update_filters()
            if self.marks is not marks:  # a mark changed while they were counted
                self.recount_facets()

    @work(exclusive=True, group="facets", exit_on_error=False)
    async def recount_facets(self) -> None:
        """The search's hits per view and digest again after a mark changed: a paper read or
        starred moves between the Unread and Starred hits."""
        listing, library_view, marks = self._facets_of, self.library_view, self.marks
        if listing is None or library_view is None or self._facets is None:
            return
        library = self.reader_app.library
        token = CancelToken()
        facets = await self._in_search_thread(
            lambda: count_facets(library, library_view, listing, marks.read, marks.starred, cancel=token), token
        )
        if self._facets_of is listing and self.library_view is library_view and self.marks is marks:
            self._facets = facets  # else a newer search or mark counts them again
            self._update_filters()

    async def _in_search_thread(self, job: Callable[[], Any], token: CancelToken) -> Any:
        """Run a search job on a search thread. When a newer search cancels this worker, the
        job is told to stop and is not waited for: the newer one starts on another thread."""
        future = self._search_threads.submit(job)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            token.cancel()
            future.cancel()  # not started yet: it never runs
            raise

    def on_unmount(self) -> None:
        self._search_threads.shutdown()

    def show_results(self, listing: Listing, view: LibraryView) -> None:
        keep = self.selected
        if self._restore is not None:
            keep = keep or self._restore.selected
            self._restore = None
        if self._jump_target is not None:  # a similar paper chosen in the detail pane
            keep = self._jump_target
            self._jump_target = None
        parsed, result, ids = listing.parsed, listing.result, listing.ids
        notices = tuple(dict.fromkeys(parsed.notices + result.notices))
        self._log_new_notices(notices)
        self.notices = notices
        if listing.snippets:
            self._snippets.put(listing.highlight, listing.snippets)
        rows = PaperRows(
            ids, view.papers, Highlight.of(parsed), _newest_year(view), self._empty_text(parsed),
            listing.with_snippets, listing.snippets,
        )
        self.highlight = rows.highlight
        self.paper_list.show(rows, keep)
        if not ids:
            self.selected = None
        self._update_titles()
        self._update_filters()
        if self._restore_query:
            self.call_after_refresh(self._search_restored_query)

    def _log_new_notices(self, notices: tuple[str, ...]) -> None:
        """A query notice goes to the message log when the status line starts showing it, not
        again on each keystroke that keeps it there (a toast would get in the way of typing)."""
        for notice in notices:
            if notice not in self.notices:
                self.reader_app.message_log.add(strip_controls(notice), "warning", "Search")

    def _search_restored_query(self) -> None:
        """The session's query, searched once the list is up (a slow one never holds up the start)."""
        query, self._restore_query = self._restore_query, ""
        if query and not self.search_text:
            self.filter_pane.set_search_text(query)
            self.search_text = query

    def _no_papers_text(self) -> str:
        """Why the library is empty, as the last sync found it (a digest given and rejected
        says which and why)."""
        reason = self._empty_reason
        return f"{reason[:1].upper()}{reason[1:]}." if reason else "No digests yet: add some with `reader add FILE`."

    def _empty_text(self, parsed: ParsedQuery) -> str:
        if self.library_view is not None and not self.library_view.papers:
            return self._no_papers_text()
        if parsed.text:
            return f"No papers match “{parsed.text}”."
        return {
            View.UNREAD: "Nothing unread here. Well done.",
            View.STARRED: "No starred papers here yet: press s to star one.",
            View.NEW: "Nothing new here: every paper was listed before.",
        }.get(self.current_view, "No papers here.")

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        for notice in self.notices:
            self.notify(notice, severity="warning", markup=False)
        self._leave_search()

    @on(FilterList.ViewChosen)
    def _view_chosen(self, event: FilterList.ViewChosen) -> None:
        self.current_view = event.view

    @on(FilterList.DigestChosen)
    def _digest_chosen(self, event: FilterList.DigestChosen) -> None:
        self.digest_id = event.digest_id

    @on(FilterList.TagChosen)
    def _tag_chosen(self, event: FilterList.TagChosen) -> None:
        self.tag = event.tag

    @on(PaperList.SnippetsWanted)
    def _snippets_wanted(self, event: PaperList.SnippetsWanted) -> None:
        highlight = event.rows.highlight
        known = self._snippets.for_ids(event.paper_ids, highlight)
        if known:
            self.paper_list.add_snippets(event.rows, known)
        missing = self._snippets.missing(event.paper_ids, highlight)
        if missing:
            self.load_snippets(event.rows, missing)

    # Not exclusive: each request is for other rows, and a cancelled one would leave its rows
    # blank until they are drawn again.
    @work(group="snippets", exit_on_error=False)
    async def load_snippets(self, rows: PaperRows, paper_ids: list[str]) -> None:
        library = self.reader_app.library
        snippets = await asyncio.to_thread(lambda: make_snippets(library.abstracts(paper_ids), rows.highlight))
        self._snippets.put(rows.highlight, snippets)
        self.paper_list.add_snippets(rows, snippets)
    @on(FilterList.MuteRuleChosen)
    def _mute_rule_chosen(self, event: FilterList.MuteRuleChosen) -> None:
        self.offer_unmute(event.rule)

    # -- what the panes show -------------------------------------------------------------

    def watch_marks(self) -> None:
        if self._facets is not None and self.search_text.strip():
            self.recount_facets()
        self._update_filters()
        self.count_saved_views(SAVED_COUNT_DELAY)

    def _update_filters(self) -> None:
        view = self.library_view
        counts = self._tally_now()
        self.filters = FilterData(
            counts.counts if counts else None,
            view.digests if view else (),
            counts.digests if counts else {},
            self.current_view,
            self.digest_id,
            self._summary(),
            tag_counts=self.annotations.counts,
            tagged=self.annotations.tagged,
            tag=self.tag,
            hits=self._facets if self.search_text.strip() else None,
            saved_views=self.saved_views,
            saved_counts=self._saved_counts,
            saved_active=self._active_saved_view(),
            **self._provenance_filters(),
        )

    def _provenance_filters(self) -> dict[str, Any]:
        """The filter pane's New count (and its hits during a search), each digest's new / seen
        before (over the papers the digest's row counts), and the mute rules."""
        view, found = self.library_view, self._provenance
        shown: dict[str, Any] = {
            "mute_counts": [(rule, len(ids)) for rule, ids in self.muting.hidden_by.items()],
            "muted_shown": self.muted_shown,
        }
        if view is None or found is None:
            return shown
        news = found.news_in(view, self.muting.ids)  # the same papers as each digest's unread / total
        if self.digest_id is None:
            new_count = self._unseen_counts[0 if view is self._full_view else 1]
        else:
            new_count = news[self.digest_id].new if self.digest_id in news else 0
        facets = self._facets if self.search_text.strip() else None
        new_ids = new_members(View.NEW, self.digest_id, found.new_in, self._unseen) or frozenset()
        new_hits = facets.new_hits(new_ids) if facets is not None else None
        return {**shown, "new_count": new_count, "new_hits": new_hits, "digest_news": news}

    def _tally_now(self) -> Tally | None:
        """The counts for the current marks and library, recounted only when they were replaced."""
        view, marks = self.library_view, self.marks
        if view is None:
            return None
        if not self._tally_is_for(view, marks):
            self._tally = tally(view, marks)
            self._tally_of = (view, marks)
        return self._tally

    def _tally_is_for(self, view: LibraryView, marks: Marks) -> bool:
        # identity, not equality: comparing two 100,000-paper views by value is itself a recount
        return self._tally is not None and self._tally_of is not None and (
            self._tally_of[0] is view and self._tally_of[1] is marks
        )

    def _change_marks(self, marks: Marks, changed: list[str]) -> None:
        """New marks from our own key press: the counts follow the few papers that changed."""
        view = self.library_view
        if view is not None and self._tally_is_for(view, self.marks):
            self._tally = retally(self._tally, view, self.marks, marks, changed)
            self._tally_of = (view, marks)
        self.marks = marks

    def _summary(self) -> str:
        parts = [self.current_view.title]
        if self.digest_id is not None and self.library_view is not None:
            info = self.library_view.digest(self.digest_id)
            if info is not None:
                parts.append(info.label)
        if self.tag is not None:
            parts.append(tag_title(self.tag))
        if self.search_text.strip():
            parts.append(f"“{self.search_text.strip()}”")
        shown = self.paper_list.row_count if self.is_mounted else 0
        return f"{' · '.join(parts)}: {shown:,} shown"

    def _update_titles(self) -> None:
        papers = self.paper_list
        title = self.current_view.title
        if self.digest_id is not None and self.library_view is not None:
            info = self.library_view.digest(self.digest_id)
            if info is not None:
                title += f" · {info.label}"
        if self.tag is not None:
            title += f" · {tag_title(self.tag)}"
        # Digest labels, tags and queries are the user's text: plain, never markup.
        papers.border_title = plain_line(f"{title} · {papers.row_count:,}")
        self.query_one("#status", StatusLine).show(self.search_text.strip(), self.notices)
        position = f"{papers.cursor + 1:,} of {papers.row_count:,}" if papers.row_count else "Paper"
        self.detail.border_title = plain_line(position)

    # -- selection and the detail pane ---------------------------------------------------

    @on(VirtualList.Highlighted, "#papers")
    def _paper_highlighted(self, event: VirtualList.Highlighted) -> None:
        self._moved_by_user = event.by_user
        try:
            self.selected = self.paper_list.paper_at(event.index)
        finally:
            self._moved_by_user = False
        self._update_titles()

    @on(VirtualList.Chosen, "#papers")
    def _paper_clicked(self) -> None:
        self._opened_by_user()  # a click on the row already selected opens it too

    def watch_selected(self, paper_id: str | None) -> None:
        self._follow_read_clock(self._read_clock.moved_to(paper_id, self._moved_by_user, self._looking()))
        self.similar = ()
        if paper_id is None:
            self.paper = None
            if self.library_view is not None and self.library_view.papers:
                self.detail_placeholder = "No paper selected."
            return
        self.load_paper(paper_id)
        self.load_similar(paper_id)
        self._schedule_session_save()

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def load_paper(self, paper_id: str) -> None:
        paper = await asyncio.to_thread(self.reader_app.library.paper, paper_id)
        if paper_id == self.selected:
            self.paper = paper

    @work(exclusive=True, group="similar", exit_on_error=False)
    async def load_similar(self, paper_id: str) -> None:
        await asyncio.sleep(SIMILAR_DEBOUNCE)  # moving on to the next paper cancels this here
        hidden = frozenset() if self.muted_shown else self.muting.ids  # muted papers leave this list too
        found = await asyncio.to_thread(similar_papers, self.reader_app.library, paper_id, 5, hidden)
        if paper_id == self.selected:
            self.similar = tuple(found)

    @on(SimilarList.Jump)
    def _jump_to_similar(self, event: SimilarList.Jump) -> None:
        self.jump_to(event.paper_id)

    def jump_to(self, paper_id: str) -> None:
        """Select a paper: in the list as it is, or in All with nothing filtered out."""
        self.set_focus(self.paper_list)
        ids = self.paper_list.rows.ids
        if paper_id in ids:
            self.paper_list.set_cursor(list(ids).index(paper_id))
            return
        self._jump_target = paper_id
        if paper_id in self.muting.ids and not self.muted_shown:
            self.notify("That paper is muted: showing muted papers (H hides them).")
            self.action_toggle_muted()
        self.filter_pane.set_search_text("")
        self.search_text = ""
        self.digest_id = None
        self.current_view = View.ALL
        self.refilter()

    # -- read on open: the rule is ReadClock's; the screen reports moves and focus ---------

    def _looking(self) -> bool:
        """The list or the detail has focus, and no dialog is open over the screen."""
        focused = self.focused
        if focused is None or not self.is_active:
            return False
        return focused is self.paper_list or self.detail in focused.ancestors_with_self

    def _opened_by_user(self) -> None:
        """The user chose the selected paper without moving (enter, a click on its row)."""
        self._follow_read_clock(self._read_clock.moved_to(self.selected, True, self._looking()))

    def _attention_changed(self) -> None:
        self._follow_read_clock(self._read_clock.attention(self._looking()))

    def watch_focused(self) -> None:
        self._attention_changed()

    def on_screen_suspend(self) -> None:
        self._attention_changed()  # a dialog opened

    def on_screen_resume(self) -> None:
        self._attention_changed()

    def _follow_read_clock(self, clock: ReadClock) -> None:
        """Start, keep or stop the read-on-open timer as the clock says."""
        if clock == self._read_clock:
            return
        self._read_clock = clock
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        delay = self.reader_app.config.read_on_open
        if delay is not None and clock.running(delay, self.marks.read):
            self._read_timer = self.set_timer(delay, partial(self._read_on_open, clock))

    def _read_on_open(self, clock: ReadClock) -> None:
        self._read_timer = None
        paper_id = clock.paper_id
        if clock is not self._read_clock or paper_id is None or paper_id != self.selected:
            return  # moved on, or looked away, meanwhile
        if clock.running(self.reader_app.config.read_on_open, self.marks.read):
            self._set_read([paper_id], True, "read on open")

    # -- marks ---------------------------------------------------------------------------

    def _set_read(self, ids: list[str], read: bool, description: str | None = None) -> None:
        if not ids:
            return
        self._follow_read_clock(self._read_clock.marked(ids))  # the user's decision, or the clock's
        self._save_marks("read", ids, read, partial(self.reader_app.state.set_read, ids, read, description))

    def _set_starred(self, ids: list[str], starred: bool) -> None:
        self._save_marks("starred", ids, starred, partial(self.reader_app.state.set_starred, ids, starred))

    def _save_marks(
        self, field: str, ids: list[str], value: bool, job: Callable[[], Any], saved_notice: str | None = None
    ) -> None:
        """Write marks, then draw them: the screen never shows a mark that is not on disk."""
        change = (field, ids, value)
        self._unsaved.append(change)

        def saved(_: Any) -> None:
            self._unsaved.remove(change)
            marks = self.marks.with_read(ids, value) if field == "read" else self.marks.with_starred(ids, value)
            self._change_marks(marks, ids)
            if saved_notice:
                self.notify(saved_notice)

        self._write(job, saved, lambda: self._unsaved.remove(change))

    def _marks_meant(self) -> Marks:
        """The marks as the user made them: the saved ones and the writes still on their way."""
        marks = self.marks
        for field, ids, value in self._unsaved:
            marks = marks.with_read(ids, value) if field == "read" else marks.with_starred(ids, value)
        return marks

    def _write(
        self,
        job: Callable[[], Any],
        after: Callable[[Any], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Queue a state job (writes land in the order they were made) and await it."""
        self._submitted += 1
        self._await_job(self.reader_app.state_jobs.submit(job), after, failed)

    @work(group="state", exit_on_error=False)
    async def _await_job(
        self, future: Future[Any], after: Callable[[Any], None] | None, failed: Callable[[], None] | None = None
    ) -> None:
        try:
            # shield: leaving the app must not cancel a queued write
            result = await asyncio.shield(asyncio.wrap_future(future))
        except Exception as error:
            if failed is not None:
                failed()
            retry = "" if isinstance(error, StateReadOnly) else " Press the key again to retry."
            self.notify(f"Not saved, so not shown: {error}.{retry}", severity="error", markup=False, timeout=15)
            self._state_version = None  # the next poll re-reads every mark
            return
        if after is not None:
            after(result)
        self.reader_app.lock_released()

    async def _state_call(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.shield(asyncio.wrap_future(self.reader_app.state_jobs.submit(function, *args)))

    def _poll_state(self) -> None:
        if self.reader_app.closing.is_set() or self._state_version is None and self._submitted == 0:
            return
        self._poll()

    @work(exclusive=True, group="state-poll", exit_on_error=False)
    async def _poll(self) -> None:
        submitted = self._submitted
        version, marks = await self._state_call(
            _marks_if_changed, self.reader_app.state, self._state_version, self.marks
        )
        if submitted != self._submitted:
            return  # a change of ours is still on its way: the next poll looks again
        moved = version != self._state_version
        self._state_version = version
        if marks is not None:
            self.marks = marks
        if moved:  # another copy (or `reader undo`) may have changed tags or notes
            annotations = await self._state_call(_annotations_if_changed, self.reader_app.state, self.annotations)
            if annotations is not None and submitted == self._submitted:
                self.annotations = annotations

    def _current(self) -> str | None:
        return self.paper_list.highlighted

    def action_toggle_read(self) -> None:
        paper_id = self._current()
        if paper_id is not None:
            self._set_read([paper_id], paper_id not in self._marks_meant().read)

    def action_toggle_star(self) -> None:
        paper_id = self._current()
        if paper_id is not None:
            self._set_starred([paper_id], paper_id not in self._marks_meant().starred)

    def action_read_and_next(self) -> None:
        paper_id = self._current()
        if paper_id is None:
            return
        if paper_id not in self._marks_meant().read:
            self._set_read([paper_id], True)
        papers = self.paper_list
        papers.set_cursor(after_mark(papers.cursor, papers.row_count), by_user=True)

    def action_mark_all_read(self) -> None:
        targets = to_mark_read(self.paper_list.rows.ids, self._marks_meant().read)
        if not targets:
            self.notify("Every paper shown is already read.")
            return
        count = len(targets)
        noun = "paper" if count == 1 else "papers"

        def answer(yes: bool | None) -> None:
            if yes:
                self._follow_read_clock(self._read_clock.marked(targets))
                job = partial(self.reader_app.state.set_read, targets, True, f"mark all shown read ({count:,} {noun})")
                self._save_marks("read", targets, True, job, f"Marked {count:,} {noun} read. u undoes it.")

        self.app.push_screen(
            ConfirmScreen(f"Mark {count:,} {noun} read?", f"Every unread paper in: {self._summary()}", "Mark read"),
            answer,
        )

    def action_undo(self) -> None:
        self._write(partial(_undo, self.reader_app.state), self._undone)

    def _undone(self, outcome: tuple[Any, dict, Annotations]) -> None:
        result, marks, annotations = outcome
        if result is None:
            self.notify("Nothing to undo.")
            return
        if result.mute_rules:
            self._reload_mute_rules()
        self.marks = self.marks.patched(marks)
        if not same_annotations(self.annotations, annotations):
            self.annotations = annotations
        self._follow_read_clock(self._read_clock.marked(marks))
        papers = self._full_view.papers if self._full_view is not None else {}
        undone = result.naming_the_paper(lambda pid: papers[pid].title if pid in papers else None)
        self.notify(f"Undone: {undone}", markup=False)
        if len(result.paper_ids) == 1:  # bring the cursor back to what changed
            try:
                self.paper_list.set_cursor(list(self.paper_list.rows.ids).index(result.paper_ids[0]))
            except ValueError:
                pass

    # -- tags, notes and exports ----------------------------------------------------------

    def _paper_title(self, paper_id: str) -> str:
        summary = self.library_view.papers.get(paper_id) if self.library_view else None
        return summary.title if summary else paper_id

    def action_edit_tags(self) -> None:
        paper_id = self._current()
        if paper_id is None:
            self.notify("No paper selected.")
            return
        current = self.annotations.tags.get(paper_id, ())

        def chosen(edit: TagEdit | None) -> None:
            if edit:
                self._change_tags(paper_id, current, edit)

        self.app.push_screen(TagScreen(self._paper_title(paper_id), current, list(self.annotations.counts)), chosen)

    def _change_tags(self, paper_id: str, current: tuple[str, ...], edit: TagEdit) -> None:
        tags = apply_tag_edit(current, edit)
        if tags == tuple(sorted(current)):
            self.notify("No change to the tags.")
            return
        self._write(  # shown once saved, like a mark
            partial(self.reader_app.state.change_tags, paper_id, edit.add, edit.remove),
            lambda _: setattr(self, "annotations", self.annotations.with_tags(paper_id, tags)),
        )

    def action_edit_note(self) -> None:
        paper_id = self._current()
        if paper_id is None:
            self.notify("No paper selected.")
            return
        current = self.annotations.notes.get(paper_id, "")

        def edited(text: str | None) -> None:
            if text is not None:
                self._save_note(paper_id, current, text)

        self.app.push_screen(NoteScreen(self._paper_title(paper_id), current), edited)

    def _save_note(self, paper_id: str, current: str, text: str) -> None:
        note = normalise_note(text)
        if note == current:
            return
        if len(note) > MAX_NOTE_CHARS:
            self.notify(f"The note is too long ({len(note):,} characters; at most {MAX_NOTE_CHARS:,}); not saved.",
                        severity="error", markup=False, timeout=10)
            return

        def saved(_: Any) -> None:  # shown once saved, like a mark
            self.annotations = self.annotations.with_note(paper_id, note)
            self.notify("Note deleted. u undoes it." if not note else "Note saved.")

        self._write(partial(self.reader_app.state.set_note, paper_id, note), saved)

    def action_export(self, which: str) -> None:
        if self.library_view is None:
            self.notify("The library is still loading.")
            return
        if which == "starred":
            ids = [pid for pid in self.library_view.order if pid in self.marks.starred]
            what, stem = "the starred papers", "reader-starred"
        else:
            ids = list(self.paper_list.rows.ids)
            what, stem = f"this view ({self._summary().rsplit(':', 1)[0]})", "reader-export"
        if not ids:
            self.notify("Nothing to export: no papers here.", severity="warning")
            return

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.export_to_file(ids, request)

        self.app.push_screen(ExportScreen(what, len(ids), stem), chosen)

    @work(exclusive=True, group="export", exit_on_error=False)
    async def export_to_file(self, ids: list[str], request: ExportRequest) -> None:
        library, annotations = self.reader_app.library, self.annotations

        def write(marks) -> Path:
            papers = [paper for paper in map(library.paper, ids) if paper is not None]
            text = export_papers(papers, marks, request.fmt, annotations)
            return write_file(request.path, text, create_folder=request.create_folder)

        try:
            marks = await self._state_call(self.reader_app.state.marks, ids)
            written = await asyncio.to_thread(write, marks)
        except Exception as error:  # noqa: BLE001 - a full disk or a broken catalog: say so, keep running
            self.notify(f"Could not export: {error}", severity="error", markup=False, timeout=10)
            return
        noun = "paper" if len(ids) == 1 else "papers"
        self.notify(f"Exported {len(ids):,} {noun} to {written}", markup=False, timeout=8)

    # -- moving --------------------------------------------------------------------------

    def _list(self) -> VirtualList:
        focused = self.focused
        return focused if isinstance(focused, (FilterList, SimilarList)) else self.paper_list

    def action_cursor_down(self) -> None:
        self._list().move(1)

    def action_cursor_up(self) -> None:
        self._list().move(-1)

    def action_cursor_first(self) -> None:
        self._list().first()

    def action_cursor_last(self) -> None:
        self._list().last()

    def action_page_down(self) -> None:
        self._list().page(1)

    def action_page_up(self) -> None:
        self._list().page(-1)

    def action_next_unread(self) -> None:
        self._step_unread(1)

    def action_previous_unread(self) -> None:
        self._step_unread(-1)

    def _step_unread(self, step: int) -> None:
        papers = self.paper_list
        index = step_unread(papers.rows.ids, papers.cursor, self.marks.read, step)
        if index is None:
            self.notify(f"No unread paper {'below' if step > 0 else 'above'}.")
        else:
            papers.set_cursor(index, by_user=True)

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, (FilterList, SimilarList)):
            focused.choose(focused.cursor)
        elif focused is self.detail and self.similar:
            self.set_focus(self.detail.query_one(SimilarList))  # enter again: pick a similar paper
        elif self.paper is not None:
            self.set_focus(self.detail)
            self._opened_by_user()  # "read the paper": as deliberate as moving onto it

    def action_read_on(self) -> None:
        detail = self.detail
        if detail.scroll_y < detail.max_scroll_y:
            detail.scroll_page_down(animate=False)
        else:
            self.paper_list.move(1)

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            self._leave_search()
        elif focused is not self.paper_list:
            self.set_focus(self.paper_list)
        elif self.search_text:
            self.filter_pane.set_search_text("")
            self.search_text = ""
        elif self.digest_id is not None:
            self.digest_id = None
        elif self.tag is not None:
            self.tag = None

    # -- searching, views, panes ---------------------------------------------------------

    def action_search(self) -> None:
        search = self.filter_pane.query_one("#search", Input)
        if self.focused is search:
            raise SkipAction()  # "/" typed in the search box is part of the query
        if not self._filters_visible():
            self.filters_shown = True
            self._revealed_for_search = True
        self.set_focus(search)
        search.select_all()  # typing replaces the last search; an arrow key keeps it to edit

    def _leave_search(self) -> None:
        self.set_focus(self.paper_list)
        if self._revealed_for_search:
            self._revealed_for_search = False
            self.filters_shown = None

    def action_show_view(self, name: str) -> None:
        self.current_view = View(name)

    # -- muting ----------------------------------------------------------------------------

    def action_mute(self) -> None:
        def answer(rule: str | None) -> None:
            if rule:
                self._write(partial(self.reader_app.state.add_mute_rule, rule), partial(self._muted, rule))

        self.app.push_screen(MuteScreen(self.search_text.strip()), answer)

    def _muted(self, rule: str, added: bool) -> None:
        if not added:
            self.notify(f"Already muted: {rule}", markup=False)
            return
        self.notify(f"Muted papers matching {rule}. u undoes it; H shows muted papers.", markup=False)
        self._reload_mute_rules()

    def offer_unmute(self, rule: str) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._write(partial(self.reader_app.state.remove_mute_rule, rule), partial(self._unmuted, rule))

        hidden = len(self.muting.hidden_by.get(rule, ()))
        self.app.push_screen(
            ConfirmScreen(f"Delete the mute rule {rule}?", f"It hides {hidden:,} papers.", "Delete"), answer
        )

    def _unmuted(self, rule: str, removed: bool) -> None:
        if removed:
            self.notify(f"No longer muted: {rule}. u undoes it.", markup=False)
        self._reload_mute_rules()

    @work(exclusive=True, group="mute-rules", exit_on_error=False)
    async def _reload_mute_rules(self) -> None:
        self._mute_rules = await self._state_call(lambda state: state.mute_rules(), self.reader_app.state)
        if self._full_view is not None:
            await self.present(self._full_view)

    def action_toggle_muted(self) -> None:
        self.muted_shown = not self.muted_shown

    def watch_muted_shown(self, shown: bool) -> None:
        if self._full_view is None or self._unmuted_view is None:
            return
        self.show_library(self._full_view if shown else self._unmuted_view)
        if self.muting.ids:
            self.notify(f"Muted papers {'shown' if shown else 'hidden'}: {len(self.muting.ids):,}.")
        else:
            self.notify("No papers are muted: M mutes papers matching a search.")

    def action_toggle_filters(self) -> None:
        self._revealed_for_search = False
        self.filters_shown = not self._filters_visible()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    # -- links ---------------------------------------------------------------------------

    def action_open_link(self) -> None:
        self._with_paper(self._open_link)

    def action_copy(self) -> None:
        self._with_paper(self._copy)

    def _open_link(self, paper: Paper) -> None:
        self.app.open_url(link_to_open(paper.title, paper.links))  # says whether a browser took it

    def _copy(self, paper: Paper) -> None:
        self.reader_app.copy_text(clipboard_text(paper.title, paper.links), "the title and link")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_job(self, event)

    @work(group="paper-action", exit_on_error=False)
    async def _with_paper(self, then: Callable[[Paper], None]) -> None:
        paper_id = self._current()
        if paper_id is None:
            return
        paper = self.paper if self.paper is not None and self.paper.id == paper_id else None
        if paper is None:
            paper = await asyncio.to_thread(self.reader_app.library.paper, paper_id)
        if paper is not None:
            then(paper)

    # -- saved views ---------------------------------------------------------------------

    @work(exclusive=True, group="saved-counts", exit_on_error=False)
    async def count_saved_views(self, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)  # a newer change of marks cancels this worker here
        saved, marks, annotations, library = self.saved_views, self.marks, self.annotations, self.reader_app.library
        if not saved or self.library_view is None:
            return
        counts = await self._in_search_thread(
            partial(count_saved_views, library, saved, marks.read, marks.starred, annotations, self.muting.ids),
            CancelToken(),
        )
        if saved is self.saved_views:
            self._saved_counts = counts
            self._update_filters()

    def _active_saved_view(self) -> str | None:
        query = self.search_text.strip()
        return next(
            (
                saved.name
                for saved in self.saved_views
                if saved.query == query and view_of(saved) is self.current_view and self.digest_id is None
            ),
            None,
        )

    def _show_saved_views(self, saved: list[SavedView]) -> None:
        self.saved_views = tuple(saved)
        self._update_filters()
        self.count_saved_views()

    def action_save_view(self) -> None:
        query = self.search_text.strip()
        if not query:
            self.notify("Search first (press /): a saved view keeps a search.", severity="warning")
            return
        view = self.current_view
        detail = f"The search “{query}” in {view.title}, listed under Saved in the filter pane."
        default = self._active_saved_view() or query

        def save(name: str | None) -> None:
            if name is None:
                return
            saved = SavedView(name, query, view.value)

            def saved_it(outcome: tuple[bool, list[SavedView]]) -> None:
                replaced, views = outcome
                self._show_saved_views(views)
                self.notify(f"{'Replaced' if replaced else 'Saved'} the view “{name}”.", markup=False)

            self._write(partial(_save_view, self.reader_app.state, saved), saved_it)

        self.app.push_screen(ViewNameScreen("Save this search as a view", detail, default[:60]), save)

    @on(FilterList.SavedViewChosen)
    def _saved_view_chosen(self, event: FilterList.SavedViewChosen) -> None:
        self.apply_saved_view(event.name)

    def apply_saved_view(self, name: str) -> None:
        saved = find_saved_view(self.saved_views, name)
        if saved is None:
            return
        self.digest_id = None  # a saved view spans every digest (its query may name one)
        self.current_view = view_of(saved)
        self.filter_pane.set_search_text(saved.query)
        self.search_text = saved.query
        self.set_focus(self.paper_list)

    def rename_saved_view(self, name: str) -> None:
        def rename(new: str | None) -> None:
            if new is not None and new != name:
                self._write(partial(_rename_view, self.reader_app.state, name, new), self._show_saved_views)

        self.app.push_screen(ViewNameScreen("Rename the saved view", f"Now “{name}”.", name), rename)

    def delete_saved_view(self, name: str) -> None:
        def delete(yes: bool | None) -> None:
            if yes:
                self._write(partial(_delete_view, self.reader_app.state, name), self._show_saved_views)
                self.notify(f"Deleted the saved view “{name}”.", markup=False)

        self.app.push_screen(ConfirmScreen(f"Delete the saved view “{name}”?", "Its papers and marks stay.", "Delete"), delete)

    # -- the session ---------------------------------------------------------------------

    def session(self) -> Session:
        digest_path = None
        if self.digest_id is not None and self.library_view is not None:
            info = self.library_view.digest(self.digest_id)
            digest_path = info.path if info else None
        query = self.search_text or self._restore_query  # quitting before the saved query ran keeps it
        return Session(query, self.current_view, digest_path, self.selected, self.tag)

    def _schedule_session_save(self) -> None:
        if self.library_view is None:
            return  # still restoring: nothing new to remember
        if self._session_timer is not None:
            self._session_timer.stop()
        self._session_timer = self.set_timer(SESSION_SAVE_DELAY, self.save_session)

    def save_session(self) -> None:
        if self._session_timer is not None:
            self._session_timer.stop()
            self._session_timer = None
        if self.library_view is None:
            return
        self._write(partial(self.reader_app.state.set_setting, SESSION_KEY, self.session().to_json()))


# -- jobs run on the state thread ------------------------------------------------------------


def _load_state(state) -> tuple[Marks, Session, int]:
    return Marks(state.read_ids(), state.starred_ids()), Session.from_json(state.get_setting(SESSION_KEY)), state.version()


def _saved_views(state) -> list[SavedView]:
    return state.saved_views()


def _save_view(state, saved: SavedView) -> tuple[bool, list[SavedView]]:
    return state.save_view(saved), state.saved_views()


def _rename_view(state, old: str, new: str) -> list[SavedView]:
    state.rename_view(old, new)
    return state.saved_views()


def _delete_view(state, name: str) -> list[SavedView]:
    state.delete_view(name)
    return state.saved_views()
def _record_shown(state, view: LibraryView, known: frozenset[str]) -> frozenset[str]:
    """Remember the listed papers as shown; returns every paper known now. The session keeps
    its own snapshot, so they stay New until the next start."""
    fresh = to_record(view, known)
    state.record_known(fresh)
    return known | frozenset(fresh) if fresh else known


def _muted_view(library, view: LibraryView, rules: list[str]) -> tuple[Muting, LibraryView]:
    try:
        muting = match_rules(library, rules)
    except Exception:  # noqa: BLE001 - an index being rebuilt must not stop the reader
        muting = Muting({rule: frozenset() for rule in rules})
    return muting, without_muted(view, muting.ids)


def _marks_if_changed(state, known: int | None, shown: Marks) -> tuple[int, Marks | None]:
    """New marks when the database holds others than those shown (compared here, off the UI
    thread: our own writes also move the version, and re-counting 100,000 papers for nothing
    would stall the screen)."""
    version = state.version()
    if version == known:
        return version, None
    read, starred = state.read_ids(), state.starred_ids()
    if read == shown.read and starred == shown.starred:
        return version, None
    return version, Marks(read, starred)


def _undo(state) -> tuple[Any, dict, Annotations]:
    result = state.undo()
    if result is None:
        return None, {}, Annotations()
    return result, state.marks(result.paper_ids), Annotations.load(state)


def _annotations_if_changed(state, shown: Annotations) -> Annotations | None:
    """Tags and notes when they differ from those shown (compared off the UI thread)."""
    fresh = Annotations.load(state)
    return None if same_annotations(fresh, shown) else fresh


def _newest_year(view: LibraryView) -> int | None:
    newest: date | None = next((info.date for info in view.digests if info.date is not None), None)
    return newest.year if newest else None
