"""The least a Textual app does for a key: one binding updating one Static.

The reference beside the reader in the terminal figures (`terminal.py`): what Textual and
the terminal cost by themselves. `python benchmarks/minimal_app.py`, `j` counts, `q` quits.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class MinimalApp(App[None]):
    BINDINGS = [("j", "count", "Count"), ("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Static("presses: 0", id="count")

    def action_count(self) -> None:
        self.presses += 1
        self.query_one("#count", Static).update(f"presses: {self.presses}")


if __name__ == "__main__":
    MinimalApp().run()
