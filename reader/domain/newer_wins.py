"""The one rule of syncing marks between machines: per paper and kind, the newer change wins.

A change is a `Stamped` value: what a paper's read mark, star, one tag, note, a saved
view or a mute rule became, and when (UTC, ISO 8601 to the microsecond, so text order is
time order). A deletion is a change too (a tombstone: the value False or None), so an
unstar made later beats a star made earlier. Two changes made at the very same moment are
ordered by their value (something present beats a deletion, then the larger value), so
every machine picks the same winner whichever file it reads first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# A change older than any real one: a mark whose time was never recorded.
EPOCH = "1970-01-01T00:00:00.000000Z"
# How far ahead of this machine's clock a change may be stamped (clocks disagree a little);
# one stamped further would win over every later change for years.
MAX_AHEAD = timedelta(days=1)
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", re.ASCII)


@dataclass(frozen=True)
class Stamped:
    value: Any  # True/False, a note's text or None, a view's {"query", "view"} or None
    at: str  # when it became so (stamp_of)

    @property
    def present(self) -> bool:
        return self.value is not None and self.value is not False

    def rank(self) -> tuple[str, bool, str]:
        """What orders two changes of one thing: time, then present over deleted, then value."""
        return self.at, self.present, json.dumps(self.value, sort_keys=True, ensure_ascii=False)


def compare(one: Stamped, other: Stamped) -> int:
    """1 when `one` wins over `other`, -1 when it loses, 0 when they are the same change."""
    if one.at != other.at:  # the common case, without building the whole rank
        return 1 if one.at > other.at else -1
    mine, theirs = one.rank(), other.rank()
    return (mine > theirs) - (mine < theirs)


def newer(incoming: Stamped, current: Stamped | None) -> bool:
    """Whether `incoming` wins over `current` (None: nothing recorded, anything wins)."""
    return current is None or compare(incoming, current) > 0


def stamp_of(moment: datetime) -> str:
    """A time as a change's stamp: UTC to the microsecond, `2026-12-03T01:02:03.123456Z`."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def parse_stamp(text: object) -> datetime | None:
    """A stamp written by `stamp_of` back to a time; None for anything else."""
    if not isinstance(text, str) or not _STAMP.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:  # e.g. month 13
        return None


def latest_allowed(now: datetime) -> str:
    """The newest stamp taken from another machine at `now`: MAX_AHEAD later (a stamp
    after it, compared as text, is in the future)."""
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now  # a naive clock is UTC, as the state reads it
    return stamp_of(now + MAX_AHEAD)


def future_reason(stamp: str) -> str:
    """Why a change stamped too far ahead is refused, as the marks file says it."""
    return f"the time {stamp[:40]!r} is in the future (more than a day ahead of this machine's clock)"


def stamp_from_iso(text: str | None) -> str | None:
    """Any ISO time the state stored before (`2025-01-02T03:04:05+00:00`) as a stamp; None
    when there is none or it does not parse."""
    if not text:
        return None
    try:
        return stamp_of(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return None


def iso_seconds(stamp: str) -> str:
    """A stamp as the state's own times are kept (`2026-12-03T01:02:03+00:00`)."""
    return stamp[:19] + "+00:00"
