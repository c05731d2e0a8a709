"""Catching up: `K` marks every paper above the cursor read, `;o` every paper of the digests
older than this one; starred papers stay unread. Each asks first, saying how many, and is one
write (one undo step), drawn once saved like any other mark (`_save_marks`). Which papers is
reader.domain.older's rule.
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual import work

from reader.domain.older import above_cursor, in_older_digests, reference_digest
from reader.tui.reading.marks import MarkCommands
from reader.tui.reading.selection import papers
from reader.tui.screens.confirm import ConfirmScreen


def marked_notice(changed: int) -> str:
    return f"Marked {papers(changed)} read. u undoes it."


class OlderReadCommands(MarkCommands):
    def action_mark_above_read(self) -> None:
        listed, cursor = self.paper_list.rows.ids, self.paper_list.cursor
        if cursor <= 0 or not listed:
            self.notify("No paper above this one.")
            return
        meant = self._marks_meant()
        targets = above_cursor(listed, cursor, meant.read, meant.starred)
        if not targets:
            self.notify("Every paper above this one is read or starred.")
            return
        self._confirm_read(
            targets,
            f"Mark {papers(len(targets))} above this one read?",
            f"Every unread paper above the cursor in: {self._summary()}. Starred papers stay unread.",
            "mark older read",
        )

    def action_mark_old_digests(self) -> None:
        self._mark_old_digests()

    @work(exclusive=True, group="older-digests", exit_on_error=False, description="older-digests")
    async def _mark_old_digests(self) -> None:
        view = self.model.library_view
        if view is None:
            self.notify("The library is still loading.")
            return
        digest = reference_digest(view, self.model.digest_id, self._current())
        if digest is None:
            self.notify("Choose a digest (or a paper of one): older digests are those before it.")
            return
        if digest.date is None:
            self.notify(f"{digest.label} has no date, so no digest is older.", markup=False)
            return
        meant = self._marks_meant()
        # every paper of the library: a loop too long for the UI thread at 100,000 papers
        targets = await asyncio.to_thread(in_older_digests, view, digest.date, meant.read, meant.starred)
        if view is not self.model.library_view:
            return  # the library changed meanwhile: the user asks again on what is shown now
        if not targets:
            self.notify(f"Every paper of the digests before {digest.label} is read or starred.", markup=False)
            return
        self._confirm_read(
            targets,
            f"Mark {papers(len(targets))} of older digests read?",
            f"Every unread paper only in digests dated before {digest.label} ({digest.date.isoformat()}). "
            "Starred papers stay unread, and so do papers that came back in a later digest.",
            "mark older digests read",
        )

    def _confirm_read(self, targets: list[str], question: str, detail: str, description: str) -> None:
        count = len(targets)

        def answer(yes: bool | None) -> None:
            if yes:
                self._follow_read_clock(self._read_clock.marked(targets))
                job = partial(self.client.state.set_read, targets, True, f"{description} ({papers(count)})")
                self._save_marks("read", targets, True, job, marked_notice)

        self.app.push_screen(ConfirmScreen(question, detail, "Mark read"), answer)
