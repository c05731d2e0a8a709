"""A machine's clock for marks-sync tests: each StateStore given one stands for a machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


class Clock:
    """Moves a microsecond per reading, or jumps when the test says."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)
        return self.now

    def set(self, seconds: float) -> None:
        self.now = START + timedelta(seconds=seconds)
