"""`R`: fetch the Daily Papers days missing since the last fetch (today's list the first time)
into the digest folder, then sync the library, so the new papers show (in New) without a
restart. The fetch is reader.library.fetching.fetch_days, as for `reader fetch`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from reader.tui.reading.loading import LoadingScreen
from reader.tui.widgets.progress_line import ProgressLine

if TYPE_CHECKING:
    from reader.library.fetching import FetchReport

FETCH_TITLE = "Daily Papers"


class FetchCommands(LoadingScreen):
    def action_fetch(self) -> None:
        if self._syncing:
            self.notify("The library is still loading; fetch again once it is up.", title=FETCH_TITLE)
            return
        self.fetch_papers()

    @work(exclusive=True, group="fetch", exit_on_error=False, description="fetch")
    async def fetch_papers(self) -> None:
        worker = get_current_worker()
        line = self.query_one(ProgressLine)
        line.report("Fetching Daily Papers…", 0, 0)

        def progress(text: str) -> None:  # called in the fetch thread
            self.app.call_from_thread(line.report, text, 0, 0)

        def cancelled() -> bool:
            return worker.is_cancelled or self.context.closing.is_set()

        before = frozenset(self.model.library_view.papers) if self.model.library_view else frozenset()
        try:
            report = await asyncio.to_thread(fetch_since_last, self.context.digest_folder, progress, cancelled)
        finally:
            line.finish()
        if report.cancelled or self.context.closing.is_set():
            return
        for notice in report.notices:
            self.notify(notice, title=FETCH_TITLE, severity="warning", markup=False, timeout=10)
        if report.error:
            self.notify(report.error, title="Could not fetch", severity="error", markup=False, timeout=12)
        reads_folder = await asyncio.to_thread(reads_folder_of, self.library.sources, self.context.digest_folder)
        if report.written and reads_folder and not await self.sync_library():
            return
        self._say_fetched(report, before, reads_folder)

    def _say_fetched(self, report: FetchReport, before: frozenset[str], reads_folder: bool) -> None:
        days = "; ".join(result.line() for result in report.days) or "no day to fetch"
        if not report.written:
            if not report.error:
                self.notify(f"Nothing new: {days}", title=FETCH_TITLE, markup=False, timeout=8)
            return
        if not reads_folder:
            where = f"Fetched into {self.context.digest_folder}; this window reads only the digests it was given"
            self.notify(f"{where}. {days}", title=FETCH_TITLE, markup=False, timeout=12)
            return
        view = self.model.library_view
        new = len(frozenset(view.papers) - before) if view is not None else 0
        noun = "paper" if new == 1 else "papers"
        self.notify(f"{new} new {noun} ({days}); 4 shows what is new", title=FETCH_TITLE, markup=False, timeout=10)


def reads_folder_of(sources: list[Path], folder: Path) -> bool:
    """Whether the library reads the folder fetched into (not with `--digests`); resolving
    paths touches the disk, so not on the UI thread."""
    wanted = folder.expanduser().resolve()
    return any(Path(source).expanduser().resolve() == wanted for source in sources)


def fetch_since_last(folder: Path, progress: Callable[[str], None], cancelled: Callable[[], bool]) -> FetchReport:
    """In a thread: the days since the last fetch, through the one fetch function. Imported
    here, so that starting the reader never pays for the HTTP client."""
    from reader.ingest.daily_papers import DailyPapersClient
    from reader.library.fetching import FetchRequest, fetch_days

    return fetch_days(FetchRequest("since-last"), folder, DailyPapersClient.from_environment(), progress, cancelled)
