"""One record of a marks file (see reader.state.sync_format): one thing's last change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader.domain.newer_wins import Stamped

KINDS = ("read", "starred", "tag", "note", "view", "mute")  # the file's order
# What each kind's record names besides kind, value and at.
NAMING = {"read": "paper", "starred": "paper", "tag": "tag", "note": "paper", "view": "name", "mute": "query"}
# Each kind's value once deleted (a tombstone).
ABSENT: dict[str, Any] = {"read": False, "starred": False, "tag": False, "note": None, "view": None, "mute": False}


def view_key(name: str) -> str:
    """A saved view's name as its identity: case ignored as SQLite's NOCASE does (ASCII)."""
    return "".join(char.lower() if char.isascii() else char for char in name)


@dataclass(frozen=True)
class Record:
    """One thing's last change: `paper` is "" for views and mute rules, `name` the tag,
    view name or mute query ("" for read, starred and notes)."""

    kind: str
    paper: str
    name: str
    value: Any
    at: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.paper, view_key(self.name) if self.kind == "view" else self.name

    @property
    def stamped(self) -> Stamped:
        return Stamped(self.value, self.at)

    def as_json(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"kind": self.kind}
        if self.paper:
            fields["paper"] = self.paper
        if self.kind != "read" and self.kind != "starred" and self.kind != "note":
            fields[NAMING[self.kind]] = self.name
        fields["value"] = self.value
        fields["at"] = self.at
        return fields


_KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}


def sort_key(record: Record) -> tuple[int, str, str]:
    return _KIND_ORDER[record.kind], record.paper, view_key(record.name) if record.kind == "view" else record.name
