"""A read time at the edge of the calendar is skipped by the reading chart, not a crash."""

from __future__ import annotations

from datetime import date, timedelta, timezone

from reader.library.reading_stats import reading_per_day


def test_a_read_time_near_year_9999_is_skipped_in_a_zone_east_of_utc():
    berlin = timezone(timedelta(hours=1))
    days = reading_per_day(["9999-12-31T23:30:00+00:00", "2026-12-03T10:00:00+00:00"], date(2026, 12, 3), tz=berlin)
    assert days[-1].day == date(2026, 12, 3) and sum(day.read for day in days) == 1
