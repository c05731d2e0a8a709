"""Tags and notes on a paper: t edits the tags, N the note; each is shown once it is saved,
like a mark."""

from __future__ import annotations

from functools import partial
from typing import Any

from reader.domain.tags import MAX_NOTE_CHARS, TagEdit, apply_tag_edit, normalise_note
from reader.tui.reading.loading import LoadingScreen
from reader.tui.screens.note import NoteScreen
from reader.tui.screens.tags import TagScreen


class NoteCommands(LoadingScreen):
    def action_edit_tags(self) -> None:
        paper_id = self._current()
        if paper_id is None:
            self.notify("No paper selected.")
            return
        annotations = self.model.annotations
        current = annotations.tags.get(paper_id, ())

        def chosen(edit: TagEdit | None) -> None:
            if edit:
                self._change_tags(paper_id, current, edit)

        self.app.push_screen(TagScreen(self.model.paper_title(paper_id), current, list(annotations.counts)), chosen)

    def _change_tags(self, paper_id: str, current: tuple[str, ...], edit: TagEdit) -> None:
        tags = apply_tag_edit(current, edit)
        if tags == tuple(sorted(current)):
            self.notify("No change to the tags.")
            return
        self._write(  # shown once saved, like a mark
            partial(self.client.state.change_tags, paper_id, edit.add, edit.remove),
            lambda _: self._set_annotations(self.model.annotations.with_tags(paper_id, tags)),
        )

    def action_edit_note(self) -> None:
        paper_id = self._current()
        if paper_id is None:
            self.notify("No paper selected.")
            return
        current = self.model.annotations.notes.get(paper_id, "")

        def edited(text: str | None) -> None:
            if text is not None:
                self._save_note(paper_id, current, text)

        self.app.push_screen(NoteScreen(self.model.paper_title(paper_id), current), edited)

    def _save_note(self, paper_id: str, current: str, text: str) -> None:
        note = normalise_note(text)
        if note == current:
            return
        if len(note) > MAX_NOTE_CHARS:
            self.notify(
                f"The note is too long ({len(note):,} characters; at most {MAX_NOTE_CHARS:,}); not saved.",
                severity="error", markup=False, timeout=10,
            )
            return

        def saved(_: Any) -> None:  # shown once saved, like a mark
            self._set_annotations(self.model.annotations.with_note(paper_id, note))
            self.notify("Note deleted. u undoes it." if not note else "Note saved.")

        self._write(partial(self.client.state.set_note, paper_id, note), saved)
