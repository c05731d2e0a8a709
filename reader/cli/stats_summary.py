"""`reader stats`: the statistics screen's series, as JSON keys and a few short lines."""

from __future__ import annotations

from datetime import date

from reader.cli.context import Context
from reader.domain.annotations import Annotations
from reader.library.reading_stats import ReadingStats, StatsInput, reading_since, reading_stats
from reader.state.reading_days import read_times_since

SUMMARY_ITEMS = 5  # rising terms and tags named on a line


def gather_stats(
    ctx: Context, read: frozenset[str], starred: frozenset[str], today: date | None = None
) -> ReadingStats:
    library, state = ctx.library(), ctx.state()
    today = today or date.today()
    given = StatsInput(
        view=library.view(),
        read=read,
        starred=starred,
        read_times=read_times_since(state, reading_since(today)),
        today=today,
        annotations=Annotations.load(state),
        saved=state.saved_views(),
        hidden=ctx.hidden(),
    )
    return reading_stats(library, given)


def summary_lines(stats: ReadingStats) -> list[str]:
    """The series in a few lines (plain text; names come from the user and digests, so the
    caller prints them as it prints any such text)."""
    lines = []
    busiest = max(stats.reading_per_day, key=lambda day: (day.read, day.day), default=None)
    if busiest is not None and busiest.read:
        total = sum(day.read for day in stats.reading_per_day)
        weeks = len(stats.reading_per_day) // 7
        busiest_day = f"busiest day {busiest.day.isoformat()} ({busiest.read:,})"
        lines.append(f"reading  {total:,} read in {weeks} weeks; {busiest_day}")
    else:
        lines.append("reading  nothing marked read in the last 8 weeks")
    if stats.rising_terms and stats.term_week:
        words = ", ".join(term.word for term in stats.rising_terms[:SUMMARY_ITEMS])
        lines.append(f"rising   {words} (week to {stats.term_week[1].isoformat()})")
    if stats.tags:
        tags = ", ".join(f"{tag} ({count:,})" for tag, count in list(stats.tags.items())[:SUMMARY_ITEMS])
        lines.append(f"tags     {tags}")
    if stats.views:
        views = ", ".join(f"{name} ({count:,})" for name, count in list(stats.views.items())[:SUMMARY_ITEMS])
        lines.append(f"views    {views}")
    return lines
