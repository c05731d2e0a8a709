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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# A change older than any real one: a mark whose time was never recorded.
EPOCH = "1970-01-01T00:00:00.000000Z"
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


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


def newer(incoming: Stamped, current: Stamped | None) -> bool:
    """Whether `incoming` wins over `current` (None: nothing recorded, anything wins)."""
    return current is None or incoming.rank() > current.rank()


def stamp_of(moment: datetime) -> str:
    """A time as a change's stamp: UTC to the microsecond, `2026-12-03T01:02:03.123456Z`."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime(_STAMP_FORMAT)


def parse_stamp(text: str) -> datetime | None:
    """A stamp written by `stamp_of` back to a time; None for anything else."""
    if not isinstance(text, str) or len(text) != len(EPOCH):
        return None
    try:
        return datetime.strptime(text, _STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


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
    moment = parse_stamp(stamp)
    assert moment is not None, stamp
    return moment.isoformat(timespec="seconds")
