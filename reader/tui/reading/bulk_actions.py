"""The actions after `;` that reuse another layer's flow on the selection (or, with nothing
selected, on the current paper): `;t` the tag box, `;m` mute rules for the titles, `;e` the
export dialog. Each write is one action of the state journal, so one `u` undoes it whatever
its size, and is drawn once saved; each says how many papers it changed.

This is the top of the selection layers: the main screen is built on it.
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual import work

from reader.domain.annotations import Annotations
from reader.domain.tags import TagEdit
from reader.library.mute_titles import MAX_TITLE_RULES, title_rule, title_rules
from reader.state.store import StateStore
from reader.tui.reading.export import ExportCommands
from reader.tui.reading.mute import MuteCommands
from reader.tui.reading.notes import NoteCommands
from reader.tui.reading.older_read import OlderReadCommands
from reader.tui.reading.selection import SelectionCommands, papers
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.tags import TagScreen


class BulkActions(SelectionCommands, OlderReadCommands, MuteCommands, NoteCommands, ExportCommands):
    def _bulk_targets(self) -> list[str]:
        targets = self._targets()
        if not targets:
            self.notify("No paper selected.")
        return targets

    # -- ;t -------------------------------------------------------------------------------------

    def action_bulk_tag(self) -> None:
        targets = self._bulk_targets()
        if not targets:
            return
        annotations = self.model.annotations
        tags = annotations.tags
        # the tags every target carries (stops at the first paper without one: quick at 100,000)
        shared = [tag for tag in tags.get(targets[0], ()) if all(tag in tags.get(pid, ()) for pid in targets)]
        count = len(targets)
        title = self.model.paper_title(targets[0]) if count == 1 else f"{papers(count)} selected"

        def chosen(edit: TagEdit | None) -> None:
            if edit:
                self._tag_papers(targets, edit)

        self.app.push_screen(TagScreen(title, shared, list(annotations.counts), count), chosen)

    def _tag_papers(self, targets: list[str], edit: TagEdit) -> None:
        def saved(outcome: tuple[list[str], Annotations]) -> None:
            changed, fresh = outcome
            if not changed:
                self.notify("No change to the tags.")
                return
            self._set_annotations(self.model.annotations.patched(fresh, changed))
            words = " ".join([f"+{tag}" for tag in edit.add] + [f"-{tag}" for tag in edit.remove])
            self.notify(f"Tagged {papers(len(changed))} {words}. u undoes it.", markup=False)

        self._write(partial(tag_papers, self.client.state, targets, edit), saved)

    # -- ;m -------------------------------------------------------------------------------------

    def action_bulk_mute(self) -> None:
        targets = self._bulk_targets()
        if not targets:
            return
        if len(targets) > MAX_TITLE_RULES:
            self.notify(
                f"Too many titles to mute one by one ({len(targets):,}; at most {MAX_TITLE_RULES}): "
                "M mutes the papers a search matches.",
                severity="warning",
            )
            return
        titles = [self.model.paper_title(pid) for pid in targets]
        if len(targets) == 1:  # the mute box, filled in: the rule can still be widened or narrowed
            self._ask_mute(title_rule(titles[0]) or "")
            return
        self._mute_titles(titles)

    @work(exclusive=True, group="mute-titles", exit_on_error=False, description="mute-titles")
    async def _mute_titles(self, titles: list[str]) -> None:
        rules, without = await asyncio.to_thread(title_rules, titles)  # a query parse per title
        if not rules:
            self.notify("None of these titles has a word to mute by.", severity="warning")
            return
        count = papers(len(titles) - without)
        skipped = f" ({papers(without)} without a word to mute by left as they are)" if without else ""

        def answer(yes: bool | None) -> None:
            if yes:
                job = partial(self.client.state.add_mute_rules, rules, f"mute {count} by title")
                self._write(job, partial(self._muted_titles, rules))

        question = ConfirmScreen(
            f"Mute {count} by title?",
            f"Each title becomes a mute rule{skipped}: its papers leave every view. H shows muted papers, "
            "u undoes it.",
            "Mute",
        )
        self.app.push_screen(question, answer)

    def _muted_titles(self, rules: list[str], added: list[str]) -> None:
        if not added:
            self.notify("These titles were already muted.")
            return
        kept = len(rules) - len(added)
        already = f" ({kept:,} already were)" if kept else ""
        self.notify(
            f"Muted {len(added):,} title{'' if len(added) == 1 else 's'}{already}. u undoes it; H shows muted papers."
        )
        self.reload_mute_rules()

    # -- ;e -------------------------------------------------------------------------------------

    def action_bulk_export(self) -> None:
        targets = self._bulk_targets()
        if targets:
            what = "the selection" if self.model.selection else "this paper"
            self._offer_export(targets, what, "reader-selection")


def tag_papers(state: StateStore, paper_ids: list[str], edit: TagEdit) -> tuple[list[str], Annotations]:
    """On the state thread: one tag edit on many papers, one undo step; the papers it changed
    and the tags and notes now."""
    changed = state.change_tags_of(paper_ids, edit.add, edit.remove)
    return list(changed), Annotations.load(state)
