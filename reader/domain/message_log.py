"""The message log: every notice the reader showed this session, kept after its toast is gone.

Plain data (no Textual): a bounded list of entries with their time, severity and text.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

MAX_ENTRIES = 500  # a long session keeps the newest ones
SEVERITIES = ("information", "warning", "error")


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    severity: str  # one of SEVERITIES
    text: str
    title: str = ""

    @property
    def line(self) -> str:
        """The entry as one line of the log: "14:02:11  warning  Digest problems: …"."""
        lead = f"{self.title}: " if self.title else ""
        return f"{self.at:%H:%M:%S}  {self.severity:<11}  {lead}{self.text}"


class MessageLog:
    """The newest `limit` entries, oldest first."""

    def __init__(self, limit: int = MAX_ENTRIES, clock: Callable[[], datetime] = datetime.now) -> None:
        self._entries: deque[LogEntry] = deque(maxlen=limit)
        self._clock = clock
        self.dropped = 0  # entries pushed out by newer ones

    def add(self, text: str, severity: str = "information", title: str = "") -> LogEntry:
        if severity not in SEVERITIES:
            severity = "information"
        if len(self._entries) == self._entries.maxlen:
            self.dropped += 1
        entry = LogEntry(self._clock(), severity, text, title)
        self._entries.append(entry)
        return entry

    def __iter__(self) -> Iterator[LogEntry]:
        return iter(tuple(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def counts(self) -> dict[str, int]:
        """How many entries of each severity."""
        found = dict.fromkeys(SEVERITIES, 0)
        for entry in self._entries:
            found[entry.severity] += 1
        return found
