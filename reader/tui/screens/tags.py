"""The `t` box: add or remove tags on one paper (or, after `;`, on the selection), with completion
from the tags in use."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from reader.domain.tags import TagEdit, apply_tag_edit, complete_tag, parse_tag_edit, tags_label

HINT = "moe adds, -moe removes (spaces or commas between tags) · → completes · enter saves · esc cancels"


class TagSuggester(Suggester):
    """Completes the word being typed (after a `-` too) from the tags in use."""

    def __init__(self, known: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = list(known)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_tag(value, self.known)


class TagScreen(ModalScreen[TagEdit | None]):
    """Returns what to add and remove, or None when cancelled or nothing was asked."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags_cancel")]

    def __init__(self, title: str, current: Sequence[str], known: Sequence[str], papers: int = 1) -> None:
        """For several `papers`, `current` is the tags they all carry."""
        super().__init__()
        self.paper_title = title
        self.current = tuple(current)
        self.known = known
        self.on_all = " on all" if papers > 1 else ""

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog"):
            yield Static(Content(self.paper_title), id="tags-title")
            yield Static(self._describe(f"Tags{self.on_all}", self.current), id="tags-current")
            yield Input(placeholder="tags to add, -tag to remove", id="tags-input", suggester=TagSuggester(self.known))
            yield Static(Content(""), id="tags-preview")
            yield Label(HINT, id="tags-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#tags-dialog").border_title = "Tags"
        self.query_one("#tags-input", Input).focus()

    @staticmethod
    def _describe(lead: str, tags: Sequence[str]) -> Content:
        return Content(f"{lead}: {tags_label(tags)}" if tags else f"{lead}: none")

    @on(Input.Changed, "#tags-input")
    def _preview(self, event: Input.Changed) -> None:
        edit = parse_tag_edit(event.value)
        preview = self.query_one("#tags-preview", Static)
        preview.set_class(bool(edit.ignored), "-problem")
        if edit.ignored:
            preview.update(Content(f"Not a tag (use letters, digits, - _ . + /): {' '.join(edit.ignored)}"))
        elif edit:
            after = self._describe(f"After{self.on_all}", apply_tag_edit(self.current, edit))
            changes = edit.changes()
            preview.update(Content.assemble(after, "\n", changes) if changes else after)
        else:
            preview.update(Content(""))

    @on(Input.Submitted, "#tags-input")
    def _submitted(self, event: Input.Submitted) -> None:
        edit = parse_tag_edit(event.value)
        if edit.ignored:
            self.notify(f"Not a tag: {' '.join(edit.ignored)}", severity="warning", markup=False)
            return
        if edit.changes():  # what was typed is not what is kept: say so
            self.notify(edit.changes(), markup=False)
        self.dismiss(edit if edit else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
