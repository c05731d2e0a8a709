"""Selecting papers and acting on them at once (NeoMutt's tag-prefix, aerc's marks).

`v` selects or unselects the current paper and moves down, `V` selects from the anchor (the
paper `v` selected last) to the cursor, `*` every paper listed, escape clears the selection.
`;` waits for one more key (BulkKeyScreen): `r` marks the selection read, `s` stars it (or
unstars it when every selected paper is starred); with nothing selected they act on the
current paper. Each is one write, so one undo step, drawn once saved like any other mark.
The model keeps the selection; a new list keeps the selected papers it still lists.
"""

from __future__ import annotations

from functools import partial

from textual import on

from reader.domain.selection import Selection
from reader.tui.reading.marks import MarkCommands
from reader.tui.screens.bulk import BulkKeyScreen
from reader.tui.widgets.virtual_list import VirtualList


def papers(count: int) -> str:
    return f"{count:,} paper" if count == 1 else f"{count:,} papers"


class SelectionCommands(MarkCommands):
    def _choose(self, selection: Selection) -> bool:
        """Keep a new selection in the model; mark its rows and count it in the list's title."""
        if not self.model.choose(selection):
            return False
        self._show_selection()
        return True

    def _show_selection(self) -> None:
        self.paper_list.show_selection(self.model.selection.ids)
        self._update_titles()

    def unselect_all(self) -> bool:
        """Escape's first job: True when there was a selection to clear."""
        return bool(self.model.selection) and self._choose(Selection())

    def action_select_paper(self) -> None:
        paper_id = self._current()
        if paper_id is None:
            return
        self._choose(self.model.selection.toggled(paper_id))
        self.paper_list.move(1)

    def action_select_range(self) -> None:
        listed = self.paper_list
        self._choose(self.model.selection.extended(listed.rows.ids, listed.cursor))

    def action_select_all(self) -> None:
        self._choose(self.model.selection.with_all(self.paper_list.rows.ids))

    @on(VirtualList.ModifiedClick)
    def _select_clicked(self, event: VirtualList.ModifiedClick) -> None:
        """ctrl+click (or alt) selects or unselects the paper clicked, shift+click selects from the
        anchor to it, as v and V do. The cursor stays: a paper selected is not opened, so not read
        on open. On the other lists it is a plain click."""
        clicked, papers = event.virtual_list, self.paper_list
        if clicked is not papers:
            clicked.set_cursor(event.index, by_user=True)
            clicked.choose(event.index)
        elif event.shift:
            self._choose(self.model.selection.extended(papers.rows.ids, event.index))
        elif (paper_id := papers.paper_at(event.index)) is not None:
            self._choose(self.model.selection.toggled(paper_id))

    # -- acting on the selection ----------------------------------------------------------------

    def action_bulk_prefix(self) -> None:
        def chosen(action: str | None) -> None:
            if action is not None:
                self.call_later(self.run_action, action)

        self.app.push_screen(BulkKeyScreen(), chosen)

    def _targets(self) -> list[str]:
        return self.model.selection.targets(self.paper_list.rows.ids, self._current())

    def action_bulk_read(self) -> None:
        targets = self._targets()
        if not targets:
            return
        read = self._marks_meant().read
        if all(paper_id in read for paper_id in targets):
            self.notify(f"Already read: {'the paper' if len(targets) == 1 else f'all {papers(len(targets))}'}.")
            return
        self._follow_read_clock(self._read_clock.marked(targets))
        job = partial(self.client.state.set_read, targets, True)  # its undo says how many changed
        self._save_marks("read", targets, True, job, lambda changed: f"Marked {papers(changed)} read. u undoes it.")

    def action_bulk_star(self) -> None:
        targets = self._targets()
        if not targets:
            return
        starred = self._marks_meant().starred
        star = not all(paper_id in starred for paper_id in targets)  # like s: all starred, unstar
        verb = "Starred" if star else "Unstarred"
        job = partial(self.client.state.set_starred, targets, star)
        self._save_marks("starred", targets, star, job, lambda changed: f"{verb} {papers(changed)}. u undoes it.")
