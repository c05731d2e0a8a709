"""The statistics of the reader's statistics screen and `reader stats`: what came, what was read.

Four series, computed together off the UI thread (pure functions of their inputs):
- per digest date: the papers listed, how many of them are read and starred;
- reading per day over the last weeks: papers marked read each day (the marks' read times);
- rising terms: words whose share of papers grew most in the newest digests' week against the
  weeks before (reader.search.rising_terms); "this week" ends on the newest digest's date, so an
  old library still shows its last week;
- tags and saved views with their counts (the filter pane's own counters).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from reader.domain.annotations import Annotations
from reader.domain.library_view import LibraryView
from reader.domain.models import SavedView
from reader.library.library import Library
from reader.library.saved_views import count_saved_views
from reader.search.rising_terms import RisingTerm, rising_terms

READING_DAYS = 56  # eight weeks
TERM_WEEK_DAYS = 7
TERM_BEFORE_DAYS = 28  # the four weeks before it
RISING_LIMIT = 10


@dataclass(frozen=True)
class DigestDay:
    day: date
    papers: int
    read: int
    starred: int
    starred_unread: int  # starred, not read: the stacked bars' middle part


@dataclass(frozen=True)
class ReadingDay:
    day: date
    read: int


@dataclass(frozen=True)
class ReadingStats:
    per_digest: list[DigestDay]  # oldest first
    reading_per_day: list[ReadingDay]  # oldest first, every day of the window (zeros too)
    rising_terms: list[RisingTerm]  # most risen first
    term_week: tuple[date, date] | None  # the first and last day of "this week"
    tags: Mapping[str, int] = field(default_factory=dict)  # tag -> papers, most used first
    views: Mapping[str, int] = field(default_factory=dict)  # saved view -> papers it lists

    def as_json(self) -> dict:
        return {
            "per_digest": [
                {"date": d.day.isoformat(), "papers": d.papers, "read": d.read, "starred": d.starred,
                 "starred_unread": d.starred_unread}
                for d in self.per_digest
            ],
            "reading_per_day": [{"date": d.day.isoformat(), "read": d.read} for d in self.reading_per_day],
            "rising_terms": [
                {"word": t.word, "term": t.term, "papers": t.papers, "share": round(t.share, 4),
                 "share_before": round(t.share_before, 4), "growth": round(t.growth, 2)}
                for t in self.rising_terms
            ],
            "rising_week": [day.isoformat() for day in self.term_week] if self.term_week else None,
            "tags": dict(self.tags),
            "views": dict(self.views),
        }


@dataclass(frozen=True)
class StatsInput:
    """What the statistics are computed from, gathered where each part lives (marks and
    times from the state, the rest from the library)."""

    view: LibraryView
    read: frozenset[str]
    starred: frozenset[str]
    read_times: Sequence[str]  # ISO 8601 times papers were marked read (reader.state.reading_days)
    today: date
    annotations: Annotations = field(default_factory=Annotations)
    saved: Sequence[SavedView] = ()
    hidden: frozenset[str] = frozenset()  # muted papers, left out of the papers counted
    tz: tzinfo | None = None  # the days' time zone: local when None


def reading_since(today: date, days: int = READING_DAYS) -> str:
    """The earliest read time the reading chart can need (a day early: time zones)."""
    return (today - timedelta(days=days)).isoformat()


def papers_per_digest(
    view: LibraryView, read: Collection[str], starred: Collection[str], hidden: Collection[str] = frozenset()
) -> list[DigestDay]:
    """Per digest date, oldest first: the papers listed that day, read and starred (digests
    without a date are left out: they have no place in time)."""
    by_day: dict[date, set[str]] = {}
    for info in view.digests:
        if info.date is not None:
            by_day.setdefault(info.date, set()).update(view.papers_in_digest.get(info.id, ()))
    days = []
    for day in sorted(by_day):
        ids = by_day[day].difference(hidden)
        read_here, starred_here = ids.intersection(read), ids.intersection(starred)
        days.append(DigestDay(day, len(ids), len(read_here), len(starred_here), len(starred_here - read_here)))
    return days


def reading_per_day(
    read_times: Iterable[str], today: date, days: int = READING_DAYS, tz: tzinfo | None = None
) -> list[ReadingDay]:
    """Papers marked read on each of the `days` days up to `today` (in `tz`, local when None)."""
    first = today - timedelta(days=days - 1)
    counted = Counter(_day_of(text, tz) for text in read_times)
    return [ReadingDay(first + timedelta(days=n), counted.get(first + timedelta(days=n), 0)) for n in range(days)]


def term_periods(view: LibraryView, hidden: Collection[str] = frozenset()) -> tuple[set[str], set[str], date | None]:
    """The papers of the newest digests' week and of the four weeks before it (every earlier
    paper when those weeks had no digest), and that week's last day (None: no digest has a date)."""
    dated = [info for info in view.digests if info.date is not None]
    if not dated:
        return set(), set(), None
    newest = max(info.date for info in dated if info.date is not None)
    week: set[str] = set()
    before: set[str] = set()
    earlier: set[str] = set()
    for info in dated:
        assert info.date is not None
        age = (newest - info.date).days
        members = view.papers_in_digest.get(info.id, frozenset())
        if age < TERM_WEEK_DAYS:
            week.update(members)
        elif age < TERM_WEEK_DAYS + TERM_BEFORE_DAYS:
            before.update(members)
        else:
            earlier.update(members)
    return week.difference(hidden), (before or earlier).difference(week, hidden), newest


def paper_texts(library: Library, view: LibraryView, ids: Iterable[str]) -> list[str]:
    """Title and abstract of each paper, as the index reads them."""
    ordered = sorted(ids)
    abstracts = library.abstracts(ordered)
    return [f"{view.papers[pid].title}\n{abstracts.get(pid, '')}" for pid in ordered if pid in view.papers]


def reading_stats(library: Library, given: StatsInput) -> ReadingStats:
    """Every series (blocking: abstracts are read and each saved view is searched)."""
    view = given.view
    week, before, newest = term_periods(view, given.hidden)
    rising = rising_terms(paper_texts(library, view, week), paper_texts(library, view, before), RISING_LIMIT)
    views = count_saved_views(library, given.saved, given.read, given.starred, given.annotations, given.hidden)
    return ReadingStats(
        per_digest=papers_per_digest(view, given.read, given.starred, given.hidden),
        reading_per_day=reading_per_day(given.read_times, given.today, tz=given.tz),
        rising_terms=rising,
        term_week=(newest - timedelta(days=TERM_WEEK_DAYS - 1), newest) if newest else None,
        tags=given.annotations.counts,
        views=views,
    )


def _day_of(text: str, tz: tzinfo | None) -> date | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None  # a time written by something else: not counted
    if not moment.tzinfo:
        return moment.date()
    try:
        return moment.astimezone(tz).date()
    except OverflowError:  # a time near year 1 or 9999 shifted past the calendar: not counted
        return None
