"""What the commands print, and how: every line cleaned of escape sequences and controls.

Digest text (titles, abstracts, labels, even file names) is untrusted. The core cleans
it, and every line printed here is cleaned once more, so no escape sequence or control
character from a digest can reach the terminal whatever the path it took.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from reader.domain.models import Paper
from reader.domain.paper_meta import PaperMeta
from reader.domain.text import strip_controls

# What JSON leaves raw (it escapes only C0): escaped instead, so the data is kept exactly.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _safe(text: str) -> str:
    """One or more human-readable lines with every escape sequence and control removed."""
    return strip_controls(str(text))


def out(text: str = "") -> None:
    print(_safe(text))


def err(text: str) -> None:
    print(_safe(text), file=sys.stderr)


def write_raw(text: str) -> None:
    """Formatted output (exports) as is, apart from the controls a terminal would obey."""
    sys.stdout.write(strip_controls(text))


def _appearances_json(paper: Paper) -> list[dict[str, Any]]:
    return [
        {"label": a.label, "date": a.date.isoformat() if a.date else None, "position": a.position, "file": a.path}
        for a in paper.appearances
    ]


def paper_json(paper: Paper, read: bool, starred: bool, score: float | None = None) -> dict[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "score": score,
        "digests": _appearances_json(paper),
        "links": list(paper.links),
        "read": read,
        "starred": starred,
        **(paper.meta or PaperMeta()).to_record(),  # the same keys for every paper: null when not fetched
    }


def _json_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def print_json(value: Any) -> None:
    print(_json_text(value))


def status_marks(read: bool, starred: bool) -> str:
    return ("★" if starred else " ") + (" " if read else "●")


def say_muted(count: int) -> None:
    if count:
        err(f"reader: left out {count} muted paper{'s' if count != 1 else ''} (--include-muted keeps them)")
