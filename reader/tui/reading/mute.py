"""Mute rules: M mutes the papers a search matches, H shows or hides them, and a rule is
deleted from the filter pane or the command palette (after asking)."""

from __future__ import annotations

from functools import partial

from reader.library.mute import Muting
from reader.tui.reading.loading import LoadingScreen
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.mute import MuteScreen


class MuteCommands(LoadingScreen):
    @property
    def muting(self) -> Muting:
        return self.model.muting

    @property
    def muted_shown(self) -> bool:
        return self.model.muted_shown

    def action_mute(self) -> None:
        self._ask_mute(self.model.query.strip())

    def _ask_mute(self, suggestion: str) -> None:
        """The mute box, filled with `suggestion`; the rule typed is saved, then applied."""

        def answer(rule: str | None) -> None:
            if rule:
                self._write(partial(self.client.state.add_mute_rule, rule), partial(self._muted, rule))

        self.app.push_screen(MuteScreen(suggestion), answer)

    def _muted(self, rule: str, added: bool) -> None:
        if not added:
            self.notify(f"Already muted: {rule}", markup=False)
            return
        self.notify(f"Muted papers matching {rule}. u undoes it; H shows muted papers.", markup=False)
        self.reload_mute_rules()

    def offer_unmute(self, rule: str) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._write(partial(self.client.state.remove_mute_rule, rule), partial(self._unmuted, rule))

        hidden = len(self.model.muting.hidden_by.get(rule, ()))
        self.app.push_screen(
            ConfirmScreen(f"Delete the mute rule {rule}?", f"It hides {hidden:,} papers.", "Delete"), answer
        )

    def _unmuted(self, rule: str, removed: bool) -> None:
        if removed:
            self.notify(f"No longer muted: {rule}. u undoes it.", markup=False)
        self.reload_mute_rules()

    def action_toggle_muted(self) -> None:
        view = self.model.toggle_muted()
        if view is None:
            return  # still loading: the view shown first follows the choice
        self.show_library(view)
        muted = self.model.muting.ids
        if muted:
            self.notify(f"Muted papers {'shown' if self.model.muted_shown else 'hidden'}: {len(muted):,}.")
        else:
            self.notify("No papers are muted: M mutes papers matching a search.")
