"""Saved views: a search kept under a name, listed under Saved in the filter pane; opened,
renamed or deleted there or from the command palette."""

from __future__ import annotations

from functools import partial

from textual import on

from reader.domain.models import SavedView
from reader.library.saved_views import find_saved_view, view_of
from reader.state.store import StateStore
from reader.tui.reading.loading import LoadingScreen
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.view_name import ViewNameScreen
from reader.tui.widgets.filter_list import FilterList


class SavedViewCommands(LoadingScreen):
    def show_saved_views(self, saved: list[SavedView]) -> None:
        """Draw these saved views (as saved: after a save, rename, delete or a merge)."""
        self._apply(self.model.set_saved_views(tuple(saved)))

    def action_save_view(self) -> None:
        query = self.model.query.strip()
        if not query:
            self.notify("Search first (press /): a saved view keeps a search.", severity="warning")
            return
        view = self.model.view
        detail = f"The search “{query}” in {view.title}, listed under Saved in the filter pane."
        default = self.model.active_saved_view() or query

        def save(name: str | None) -> None:
            if name is None:
                return
            saved = SavedView(name, query, view.value)

            def saved_it(outcome: tuple[bool, list[SavedView]]) -> None:
                replaced, views = outcome
                self.show_saved_views(views)
                self.notify(f"{'Replaced' if replaced else 'Saved'} the view “{name}”.", markup=False)

            self._write(partial(save_view, self.client.state, saved), saved_it)

        self.app.push_screen(ViewNameScreen("Save this search as a view", detail, default[:60]), save)

    @on(FilterList.SavedViewChosen)
    def _saved_view_chosen(self, event: FilterList.SavedViewChosen) -> None:
        self.apply_saved_view(event.name)

    def apply_saved_view(self, name: str) -> None:
        saved = find_saved_view(self.model.saved_views, name)
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
                self._write(partial(rename_view, self.client.state, name, new), self.show_saved_views)

        self.app.push_screen(ViewNameScreen("Rename the saved view", f"Now “{name}”.", name), rename)

    def delete_saved_view(self, name: str) -> None:
        def delete(yes: bool | None) -> None:
            if yes:
                self._write(partial(delete_view, self.client.state, name), self.show_saved_views)
                self.notify(f"Deleted the saved view “{name}”.", markup=False)

        question = ConfirmScreen(f"Delete the saved view “{name}”?", "Its papers and marks stay.", "Delete")
        self.app.push_screen(question, delete)


# -- jobs run on the state thread: each returns the saved views as they are now --------------------


def save_view(state: StateStore, saved: SavedView) -> tuple[bool, list[SavedView]]:
    return state.save_view(saved), state.saved_views()


def rename_view(state: StateStore, old: str, new: str) -> list[SavedView]:
    state.rename_view(old, new)
    return state.saved_views()


def delete_view(state: StateStore, name: str) -> list[SavedView]:
    state.delete_view(name)
    return state.saved_views()
