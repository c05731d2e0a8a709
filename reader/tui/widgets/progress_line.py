"""A one-line progress report for long work (indexing), shown above the list while it runs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class ProgressLine(Horizontal):
    DEFAULT_CSS = """
    ProgressLine {
        height: 1;
        display: none;
        &.-running { display: block; }
        & > Label { width: auto; padding: 0 1; }
        & > ProgressBar { width: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label(id="progress-label", markup=False)
        yield ProgressBar(show_eta=False, id="progress-bar")

    def report(self, stage: str, done: int, total: int) -> None:
        self.add_class("-running")
        self.query_one(Label).update(f"{stage.capitalize()} {done:,}/{total:,}" if total else stage.capitalize())
        self.query_one(ProgressBar).update(total=total or None, progress=done)

    def finish(self) -> None:
        self.remove_class("-running")
