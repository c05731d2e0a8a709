"""Loading the library: the marks and the session first, then the catalog, then a sync of the
digests (progress shown while the window is open); and provenance: first appearances, papers
new to the user and the mute rules, worked out per library view off the UI thread. Muted
papers leave the view as one id set.
"""

from __future__ import annotations

import asyncio
import gc
from functools import partial

from textual import work

from reader.domain.library_view import LibraryView
from reader.library.library import Library, SyncReport
from reader.library.mute import Muting, match_rules, without_muted
from reader.library.provenance import Provenance, new_to_user, provenance, to_record
from reader.library.renamed_ids import follow_renamed_ids
from reader.state.store import StateStore
from reader.tui.context import ReaderContext
from reader.tui.messages import SyncCancelled, SyncProgress
from reader.tui.model import Changes
from reader.tui.reading.search import SearchScreen
from reader.tui.sort_state import SORT_SETTING, SortChoices
from reader.tui.widgets.paper_list import PaperRows
from reader.tui.widgets.progress_line import ProgressLine

_gc_frozen = False


def freeze_once() -> None:
    """The first library view lives as long as the app: a full collection walking its 100,000
    entries stalls the UI for 150-250 ms at random, and frozen objects are skipped. Only the
    first is frozen: a view replaced later (after a sync that changed something, a mute rule)
    must stay collectable."""
    global _gc_frozen
    if not _gc_frozen:
        _gc_frozen = True
        gc.freeze()


class LoadingScreen(SearchScreen):
    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self._syncing = False
        self._known_load: asyncio.Future[frozenset[str]] | None = None  # shown in an earlier session
        self._known_recorded: frozenset[str] = frozenset()  # ... or recorded as shown since

    @work(exclusive=True, group="library", exit_on_error=False, description="library")
    async def start(self) -> None:
        model, client = self.model, self.client
        # Asked for with the marks, not after them: a round trip of its own delays the first list.
        sort_setting = asyncio.ensure_future(self._state_call(_sort_setting, client.state))
        loaded = await client.load()
        self.sorts = SortChoices.from_json(await sort_setting)
        self._set_marks(loaded.marks)
        self._set_annotations(loaded.annotations)
        model.saved_views = loaded.saved_views
        model.mute_rules = loaded.mute_rules
        # The papers shown before are needed only once the list is up: they load meanwhile.
        self._known_load = client.load_known()
        model.restore_session(loaded.session)  # a slow query must not hold up the first list
        self._apply(Changes(filters=True))
        view = await asyncio.to_thread(self.library.view)
        if view.papers:
            await self.present(view)
            await self._load_upvotes()
        else:
            self.paper_list.show(PaperRows(empty_text="Looking for digests…"))
        await self.sync_library()

    async def sync_library(self) -> bool:
        """Bring the library up to date with the digest files (progress shown above the list)
        and show it again when something changed; False when the app closed meanwhile."""
        self._syncing = True
        try:
            report = await asyncio.to_thread(self.library.sync, self._sync_progress)
        except SyncCancelled:
            return False
        except Exception as error:  # a broken index or catalog must not take the reader down
            self.notify(f"Could not update the library: {error}", severity="error", markup=False, timeout=10)
            report = None
        finally:
            self._syncing = False
            self.query_one(ProgressLine).finish()
        if report is not None:
            self._report_sync(report)
        followed = await self._follow_renamed_ids()
        if report is None or report.changed or self.model.library_view is None or followed:
            await self.present(await asyncio.to_thread(self.library.view))
            await self._load_upvotes()
        return True

    async def _load_upvotes(self) -> None:
        """Fetched papers' upvotes for the list rows, once the rows are up (the first paint
        never waits for them); none when the config turns them off."""
        if self.context.config.list_upvotes:
            self.paper_list.set_upvotes(await asyncio.to_thread(upvotes_of, self.library))

    async def _follow_renamed_ids(self) -> bool:
        """Marks, tags and notes follow papers whose id a new text clean-up changed; True
        when some did (the marks and the papers already shown are read again)."""
        try:
            followed = await self._state_call(follow_renamed_ids, self.library, self.client.state)
        except Exception as error:  # noqa: BLE001 - the old ids keep the marks; tried again at the next start
            self.notify(f"Could not move marks to renamed papers: {error}", severity="error", markup=False, timeout=10)
            return False
        if not followed.renamed:
            return False
        if followed.notice:
            self.notify(followed.notice, markup=False, timeout=8)
        reloaded = await self.client.reload()
        if reloaded is not None:  # else a mark made meanwhile is on its way: the poll reads all
            self._set_marks(reloaded[0])
            self._set_annotations(reloaded[1])
        if self._known_load is not None:  # the session's snapshot, with the new ids of papers shown
            known = followed.carry(await asyncio.shield(self._known_load))
            self._known_load = asyncio.get_running_loop().create_future()
            self._known_load.set_result(known)
        return True

    def _sync_progress(self, stage: str, done: int, total: int) -> None:
        """Called in the sync thread."""
        if self.context.closing.is_set():
            raise SyncCancelled()
        self.post_message(SyncProgress(stage, done, total))

    def on_sync_progress(self, message: SyncProgress) -> None:
        if not self._syncing:
            return  # posted just before the sync ended: the progress line is already gone
        self.query_one(ProgressLine).report(message.stage, message.done, message.total)
        view = self.model.library_view
        if view is None or not view.papers:
            total = f" of {message.total:,}" if message.total else ""
            self.paper_list.show(PaperRows(empty_text=f"{message.stage.capitalize()}: {message.done:,}{total}…"))

    def _report_sync(self, report: SyncReport) -> None:
        self.model.empty_reason = report.empty_reason
        for notice in report.notices:
            self.notify(notice, severity="warning", markup=False, timeout=8)
        if report.warnings:
            count = len(report.warnings)
            first = report.warnings[0]
            for warning in report.warnings[1:]:  # the toast names the first; the log keeps every one
                self.context.message_log.add(str(warning), "warning", "Digest problems")
            more = f" (and {count - 1} more: L shows them all)" if count > 1 else ""
            self.notify(f"{first}{more}", title="Digest problems", severity="warning", markup=False, timeout=8)

    async def present(self, view: LibraryView) -> None:
        """Show a view with the muted papers taken out, then work out first appearances and
        new papers, and remember its papers as shown to this user. The blocking parts run in
        threads; with no mute rule the list is shown at once."""
        model, library, rules = self.model, self.library, list(self.model.mute_rules)
        muting, unmuted = Muting(), view
        if rules:
            muting, unmuted = await asyncio.to_thread(muted_view, library, view, rules)
        for notice in model.take_muting(view, unmuted, muting):  # e.g. a rule too slow to run
            self.notify(notice, title="Mute rules", severity="warning", markup=False, timeout=12)
        self.show_library(model.view_to_show())
        if model.needs_provenance() and self._known_load is not None:
            known = await asyncio.shield(self._known_load)  # the same snapshot all session
            if model.provenance_of is None:
                self._known_recorded = known
            found, unseen = await asyncio.to_thread(lambda: (provenance(view), new_to_user(view, known)))
            model.take_provenance(view, found, unseen)
            if view.papers:
                self._write(
                    partial(record_shown, self.client.state, view, self._known_recorded),
                    partial(setattr, self, "_known_recorded"),
                )
        self._apply(model.provenance_shown())

    @work(exclusive=True, group="mute-rules", exit_on_error=False, description="mute-rules")
    async def reload_mute_rules(self) -> None:
        """The mute rules changed (added, deleted, undone): read them, show the view again."""
        self.model.mute_rules = await self._state_call(_mute_rules, self.client.state)
        if self.model.full_view is not None:
            await self.present(self.model.full_view)

    def show_library(self, view: LibraryView | None) -> None:
        if view is None:
            return
        freeze_once()
        changes = self.model.show(view)
        if not view.papers:
            self.detail_placeholder = self.model.no_papers_text()
        self._apply(changes)

    @property
    def _provenance(self) -> Provenance | None:
        return self.model.provenance


def _mute_rules(state: StateStore) -> list[str]:
    return state.mute_rules()


def _sort_setting(state: StateStore) -> object:
    return state.get_setting(SORT_SETTING)


def record_shown(state: StateStore, view: LibraryView, known: frozenset[str]) -> frozenset[str]:
    """On the state thread: remember the listed papers as shown; returns every paper known now.
    The session keeps its own snapshot, so they stay New until the next start."""
    fresh = to_record(view, known)
    state.record_known(fresh)
    return known | frozenset(fresh) if fresh else known


def upvotes_of(library: Library) -> dict[str, int]:
    return {pid: meta.upvotes for pid, meta in library.metadata().items() if meta.upvotes is not None}


def muted_view(library: Library, view: LibraryView, rules: list[str]) -> tuple[Muting, LibraryView]:
    try:
        muting = match_rules(library, rules)
    except Exception:  # noqa: BLE001 - an index being rebuilt must not stop the reader
        muting = Muting({rule: frozenset() for rule in rules})
    return muting, without_muted(view, muting.ids)
