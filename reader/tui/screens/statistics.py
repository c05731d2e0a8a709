"""The statistics screen: papers per digest, reading per day, rising terms, tags and saved views.

Imported only when the screen opens, so the plotting library never slows the start. The
numbers come from a loader the main screen gives (it knows the library and the marks); they
are counted in a worker while "Counting…" shows. Choosing a rising term closes the screen with
that word: the main screen searches it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from reader.library.reading_stats import ReadingStats
from reader.tui.failed_jobs import ReportsFailedJobs
from reader.tui.plain import plain_line
from reader.tui.statistics_plots import draw_per_digest, draw_reading, draw_rising
from reader.tui.widgets.series_plot import SeriesPlot

NARROW_BELOW = 100  # columns: under this the plots stack and the screen scrolls
COUNTS_SHOWN = 12  # tags and saved views listed, each

LoadStats = Callable[[], Awaitable[ReadingStats]]


def counts_content(title: str, counts: Mapping[str, int], empty: str) -> Content:
    """A small table of names and counts; the names as typed (plain text, never markup)."""
    lines = [Content(title).stylize("bold")]
    if not counts:
        lines.append(Content(empty).stylize("dim"))
    items = list(counts.items())
    width = max((len(f"{count:,}") for _, count in items[:COUNTS_SHOWN]), default=1)
    for name, count in items[:COUNTS_SHOWN]:
        lines.append(Content.assemble(f"{count:>{width},}  ", plain_line(name)))
    if len(items) > COUNTS_SHOWN:
        lines.append(Content(f"and {len(items) - COUNTS_SHOWN:,} more").stylize("dim"))
    return Content("\n").join(lines)


def status_text(stats: ReadingStats) -> str:
    read = sum(day.read for day in stats.reading_per_day)
    weeks = len(stats.reading_per_day) // 7
    parts = [f"{len(stats.per_digest):,} digest days", f"{read:,} read in {weeks} weeks"]
    if stats.term_week:
        first, last = stats.term_week
        parts.append(f"rising: {first:%b %d} to {last:%b %d} against the weeks before")
    return " · ".join(parts)


class StatisticsScreen(ReportsFailedJobs, Screen[str | None]):
    """Dismissed with the rising term chosen (to search), or None."""

    BINDINGS = [
        Binding("escape,q,percent_sign", "close", "Close", id="statistics_close"),
        Binding("tab", "app.focus_next", "Next pane", id="statistics_next_pane"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    AUTO_FOCUS = ""  # on_mount decides: the terms when they fit beside the plots, else the scrolling plots

    def __init__(self, load: LoadStats) -> None:
        super().__init__()
        self._load = load
        self.stats: ReadingStats | None = None

    def compose(self) -> ComposeResult:
        yield Static("Counting…", id="stats-status")
        with VerticalScroll(id="stats-body"), Container(id="stats-grid"):
            with Vertical(classes="stats-cell"):
                yield SeriesPlot(draw_per_digest, id="per-digest-plot")
            with Vertical(classes="stats-cell"):
                yield SeriesPlot(draw_reading, id="reading-plot")
            with Horizontal(classes="stats-cell", id="rising-cell"):
                yield SeriesPlot(draw_rising, id="rising-plot")
                yield OptionList(id="rising-list")
            with Horizontal(classes="stats-cell", id="counts-cell"):
                yield Static(id="tag-counts")
                yield Static(id="view-counts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rising-list", OptionList).border_title = "Search a word"
        narrow = self.app.size.width < NARROW_BELOW
        self.set_focus(self.query_one("#stats-body" if narrow else "#rising-list"))
        self.count()

    @work(exclusive=True, group="statistics", name="Counting the statistics", exit_on_error=False,
          description="reading statistics")
    async def count(self) -> None:
        status = self.query_one("#stats-status", Static)
        try:
            stats = await self._load()
        except Exception:
            status.update("Could not count the statistics (see the message log).")
            raise
        self.show(stats)

    def show(self, stats: ReadingStats) -> None:
        self.stats = stats
        self.query_one("#stats-status", Static).update(status_text(stats))
        self.query_one("#per-digest-plot", SeriesPlot).show(stats.per_digest)
        self.query_one("#reading-plot", SeriesPlot).show(stats.reading_per_day)
        self.query_one("#rising-plot", SeriesPlot).show(stats.rising_terms)
        terms = self.query_one("#rising-list", OptionList)
        terms.clear_options()
        terms.add_options(
            Option(Content.assemble(plain_line(term.word), (f"  {term.papers:,}", "dim")), id=str(at))
            for at, term in enumerate(stats.rising_terms)
        )
        if not stats.rising_terms:
            terms.add_option(Option("No rising words", disabled=True))
        else:
            terms.highlighted = 0
        self.query_one("#tag-counts", Static).update(counts_content("Tags", stats.tags, "No tags yet"))
        self.query_one("#view-counts", Static).update(counts_content("Saved views", stats.views, "No saved views"))

    @on(OptionList.OptionSelected, "#rising-list")
    def _term_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.stats is not None and event.option.id is not None:
            self.dismiss(self.stats.rising_terms[int(event.option.id)].word)

    def action_close(self) -> None:
        self.dismiss(None)
