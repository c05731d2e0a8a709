"""`reader fetch`: Hugging Face Daily Papers into the digest folder, then the index synced.

The work is reader.library.fetching.fetch_days (the reader's fetch key calls it too); this
only reads the arguments and prints. The fetching modules are imported when the command
runs, so no other command pays for urllib and ssl at start-up.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from reader.cli.context import CommandError, Context
from reader.cli.output import err, out, print_json
from reader.domain.text import strip_controls

if TYPE_CHECKING:
    from reader.library.fetching import FetchReport, FetchRequest


def cmd_fetch(ctx: Context) -> int:
    from reader.ingest.daily_papers import DailyPapersClient
    from reader.ingest.fetch_days import plan_batches, utc_today
    from reader.library.fetching import fetch_days

    request = _request(ctx)
    try:
        plan_batches(request, ctx.dirs.digests, utc_today())  # a bad date fails before the library opens
    except ValueError as error:
        raise CommandError(str(error)) from None
    library = None if ctx.args.digests else ctx.library()  # the papers known before, to count the new
    before = set(library.view().papers) if library is not None else set()
    progress = _ProgressLine()
    try:
        report = fetch_days(request, ctx.dirs.digests, DailyPapersClient.from_environment(), progress)
    except ValueError as error:  # the day changed since the check above
        raise CommandError(str(error)) from None
    finally:
        progress.clear()
    new = 0
    if report.written and library is not None:
        new = len(set(ctx.resync().view().papers) - before)
    _print(ctx, report, new)
    if report.error:
        raise CommandError(report.error)
    return 0


def _request(ctx: Context) -> FetchRequest:
    from reader.library.fetching import FetchRequest

    args = ctx.args
    if args.week:
        return FetchRequest("week", args.week, args.refresh)
    if args.month:
        return FetchRequest("month", args.month, args.refresh)
    if args.since_last:
        return FetchRequest("since-last", "", args.refresh)
    if args.date:
        return FetchRequest("date", args.date, args.refresh)
    from reader.ingest.fetch_days import utc_today

    return FetchRequest("date", utc_today().isoformat(), args.refresh)


def _print(ctx: Context, report: FetchReport, new: int) -> None:
    if ctx.args.json:
        print_json(_as_json(ctx, report, new))
        return
    for notice in report.notices:
        err(f"reader: {notice}")
    for result in report.days:
        out(result.line())
    if ctx.args.digests:
        if report.written:
            err("note: --digests was given, so the fetched digests show in runs without it")
    elif report.written:
        out(f"{report.papers} paper{'s' if report.papers != 1 else ''} fetched, {new} new")
    elif report.ok:
        out("nothing new fetched")


def _as_json(ctx: Context, report: FetchReport, new: int) -> dict[str, Any]:
    return {
        "days": [
            {
                "date": result.day.isoformat(),
                "status": result.status,
                "papers": result.papers,
                "file": str(result.file) if result.file else None,
            }
            for result in report.days
        ],
        "papers": report.papers,
        "new_papers": None if ctx.args.digests else new,
        "notices": report.notices,
        "error": report.error,
    }


class _ProgressLine:
    """One line on stderr, rewritten in place, when stderr is a terminal; nothing otherwise."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()

    def __call__(self, text: str) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K" + strip_controls(text).replace("\n", " ")[:200])
            sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
