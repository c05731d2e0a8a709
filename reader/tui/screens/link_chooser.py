"""Which of a paper's links to open: a short numbered list; enter or a number key (1-9)
opens one, escape cancels. Labels and links come from digests: plain text only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.tui.plain import plain_line

CHOOSER_HINT = "enter or 1-9 opens · esc cancels"
NUMBER_KEYS = 9


def link_option(number: int, label: str, url: str) -> Content:
    """`1  arXiv abstract  https://…`: the number picks it, the link shows whole below its label."""
    key = f"{number}  " if number <= NUMBER_KEYS else "   "
    return Content.assemble(
        (key, "bold"), plain_line(label), ("\n   ", ""), plain_line(url).stylize("dim")
    )


class LinkChooserScreen(ModalScreen[str | None]):
    """Dismissed with the chosen link, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="link_chooser_cancel"),
        *(
            Binding(str(number), f"pick({number})", f"Open link {number}", show=False, id=f"link_chooser_{number}")
            for number in range(1, NUMBER_KEYS + 1)
        ),
    ]

    def __init__(self, title: str, links: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.paper_title = title
        self.links = list(links)

    def compose(self) -> ComposeResult:
        with Vertical(id="link-chooser-dialog"):
            yield Label(plain_line(self.paper_title), id="link-chooser-title", markup=False)
            yield OptionList(
                *(
                    Option(link_option(number, label, url), id=str(number - 1))
                    for number, (label, url) in enumerate(self.links, start=1)
                ),
                id="link-chooser-links",
                markup=False,
            )
            yield Label(Content(CHOOSER_HINT), id="link-chooser-hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#link-chooser-links")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index][1])

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(self.links):
            self.dismiss(self.links[number - 1][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
