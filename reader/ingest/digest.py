"""Digest files -> `Digest` records.

A digest is a plain-text copy of a "Daily Papers" page: a few header lines, an optional
date line, then each paper as a title line and an abstract paragraph, blank lines between.
A `.json` digest is a fetched list (see reader.ingest.json_digest); both are read here.
Parsing never raises on bad content: problems become warnings that carry `file:line`.
"""

from __future__ import annotations

import codecs
import os
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from reader.domain.models import Digest, Entry, ParseWarning
from reader.domain.text import clean_text, escape_name, title_key
from reader.ingest.json_digest import is_json_digest, parse_json

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


def looks_like_date(line: str) -> bool:
    """A date line, valid or not (`Feb 30`, `Mar 99`, `2025-13-01`): never a paper's title."""
    line = line.strip()
    if _ISO_DATE.match(line):
        return True
    match = _MONTH_DAY.match(line)
    return bool(match and match.group(1).lower() in _MONTHS)


def parse_date_line(line: str) -> DateLine | None:
    """`Aug 7`, `Aug 7, 2025` or `2025-08-07`; None when the line is not a date."""
    line = line.strip()
    if match := _ISO_DATE.match(line):
        year, month, day = (int(part) for part in match.groups())
        return DateLine(month, day, year) if _valid(year, month, day) else None
    if match := _MONTH_DAY.match(line):
        named_month = _MONTHS.get(match.group(1).lower())
        day = int(match.group(2))
        named_year = int(match.group(3)) if match.group(3) else None
        if named_month and _valid(named_year or 2000, named_month, day):
            return DateLine(named_month, day, named_year)
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


# A modification time further ahead than this is a clock or copy error, not a date.
_FUTURE_SLACK_SECONDS = 2 * 24 * 3600


def mtime_problem(mtime: float | None) -> str | None:
    """Why a file's modification time cannot date it (out of range, in the future), or None."""
    if mtime is None:
        return None
    try:
        when = datetime.fromtimestamp(mtime)
    except (ValueError, OverflowError, OSError):
        return "out of range"
    if mtime > time.time() + _FUTURE_SLACK_SECONDS:
        return f"in the future ({when:%Y-%m-%d})"
    return None


def resolve_date(line: DateLine, file_name: str, mtime: float | None) -> date:
    """Give a year to a date line: its own, else the latest such date not after the
    date in the file name, else not after the file's modification time (today when that
    time cannot be right: see `mtime_problem`)."""
    if line.year is not None:
        return date(line.year, line.month, line.day)
    reference = date_from_file_name(file_name)
    if reference is None:
        unusable = mtime is None or mtime_problem(mtime) is not None
        reference = date.today() if unusable or mtime is None else datetime.fromtimestamp(mtime).date()
    for year in range(reference.year, reference.year - 9, -1):
        if _valid(year, line.month, line.day) and date(year, line.month, line.day) <= reference:
            return date(year, line.month, line.day)
    return date(reference.year, line.month, min(line.day, 28))


def _looks_like_abstract(line: str) -> bool:
    stripped = line.rstrip()
    return len(stripped) > MAX_TITLE_CHARS or stripped.endswith(".")


class _Encoding(NamedTuple):
    codec: str  # decodes the byte-order mark away
    name: str  # as the user knows it
    newline: bytes


_UTF8 = _Encoding("utf-8", "UTF-8", b"\n")
# UTF-32 first: its little-endian mark starts like UTF-16's.
_MARKED = (
    (codecs.BOM_UTF8, _Encoding("utf-8-sig", "UTF-8", b"\n")),
    (codecs.BOM_UTF32_LE, _Encoding("utf-32", "UTF-32", "\n".encode("utf-32-le"))),
    (codecs.BOM_UTF32_BE, _Encoding("utf-32", "UTF-32", "\n".encode("utf-32-be"))),
    (codecs.BOM_UTF16_LE, _Encoding("utf-16", "UTF-16", "\n".encode("utf-16-le"))),
    (codecs.BOM_UTF16_BE, _Encoding("utf-16", "UTF-16", "\n".encode("utf-16-be"))),
)


def _encoding(data: bytes) -> _Encoding:
    """From the byte-order mark; UTF-8 without one."""
    return next((encoding for bom, encoding in _MARKED if data.startswith(bom)), _UTF8)


def decode(data: bytes, path: str) -> tuple[str, list[ParseWarning]]:
    """Bytes -> text: UTF-8, or UTF-16/32 when a byte-order mark says so; the mark is
    dropped. Invalid bytes are replaced, with a warning at their line."""
    codec, name, _ = _encoding(data)
    try:
        return data.decode(codec), []
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(codec, errors="replace").count("\n") + 1
        warning = ParseWarning(path, line, f"not valid {name}; bad bytes shown as \ufffd")
        return data.decode(codec, errors="replace"), [warning]


def is_binary(data: bytes) -> bool:
    """NUL bytes and no UTF-16/32 byte-order mark (whose text is full of NULs)."""
    return b"\x00" in data[:8192] and _encoding(data).codec.startswith("utf-8")


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
    label = _name_label(path)
    if parser.date_line is not None:
        date_value = resolve_date(parser.date_line, file_name, mtime)
        label = parser.date_label
        problem = mtime_problem(mtime)
        if parser.date_line.year is None and date_from_file_name(file_name) is None and problem:
            guess = f"file modification time {problem}; the year of {label!r} is a guess from today"
            parser.warn(parser.date_number, guess)
    else:
        date_value = date_from_file_name(file_name)
    if not parser.entries:
        parser.warn(1, "no papers found")
    return Digest(path, label, date_value, parser.entries, parser.warnings)


def _name_label(path: str) -> str:
    """The label of a digest without a date line: its file name, printable on one line."""
    name = Path(path)
    return escape_name(name.stem).strip() or escape_name(name.name)


def parse_bytes(data: bytes, path: str, mtime: float | None = None) -> Digest:
    if is_binary(data):
        return Digest(path, _name_label(path), None, [], [ParseWarning(path, 1, "binary file (NUL bytes); skipped")])
    text, warnings = decode(data, path)
    if is_json_digest(path):
        digest = parse_json(text, path, date_from_file_name(Path(path).name))
    else:
        digest = parse_text(text, path, mtime)
    digest.warnings[:0] = warnings
    return digest


@dataclass(frozen=True)
class DigestBytes:
    """What the reader reads of a digest file: at most MAX_FILE_BYTES, cut at a line end.
    The same bytes are parsed, fingerprinted and (by `reader add`) copied."""

    data: bytes
    mtime: float
    cut_at_line: int | None  # the file was longer: reading stopped at this line


def read_digest(path: Path) -> DigestBytes:
    """Read what the reader uses of a digest file (raises OSError)."""
    with path.open("rb") as handle:
        status = os.fstat(handle.fileno())
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) <= MAX_FILE_BYTES:
        return DigestBytes(data, status.st_mtime, None)
    newline = _encoding(data).newline
    end = data.rfind(newline, 0, MAX_FILE_BYTES)
    data = data[: end + len(newline)] if end >= 0 else data[:MAX_FILE_BYTES]
    return DigestBytes(data, status.st_mtime, data.count(newline) + 1)


def parse_read(read: DigestBytes, path: str) -> Digest:
    """Parse what `read_digest` read, saying where a long file was cut."""
    digest = parse_bytes(read.data, path, read.mtime)
    if read.cut_at_line is not None:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        cut = f"file larger than {limit} MiB; the rest was not read"
        digest.warnings.append(ParseWarning(path, read.cut_at_line, cut))
    return digest


def parse_file(path: Path) -> Digest:
    """Read and parse one digest file; an unreadable file is a warning, not an error."""
    name = str(path)
    try:
        read = read_digest(path)
    except OSError as error:
        reason = error.strerror or str(error)
        return Digest(name, _name_label(name), None, [], [ParseWarning(name, 0, f"cannot read: {reason}")])
    return parse_read(read, name)


class _Parser:
    """Header lines first, then title / abstract pairs, one blank-separated block at a time."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.warnings: list[ParseWarning] = []
        self.date_line: DateLine | None = None
        self.date_label = ""
        self.date_number = 0
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
            while block and self._header_line(*block[0]):
                block = block[1:]
            if not block:
                return
            self.in_header = False
        first_number, first = block[0]
        if len(block) == 1 and looks_like_date(first):  # a date among the papers is no title
            self.warn(first_number, f"date line {first!r} after the papers began; ignored")
            return
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

    def _header_line(self, number: int, line: str) -> bool:
        if line.casefold() in _HEADER_LINES:
            return True
        if not looks_like_date(line):
            return False
        parsed = parse_date_line(line)
        if parsed is None:
            self.warn(number, f"{line!r} is not a valid date; ignored")
        elif self.date_line is None:
            self.date_line, self.date_label, self.date_number = parsed, clean_text(line), number
        else:
            self.warn(number, f"a second date line {line!r}; the digest is dated {self.date_label!r}")
        return True

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
