"""The main screen: filter pane, paper list and detail pane over the library and the marks.

This module arranges the widgets and forwards their messages and the keys; the model
(reader.tui.model) holds what is shown, and each concern has its own layer in reader.tui.reading
(loading and provenance, search, moving, marks, the selection and bulk marks, mute rules, saved
views, tags and notes, exports, the session). All blocking work runs in workers:

- library: load the catalog, then sync the digests (progress shown while the window is open);
- search: at once and exclusive; a newer key drops a stale search, and a stale result is never shown;
- detail: load the paper once the cursor rests on it, then the papers most like it;
- state: every read or write of the state database goes through the state client, in
  order, and a mark is drawn only once its write has committed; a poll picks up other
  processes' changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Footer, Input

from reader.domain.links import clipboard_text, paper_links, scholar_search
from reader.domain.models import Paper
from reader.domain.views import View
from reader.search.similar import similar_papers
from reader.tui import bindings
from reader.tui.context import ReaderContext
from reader.tui.idle_gc import IdleCollector
from reader.tui.reading.bulk_actions import BulkActions
from reader.tui.reading.export import ExportCommands
from reader.tui.reading.fetching import FetchCommands
from reader.tui.reading.marks import STATE_POLL_SECONDS
from reader.tui.reading.mute import MuteCommands
from reader.tui.reading.navigation import Navigation
from reader.tui.reading.notes import NoteCommands
from reader.tui.reading.saved_views import SavedViewCommands
from reader.tui.reading.statistics import StatisticsCommands
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.link_chooser import LinkChooserScreen
from reader.tui.state_client import SESSION_KEY
from reader.tui.widgets.filter_list import FilterList
from reader.tui.widgets.filter_pane import FilterPane
from reader.tui.widgets.paper_detail import PaperDetail
from reader.tui.widgets.paper_list import PaperList, PaperRows
from reader.tui.widgets.progress_line import ProgressLine
from reader.tui.widgets.similar_list import SimilarList
from reader.tui.widgets.status_line import StatusLine
from reader.tui.widgets.virtual_list import VirtualList

__all__ = ["SESSION_KEY", "MainScreen"]

NARROW_BELOW = 100  # columns: under this the filter pane folds away
DETAIL_DELAY = 0.04  # seconds the cursor rests on a paper (two frames) before its detail loads
GC_TICK_SECONDS = 0.5  # how often a pause in the keys is looked for
SIMILAR_DEBOUNCE = 0.15  # seconds on a paper's detail before its similar papers are looked up


class MainScreen(
    Navigation, BulkActions, MuteCommands, SavedViewCommands, NoteCommands, ExportCommands, FetchCommands,
    StatisticsCommands,
):
    BINDINGS: ClassVar[list[BindingType]] = list(bindings.screen_bindings())
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    AUTO_FOCUS = "#papers"

    filters_shown: reactive[bool | None] = reactive(None, init=False)  # None: decided by the width

    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self._revealed_for_search = False
        self._collector = IdleCollector()  # full garbage collections wait for a pause in the keys

    def on_key(self) -> None:
        self._collector.input()

    def on_unmount(self) -> None:
        self._collector.stop()

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FilterPane(id="filters").data_bind(data=MainScreen.filters)
            with Container(id="reading"):  # side by side when wide, stacked when narrow
                with Vertical(id="list-column"):
                    yield ProgressLine(id="progress")
                    yield PaperList(id="papers").data_bind(MainScreen.annotations)  # marks: set_marks, row by row
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
        self._collector.start()
        self.set_interval(GC_TICK_SECONDS, self._collector.tick)
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

    # -- what the widgets report ----------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        for notice in self.model.notices:
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

    @on(FilterList.MuteRuleChosen)
    def _mute_rule_chosen(self, event: FilterList.MuteRuleChosen) -> None:
        self.offer_unmute(event.rule)

    @on(PaperList.SnippetsWanted)
    def _snippets_wanted(self, event: PaperList.SnippetsWanted) -> None:
        self.show_snippets(event.rows, event.paper_ids)

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

    @on(SimilarList.Jump)
    def _jump_to_similar(self, event: SimilarList.Jump) -> None:
        self.jump_to(event.paper_id)

    # -- the selected paper and the detail pane -------------------------------------------------

    @property
    def selected(self) -> str | None:
        return self.model.selected

    @selected.setter
    def selected(self, paper_id: str | None) -> None:
        self._select(paper_id)

    def _select(self, paper_id: str | None) -> None:
        if not self.model.select(paper_id):
            return
        self._moved_to(paper_id)
        if paper_id is None:
            self.similar = ()
            self.paper = None
            view = self.model.library_view
            if view is not None and view.papers:
                self.detail_placeholder = "No paper selected."
            return
        self.load_paper(paper_id)
        self._schedule_session_save()

    @work(exclusive=True, group="detail", exit_on_error=False, description="detail")
    async def load_paper(self, paper_id: str) -> None:
        """The detail follows the cursor once it rests: a key pressed meanwhile cancels this
        here, so moving through the list draws the rows and nothing else."""
        await asyncio.sleep(DETAIL_DELAY)
        paper = await asyncio.to_thread(self.library.paper, paper_id)
        if paper_id != self.model.selected:
            return
        if self.similar:
            self.similar = ()  # the last paper's, until this one's are found
        self.paper = paper
        self.load_similar(paper_id)

    @work(exclusive=True, group="similar", exit_on_error=False, description="similar")
    async def load_similar(self, paper_id: str) -> None:
        await asyncio.sleep(SIMILAR_DEBOUNCE)  # moving on to the next paper cancels this here
        hidden = self.model.hidden_from_similar()  # muted papers leave this list too
        found = await asyncio.to_thread(similar_papers, self.library, paper_id, 5, hidden)
        if paper_id == self.model.selected:
            self.similar = tuple(found)

    def jump_to(self, paper_id: str) -> None:
        """Select a paper: in the list as it is, or in All with nothing filtered out."""
        self.set_focus(self.paper_list)
        ids = self.paper_list.rows.ids
        if paper_id in ids:
            self.paper_list.set_cursor(ids.index(paper_id))
            return
        self.model.jump_target = paper_id
        if paper_id in self.model.muting.ids and not self.model.muted_shown:
            self.notify("That paper is muted: showing muted papers (H hides them).")
            self.action_toggle_muted()
        self.filter_pane.set_search_text("")
        self.search_text = ""
        self.digest_id = None
        self.current_view = View.ALL
        self.refilter()

    # -- opening and going back ------------------------------------------------------------------

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, (FilterList, SimilarList)):
            focused.choose(focused.cursor)
        elif focused is self.detail and self.similar:
            self.set_focus(self.detail.query_one(SimilarList))  # enter again: pick a similar paper
        elif self.paper is not None:
            self.set_focus(self.detail)
            self._opened_by_user()  # "read the paper": as deliberate as moving onto it

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            self._leave_search()
        elif self.unselect_all():  # before anything else escape undoes
            pass
        elif focused is not self.paper_list:
            self.set_focus(self.paper_list)
        elif self.search_text:
            self.filter_pane.set_search_text("")
            self.search_text = ""
        elif self.digest_id is not None:
            self.digest_id = None
        elif self.tag is not None:
            self.tag = None

    # -- searching, views, panes ----------------------------------------------------------------

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

    def action_toggle_filters(self) -> None:
        self._revealed_for_search = False
        self.filters_shown = not self._filters_visible()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    # -- links ----------------------------------------------------------------------------------

    def action_open_link(self) -> None:
        self._with_paper(self._open_link)

    def action_copy(self) -> None:
        self._with_paper(self._copy)

    def _open_link(self, paper: Paper) -> None:
        """One link opens at once (none: a scholar search for the title); several are offered."""
        links = paper_links(paper)
        if len(links) > 1:
            self.app.push_screen(LinkChooserScreen(paper.title, links), self._open_chosen)
        else:
            self._open_chosen(links[0][1] if links else scholar_search(paper.title))

    def _open_chosen(self, url: str | None) -> None:
        if url:
            self.app.open_url(url)  # says whether a browser took it

    def _copy(self, paper: Paper) -> None:
        links = [url for _, url in paper_links(paper)]
        self.context.copy_text(clipboard_text(paper.title, links), "the title and link")

    @work(group="paper-action", exit_on_error=False, description="paper-action")
    async def _with_paper(self, then: Callable[[Paper], None]) -> None:
        paper_id = self._current()
        if paper_id is None:
            return
        paper = self.paper if self.paper is not None and self.paper.id == paper_id else None
        if paper is None:
            paper = await asyncio.to_thread(self.library.paper, paper_id)
        if paper is not None:
            then(paper)
