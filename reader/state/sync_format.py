"""The marks file: every mark, tag, note, saved view and mute rule with when it last
changed, deletions included, as JSON Lines (what `reader marks export` writes, what
`reader marks import` and the sync file read).

    {"format":"reader-marks","version":1,"records":3,"sha256":"<hex of the lines below>"}
    {"kind":"read","paper":"2412.01234","value":true,"at":"2026-12-03T01:02:03.123456Z"}
    {"kind":"starred","paper":"2412.01234","value":false,"at":"2026-12-03T01:05:00.000001Z"}
    {"kind":"tag","paper":"2412.01234","tag":"moe","value":true,"at":"..."}
    {"kind":"note","paper":"2412.01234","value":"text, or null once deleted","at":"..."}
    {"kind":"view","name":"My view","value":{"query":"moe","view":"all"},"at":"..."}
    {"kind":"mute","query":"title:survey","value":false,"at":"..."}

Records come in a stable order (kind, paper, name), so the same state always writes the
same bytes. Reading refuses, with one line naming the file and line, anything that is
not such a file: a truncated one (the header's count or checksum disagree, or the last
line is cut short), another format or version, and hostile values (ids that are not
short printable text, tags and names the reader would not have written).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.domain.newer_wins import future_reason, latest_allowed, parse_stamp
from reader.domain.query_text import check_stored_query
from reader.domain.tags import MAX_NOTE_CHARS, normalise_note, normalise_tag
from reader.domain.untrusted_json import loads
from reader.domain.views import View
from reader.state.settings import check_view_name
from reader.state.sync_records import KINDS, NAMING, Record, sort_key

FORMAT = "reader-marks"
VERSION = 1
MAX_ID_CHARS = 200
MAX_LINE_BYTES = 1 << 20  # a 20,000-character note escaped stays far below
MAX_FILE_BYTES = 512 << 20
_VIEWS = frozenset(view.value for view in View)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class MarksFileError(ValueError):
    """The file is not a marks file this reader can take; the message names file and line."""


def encode(records: Iterable[Record]) -> bytes:
    """The file's bytes: the header, then one line per record in the stable order."""
    line = _ENCODER.encode
    lines = [line(record.as_json()) + "\n" for record in sorted(records, key=sort_key)]
    body = "".join(lines).encode("utf-8")
    header = {"format": FORMAT, "version": VERSION, "records": len(lines), "sha256": hashlib.sha256(body).hexdigest()}
    return json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + body


def decode(data: bytes, path: Path | str, now: datetime | None = None) -> list[Record]:
    """The records of a marks file; MarksFileError naming `path` and the line when it is not one
    (or a record is stamped more than a day after `now`, this machine's clock)."""
    latest = latest_allowed(now or datetime.now(UTC))

    def refuse(line: int | None, reason: str) -> MarksFileError:
        where = f"{path}:{line}" if line is not None else str(path)
        return MarksFileError(f"{where}: {reason}; nothing was changed")

    if len(data) > MAX_FILE_BYTES:
        raise refuse(None, f"is larger than {MAX_FILE_BYTES >> 20} MB, too large for a marks file")
    if not data:
        raise refuse(None, "is empty, not a reader marks file")
    data = data.replace(b"\r\n", b"\n")  # as git checks it out on Windows; the checksum is of "\n" lines
    lines = data.split(b"\n")
    if lines[-1] != b"":
        raise refuse(len(lines), "the last line is cut short: the file is truncated (or still being copied)")
    lines.pop()
    header = _header(lines[0], refuse)
    body = data[len(lines[0]) + 1 :]
    count = header.get("records")
    if count is not None and count != len(lines) - 1:
        raise refuse(len(lines), f"the header promises {count:,} records but {len(lines) - 1:,} follow: "
                     "the file is truncated or was edited")
    checksum = header.get("sha256")
    if checksum is not None and checksum != hashlib.sha256(body).hexdigest():
        raise refuse(1, "the records do not match the header's checksum: the file is damaged or was edited")
    records = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            records.append(_record(line, latest))
        except ValueError as error:
            raise refuse(number, str(error)) from None
    return records


def _header(line: bytes, refuse: Any) -> dict[str, Any]:
    try:
        header = _json_object(line)
    except ValueError:
        header = None
    if header is None or header.get("format") != FORMAT:
        raise refuse(1, f'is not a reader marks file (its first line must be {{"format":"{FORMAT}",...}})')
    version = header.get("version")
    if version != VERSION or isinstance(version, bool):
        raise refuse(1, f"has format version {version!r}, which this reader cannot read (it reads version {VERSION});"
                     " upgrade the reader")
    count, checksum = header.get("records"), header.get("sha256")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        raise refuse(1, f"the header's record count is not a count: {count!r}")
    if checksum is not None and not (isinstance(checksum, str) and len(checksum) == 64):
        raise refuse(1, "the header's checksum is not a SHA-256")
    return header


def _json_object(line: bytes) -> dict[str, Any]:
    if len(line) > MAX_LINE_BYTES:
        raise ValueError(f"the line is longer than {MAX_LINE_BYTES >> 10} KB")
    try:
        value = loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("the line is not UTF-8 text") from None
    except ValueError as error:  # UntrustedJSON: malformed, nested too deep, a number too long
        raise ValueError(f"the line is not JSON ({error})") from None
    if not isinstance(value, dict):
        raise ValueError("the line is not a JSON object")
    return value


def exportable(records: list[Record], now: datetime | None = None) -> tuple[list[Record], int]:
    """The records a reader would take back, and how many it would refuse (left out of a
    file: one refused record makes every other machine refuse the whole file)."""
    latest = latest_allowed(now or datetime.now(UTC))
    kept: list[Record] = []
    for record in records:
        try:
            _checked(record.as_json(), latest)
        except ValueError:
            continue
        kept.append(record)
    return kept, len(records) - len(kept)


def _record(line: bytes, latest: str) -> Record:
    return _checked(_json_object(line), latest)


def _checked(fields: dict[str, Any], latest: str) -> Record:
    kind = fields.get("kind")
    if kind not in NAMING:
        raise ValueError(f"unknown kind {str(kind)[:40]!r} (known: {', '.join(KINDS)})")
    naming = NAMING[kind]
    expected = {"kind", "value", "at", naming} | ({"paper"} if kind == "tag" else set())
    if set(fields) != expected:
        raise ValueError(f"a {kind} record has the fields {', '.join(sorted(expected))}")
    at = fields["at"]
    if parse_stamp(at) is None:
        raise ValueError(f"the time {str(at)[:40]!r} is not a UTC time like 2026-12-03T01:02:03.123456Z")
    if at > latest:
        raise ValueError(future_reason(at))
    paper = _paper_id(fields["paper"]) if "paper" in fields else ""
    name = "" if naming == "paper" else _NAME_CHECKS[kind](fields[naming])
    return Record(kind, paper, name, _VALUE_CHECKS[kind](fields["value"]), at)


def _paper_id(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("the paper id must be text")
    if not value or len(value) > MAX_ID_CHARS:
        raise ValueError(f"the paper id must have 1 to {MAX_ID_CHARS} characters")
    if not value.isprintable() or value.strip() != value:
        raise ValueError("the paper id holds control characters or outer spaces")
    return value


def _tag(value: Any) -> str:
    if not isinstance(value, str) or not value or normalise_tag(value) != value:
        raise ValueError(f"{str(value)[:60]!r} is not a tag (one lowercase word, at most 40 characters)")
    return value


def _view_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a saved view's name must be text")
    if check_view_name(value) != value:  # ValueError with the reason first
        raise ValueError("a saved view's name has outer or repeated spaces")
    return value


def _query(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or value.strip() != value:
        raise ValueError(f"{what} must be text without outer spaces")
    return check_stored_query(value, what)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("the value must be true or false")
    return value


def _note(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_NOTE_CHARS or normalise_note(value) != value:
        raise ValueError(f"a note must be null or text of at most {MAX_NOTE_CHARS:,} characters without controls")
    return value


def _view(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"query", "view"}:
        raise ValueError('a saved view must be null or {"query": ..., "view": ...}')
    if not isinstance(value["view"], str) or value["view"] not in _VIEWS:
        raise ValueError(f"a saved view's view must be one of {', '.join(sorted(_VIEWS))}")
    return {"query": _query(value["query"], "a saved view's query"), "view": value["view"]}


_NAME_CHECKS = {"tag": _tag, "view": _view_name, "mute": lambda value: _query(value, "a mute rule")}
_VALUE_CHECKS = {"read": _flag, "starred": _flag, "tag": _flag, "note": _note, "view": _view, "mute": _flag}
