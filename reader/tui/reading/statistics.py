"""The statistics screen, opened from the main screen: its numbers counted from what the main
screen shows, and a rising term chosen there searched here."""

from __future__ import annotations

from datetime import date
from functools import partial

from reader.domain.cancel import CancelToken
from reader.library.reading_stats import ReadingStats, StatsInput, reading_since, reading_stats
from reader.state.reading_days import read_times_since
from reader.tui.reading.loading import LoadingScreen


def today() -> date:
    """The last day of the reading chart (a test sets it)."""
    return date.today()


class StatisticsCommands(LoadingScreen):
    def action_statistics(self) -> None:
        from reader.tui.screens.statistics import StatisticsScreen  # the plotting library loads only here

        self.app.push_screen(StatisticsScreen(self.count_statistics), self.search_term)

    async def count_statistics(self) -> ReadingStats:
        """The statistics of the library as shown: read times on the state thread, the rest on
        a search thread (abstracts are read and the saved views searched)."""
        model = self.model
        view = model.full_view
        if view is None:
            raise RuntimeError("the library is still loading")
        day = today()
        times = await self.client.call(read_times_since, self.client.state, reading_since(day))
        given = StatsInput(
            view=view,
            read=model.marks.read,
            starred=model.marks.starred,
            read_times=times,
            today=day,
            annotations=model.annotations,
            saved=model.saved_views,
            hidden=frozenset() if model.muted_shown else model.muting.ids,
        )
        return await self._in_search_thread(partial(reading_stats, self.library, given), CancelToken())

    def search_term(self, word: str | None) -> None:
        """Search the word chosen on the statistics screen, across every digest."""
        if not word:
            return
        self.digest_id = None
        self.filter_pane.set_search_text(word)
        self.search_text = word
        self.set_focus(self.paper_list)
