"""Fetching Daily Papers into the digest folder: days -> requests -> one file per day.

`fetch_days` is the one place that does it; `reader fetch` and the reader's fetch key both
call it (the key from a worker, with `cancel`), then sync the library themselves.

    report = fetch_days(FetchRequest("date", "2026-11-20"), ctx.dirs.digests,
                        DailyPapersClient.from_environment(), progress=print)

Each day's file holds that day's entries exactly as received (pages joined into one
JSON list) and is written through the one atomic writer: a failed or cancelled fetch
writes nothing for the day it was on, and the days written before it stay (each is a
complete file). A day already fetched is skipped without a request unless
`request.refresh` (or, for "since-last", it was fetched before it ended); a day with no
papers writes nothing. After it, the caller syncs the library when `report.written`.

From a worker: `fetch_days(FetchRequest("since-last"), folder, client, progress=post_line,
cancel=lambda: worker.is_cancelled)`; a cancel is heard between requests and during a
wait before a retry, and ends the fetch with `report.cancelled`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reader.ingest.daily_papers import DailyPapersClient, FetchCancelled, FetchError
from reader.ingest.fetch_days import (
    Batch,
    FetchRequest,
    day_file_name,
    fetched_days,
    plan_batches,
    split_by_day,
    utc_today,
)
from reader.system.files import FileWriteError, write_file
from reader.system.private import make_private_dirs

__all__ = ["DayResult", "FetchReport", "FetchRequest", "fetch_days"]

# What happened to each day.
WRITTEN = "written"  # a new file
REPLACED = "replaced"  # fetched again (--refresh): the old file replaced atomically
SKIPPED = "skipped"  # already fetched: no request made for it
EMPTY = "empty"  # the service lists no papers that day: nothing written


@dataclass(frozen=True)
class DayResult:
    day: date
    status: str  # WRITTEN, REPLACED, SKIPPED or EMPTY
    papers: int = 0  # entries in the file written (0 when skipped or empty)
    file: Path | None = None  # the day's file (also for SKIPPED)

    def line(self) -> str:
        """`2026-11-20: 57 papers`, as the command line and the reader show it."""
        day = self.day.isoformat()
        if self.status == SKIPPED:
            return f"{day}: already fetched (--refresh fetches it again)"
        if self.status == EMPTY:
            return f"{day}: no papers"
        again = " (fetched again)" if self.status == REPLACED else ""
        return f"{day}: {self.papers} paper{'s' if self.papers != 1 else ''}{again}"


@dataclass
class FetchReport:
    days: list[DayResult] = field(default_factory=list)  # in the order handled
    notices: list[str] = field(default_factory=list)  # e.g. --since-last capped, entries left out
    error: str | None = None  # one line naming the day (or week, month) that failed
    cancelled: bool = False
    requests: int = 0  # periods asked for (a period's pages count once)

    @property
    def written(self) -> list[DayResult]:
        """The days whose file was written or replaced: the library must sync."""
        return [result for result in self.days if result.status in (WRITTEN, REPLACED)]

    @property
    def papers(self) -> int:
        return sum(result.papers for result in self.written)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled


def fetch_days(
    request: FetchRequest,
    folder: Path,
    client: DailyPapersClient,
    progress: Callable[[str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    today: date | None = None,
) -> FetchReport:
    """Fetch the days `request` names into `folder`; never raises for a fetch or a write
    that failed (see `FetchReport.error`), only ValueError for a request that cannot be
    made (a day in the future, a malformed week), before any request."""
    say = progress or (lambda _text: None)
    batches, notices = plan_batches(request, folder, today or utc_today())
    report = FetchReport(notices=list(notices))
    for notice in notices:
        say(notice)
    for batch in batches:
        try:
            if cancel is not None and cancel():
                raise FetchCancelled()
            _fetch_batch(batch, request.refresh or batch.refresh, folder, client, report, say, cancel)
        except FetchCancelled:
            report.cancelled = True
            break
        except FetchError as error:
            report.error = str(error)
            break
    return report


def _fetch_batch(
    batch: Batch,
    refresh: bool,
    folder: Path,
    client: DailyPapersClient,
    report: FetchReport,
    say: Callable[[str], None],
    cancel: Callable[[], bool] | None,
) -> None:
    have = fetched_days(folder)
    wanted = [day for day in batch.days if refresh or day not in have]
    if not wanted:  # every day already fetched: no request at all
        for day in batch.days:
            _record(report, DayResult(day, SKIPPED, file=folder / day_file_name(day)), say)
        return
    say(f"fetching {batch.period.label}…")
    report.requests += 1
    entries = client.entries(batch.period, cancel, say)
    by_day, left_out = split_by_day(entries, batch)
    if left_out:
        notice = (
            f"{batch.period.label}: left out {left_out} entr{'ies' if left_out != 1 else 'y'} "
            "not listed on a day of it"
        )
        report.notices.append(notice)
        say(notice)
    for day in batch.days:
        if cancel is not None and cancel():
            raise FetchCancelled()
        target = folder / day_file_name(day)
        if day not in wanted:
            _record(report, DayResult(day, SKIPPED, file=target), say)
        elif not by_day[day]:
            _record(report, DayResult(day, EMPTY), say)
        else:
            status = REPLACED if day in have else WRITTEN
            _write_day(target, by_day[day], day)
            _record(report, DayResult(day, status, len(by_day[day]), target), say)


def _record(report: FetchReport, result: DayResult, say: Callable[[str], None]) -> None:
    report.days.append(result)
    say(result.line())


def _write_day(target: Path, entries: list[dict[str, Any]], day: date) -> None:
    """The day's entries as one JSON list, atomically: the old file or the new, never half."""
    try:
        data = json.dumps(entries, ensure_ascii=False, indent=1).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (\\ud800) in the answer: kept escaped
        data = json.dumps(entries, ensure_ascii=True, indent=1).encode("ascii")
    try:
        make_private_dirs(target.parent)  # the data folder is private (0700) whoever creates it
        write_file(target, data)
    except (FileWriteError, OSError) as error:
        reason = getattr(error, "strerror", None) or error
        raise FetchError(f"{day.isoformat()}: fetched but not saved: {reason}") from None
