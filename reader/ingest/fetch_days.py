"""Which days a fetch asks for, and where each day's entries are kept.

One file per day in the digest folder, `daily-papers-YYYY-MM-DD.json`: the file's name is
the record of what was fetched (`--since-last` starts after the newest one). A week or a
month is one request whose entries are split into days by the day each was listed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from reader.ingest.daily_papers import Period
from reader.ingest.digest import date_from_file_name
from reader.ingest.json_digest import listed_day

FILE_PREFIX = "daily-papers-"
FILE_SUFFIX = ".json"
MAX_SINCE_LAST = 31  # days; older gaps are fetched by --week or --month

_FILE_NAME = re.compile(rf"^{FILE_PREFIX}(\d{{4}}-\d{{2}}-\d{{2}}){re.escape(FILE_SUFFIX)}$")

_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class FetchRequest:
    """What the user asked for: `kind` is "date", "week", "month" or "since-last"."""

    kind: str
    value: str = ""  # 2026-11-20, 2026-W47, 2026-11; empty for since-last
    refresh: bool = False  # fetch days already fetched again (upvotes change)


@dataclass(frozen=True)
class Batch:
    """One request and the days its answer is kept as."""

    period: Period
    days: tuple[date, ...]
    refresh: bool = False  # fetch its days again even when fetched (a day fetched before it ended)


def utc_today() -> date:
    return datetime.now(UTC).date()


def day_file_name(day: date) -> str:
    return f"{FILE_PREFIX}{day.isoformat()}{FILE_SUFFIX}"


def day_of_file_name(name: str) -> date | None:
    """The day of a fetched digest's file (`daily-papers-2026-11-20.json`); None for other files."""
    return date_from_file_name(name) if _FILE_NAME.match(name) else None


def fetched_days(folder: Path) -> set[date]:
    """The days whose file is in `folder`."""
    try:
        names = [entry.name for entry in folder.iterdir()]
    except OSError:
        return set()
    return {day for day in map(day_of_file_name, names) if day is not None}


# -- what the user typed --------------------------------------------------------------


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, e.g. 2026-11-20)") from None


def parse_week(text: str) -> str:
    """`2026-W47` (or 2026W47, 2026-w7) as the service writes it: 2026-W47."""
    match = _WEEK.match(text.strip())
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            pass
        else:
            return f"{year:04d}-W{week:02d}"
    raise ValueError(f"not a week: {text!r} (use YYYY-Www, e.g. 2026-W47)")


def parse_month(text: str) -> str:
    match = _MONTH.match(text.strip())
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    raise ValueError(f"not a month: {text!r} (use YYYY-MM, e.g. 2026-11)")


# -- from a request to requests --------------------------------------------------------


def plan_batches(request: FetchRequest, folder: Path, today: date) -> tuple[list[Batch], list[str]]:
    """The requests to make, each with its days (none after today), and notices to show.

    Raises ValueError (one line) for a request that cannot be made: a day in the future."""
    if request.kind == "since-last":
        days, notices = since_last_days(folder, today)
        fetched = fetched_days(folder)  # of these days, only one fetched before it ended
        return [Batch(Period("date", day.isoformat()), (day,), day in fetched) for day in days], notices
    if request.kind == "date":
        day = parse_day(request.value)
        _not_future(day, today, day.isoformat())
        return [Batch(Period("date", day.isoformat()), (day,))], []
    if request.kind == "week":
        value = parse_week(request.value)
        year, week = int(value[:4]), int(value[6:])
        first = date.fromisocalendar(year, week, 1)
        days = [first + timedelta(n) for n in range(7)]
    elif request.kind == "month":
        value = parse_month(request.value)
        year, month = int(value[:4]), int(value[5:])
        days = [date(year, month, n) for n in range(1, calendar.monthrange(year, month)[1] + 1)]
    else:
        raise ValueError(f"unknown kind of fetch: {request.kind!r}")
    label = f"{request.kind} {value}"
    _not_future(days[0], today, label)
    return [Batch(Period(request.kind, value), tuple(day for day in days if day <= today))], []


def _not_future(day: date, today: date, label: str) -> None:
    if day > today:
        raise ValueError(f"{label} is in the future (today is {today.isoformat()}, UTC)")


def since_last_days(folder: Path, today: date) -> tuple[list[date], list[str]]:
    """Every day after the newest fetched one up to today, the newest one too when it was
    fetched before it ended (its papers were still coming), at most MAX_SINCE_LAST days."""
    fetched = fetched_days(folder)
    newest = max((day for day in fetched if day <= today), default=None)
    if newest is None:
        return [today], []
    start = newest if _fetched_before_day_ended(folder, newest) else newest + timedelta(1)
    days = [start + timedelta(n) for n in range((today - start).days + 1)]
    notices = []
    if len(days) > MAX_SINCE_LAST:
        skipped_to = days[-MAX_SINCE_LAST - 1]
        days = days[-MAX_SINCE_LAST:]
        notices.append(
            f"only the last {MAX_SINCE_LAST} days are fetched ({days[0].isoformat()} to {today.isoformat()}); "
            f"{start.isoformat()} to {skipped_to.isoformat()} are not: fetch them with --week or --month"
        )
    return days, notices


def _fetched_before_day_ended(folder: Path, day: date) -> bool:
    try:
        written = datetime.fromtimestamp((folder / day_file_name(day)).stat().st_mtime, UTC)
    except OSError:
        return False
    return written.date() <= day


# -- from an answer to day files -------------------------------------------------------


def entry_day(entry: dict[str, Any]) -> date | None:
    """The day an entry was listed (the parser's rule: reader.ingest.json_digest.listed_day)."""
    return listed_day(entry)


def split_by_day(entries: Iterable[dict[str, Any]], batch: Batch) -> tuple[dict[date, list[dict[str, Any]]], int]:
    """The entries of each day of the batch, and how many were left out: undated, or dated
    outside the batch's days. A one-day batch keeps them all (the service's day and an entry's
    UTC time may disagree near midnight), unless every dated entry is of another day: then the
    service answered with another day's list, which is not this day's papers."""
    by_day: dict[date, list[dict[str, Any]]] = {day: [] for day in batch.days}
    if len(batch.days) == 1 and batch.period.kind == "date":
        entries = list(entries)
        days = {entry_day(entry) for entry in entries} - {None}
        if days and batch.days[0] not in days:
            return by_day, len(entries)
        by_day[batch.days[0]] = entries
        return by_day, 0
    left_out = 0
    for entry in entries:
        day = entry_day(entry)
        if day is not None and day in by_day:
            by_day[day].append(entry)
        else:
            left_out += 1
    return by_day, left_out
