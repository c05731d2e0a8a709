"""Digest files -> `Digest` records.

A digest is a plain-text copy of a "Daily Papers" page: a few header lines, an optional
date line, then each paper as a title line and an abstract paragraph, blank lines between.
Parsing never raises on bad content: problems become warnings that carry `file:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reader.core.models import Digest, Entry, ParseWarning
from reader.core.text import clean_text, title_key

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_LINE_CHARS = 100_000
# An abstract is a paragraph; a title is one short line that does not end a sentence.
MAX_TITLE_CHARS = 300

_HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
    "by ak and the research community",
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH_DAY = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2})(?:,? (\d{4}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_FILE_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class DateLine:
    month: int
    day: int
    year: int | None


def parse_date_line(line: str) -> DateLine | None:
    """`Aug 7`, `Aug 7, 2025` or `2025-08-07`; None when the line is not a date."""
    line = line.strip()
    if match := _ISO_DATE.match(line):
        year, month, day = (int(part) for part in match.groups())
        return DateLine(month, day, year) if _valid(year, month, day) else None
    if match := _MONTH_DAY.match(line):
        month = _MONTHS.get(match.group(1).lower())
        day = int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
        if month and _valid(year or 2000, month, day):
            return DateLine(month, day, year)
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def date_from_file_name(name: str) -> date | None:
    for match in _FILE_NAME_DATE.finditer(name):
        year, month, day = (int(part) for part in match.groups())
        if _valid(year, month, day):
            return date(year, month, day)
    return None


def resolve_date(line: DateLine, file_name: str, mtime: float | None) -> date:
    """Give a year to a date line: its own, else the latest such date not after the
    date in the file name, else not after the file's modification time."""
    if line.year is not None:
        return date(line.year, line.month, line.day)
    reference = date_from_file_name(file_name)
    if reference is None:
        reference = datetime.fromtimestamp(mtime).date() if mtime is not None else date.today()
    for year in range(reference.year, reference.year - 9, -1):
        if _valid(year, line.month, line.day) and date(year, line.month, line.day) <= reference:
            return date(year, line.month, line.day)
    return date(reference.year, line.month, min(line.day, 28))


def _looks_like_abstract(line: str) -> bool:
    stripped = line.rstrip()
    return len(stripped) > MAX_TITLE_CHARS or stripped.endswith(".")


def decode(data: bytes, path: str) -> tuple[str, list[ParseWarning]]:
    """Bytes -> text. A BOM is dropped; invalid UTF-8 is replaced, with a warning."""
    warnings: list[ParseWarning] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        warnings.append(ParseWarning(path, line, "not valid UTF-8; bad bytes shown as \ufffd"))
        return data.decode("utf-8", errors="replace"), warnings


def is_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def parse_text(text: str, path: str, mtime: float | None = None) -> Digest:
    """Parse a digest's text. `path` names it in warnings; `mtime` helps date inference."""
    file_name = Path(path).name
    parser = _Parser(path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_CHARS:
            parser.warn(number, f"line longer than {MAX_LINE_CHARS:,} characters; the rest was cut")
            raw = raw[:MAX_LINE_CHARS]
        parser.feed(number, raw)
    parser.finish()

    date_value = None
    label = clean_text(Path(path).stem) or file_name
    if parser.date_line is not None:
        date_value = resolve_date(parser.date_line, file_name, mtime)
        label = parser.date_label
    else:
        date_value = date_from_file_name(file_name)
    if not parser.entries:
        parser.warn(1, "no papers found")
    return Digest(path, label, date_value, parser.entries, parser.warnings)


def parse_bytes(data: bytes, path: str, mtime: float | None = None) -> Digest:
    if is_binary(data):
        label = clean_text(Path(path).stem)
        return Digest(path, label, None, [], [ParseWarning(path, 1, "binary file (NUL bytes); skipped")])
    text, warnings = decode(data, path)
    digest = parse_text(text, path, mtime)
    digest.warnings[:0] = warnings
    return digest


def parse_file(path: Path) -> Digest:
    """Read and parse one digest file; an unreadable file is a warning, not an error."""
    name = str(path)
    try:
        mtime = path.stat().st_mtime
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        return Digest(name, path.stem, None, [], [ParseWarning(name, 0, f"cannot read: {reason}")])
    truncated = len(data) > MAX_FILE_BYTES
    if truncated:
        data = data[: data.rfind(b"\n", 0, MAX_FILE_BYTES) + 1 or MAX_FILE_BYTES]
    digest = parse_bytes(data, name, mtime)
    if truncated:
        line = data.count(b"\n") + 1
        limit = MAX_FILE_BYTES // (1024 * 1024)
        digest.warnings.append(ParseWarning(name, line, f"file larger than {limit} MiB; the rest was not read"))
    return digest


class _Parser:
    """Header lines first, then title / abstract pairs, one blank-separated block at a time."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.warnings: list[ParseWarning] = []
        self.date_line: DateLine | None = None
        self.date_label = ""
        self.in_header = True
        self.title: tuple[int, str] | None = None  # a title waiting for its abstract
        self.block: list[tuple[int, str]] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.path, line, message))

    def feed(self, number: int, raw: str) -> None:
        line = raw.strip()
        if line:
            self.block.append((number, line))
        elif self.block:
            self._take_block(self.block)
            self.block = []

    def finish(self) -> None:
        if self.block:
            self._take_block(self.block)
            self.block = []
        if self.title is not None:
            self._title_without_abstract()

    def _take_block(self, block: list[tuple[int, str]]) -> None:
        if self.in_header:
            while block and self._header_line(block[0][1]):
                block = block[1:]
            if not block:
                return
            self.in_header = False
        first_number, first = block[0]
        if self.title is not None:
            if len(block) == 1 and not _looks_like_abstract(first):
                self._title_without_abstract()  # two title lines in a row
            else:
                self._add(self.title, " ".join(line for _, line in block))
                self.title = None
                return
        if _looks_like_abstract(first):
            self.warn(first_number, "paragraph without a title line; skipped")
        elif len(block) == 1:
            self.title = (first_number, first)
        else:  # title and abstract with no blank line between them
            self._add((first_number, first), " ".join(line for _, line in block[1:]))

    def _header_line(self, line: str) -> bool:
        if line.casefold() in _HEADER_LINES:
            return True
        parsed = parse_date_line(line)
        if parsed is not None and self.date_line is None:
            self.date_line = parsed
            self.date_label = clean_text(line)
            return True
        return False

    def _title_without_abstract(self) -> None:
        assert self.title is not None
        self.warn(self.title[0], "title without an abstract")
        self._add(self.title, "")
        self.title = None

    def _add(self, title: tuple[int, str], abstract: str) -> None:
        number, raw_title = title
        clean_title = clean_text(raw_title)
        if not title_key(clean_title):
            self.warn(number, "title has no letters or digits; skipped")
            return
        self.entries.append(Entry(clean_title, clean_text(abstract), number))
