"""The last session: what the reader showed when it closed, restored on the next start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader.domain.views import View


@dataclass(frozen=True)
class Session:
    """What the reader showed when it closed, restored on the next start."""

    query: str = ""
    view: View = View.ALL
    digest: str | None = None  # the digest's file path: catalog ids change on rebuilds
    selected: str | None = None
    tag: str | None = None  # the tag chosen in the filter pane

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query, "view": self.view.value, "digest": self.digest, "selected": self.selected,
            "tag": self.tag,
        }

    @classmethod
    def from_json(cls, data: Any) -> Session:
        """Whatever was stored; anything damaged falls back to the default."""
        if not isinstance(data, dict):
            return cls()

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        try:
            view = View(data.get("view", "all"))
        except ValueError:
            view = View.ALL
        return cls(text("query") or "", view, text("digest"), text("selected"), text("tag"))
