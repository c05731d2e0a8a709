"""Fetched digests: a Daily Papers list as JSON (what `reader fetch` keeps) -> a `Digest`.

The file is a JSON list of entries as Hugging Face serves them. Like its official client
(`huggingface_hub.PaperInfo`), the reader takes each field from the entry's nested `paper`
object or from the entry itself, whichever has it. The text is as untrusted as a page
copy's: titles and abstracts get the same clean-up, and only http(s) links are kept.
Problems are warnings with the file and the line of the entry, never exceptions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from reader.domain.models import Digest, Entry, ParseWarning
from reader.domain.paper_meta import PaperMeta, count, day, is_arxiv_id, web_link
from reader.domain.text import clean_text, title_key
from reader.domain.untrusted_json import UntrustedJSON, decode_at, loads

JSON_SUFFIX = ".json"
MAX_AUTHORS = 1000
MAX_KEYWORDS = 50

_SPACE = re.compile(r"[ \t\n\r]*")
# Which object a field is read from first: the entry's own fields, or its nested `paper`.
_PAPER_FIRST = frozenset({"summary", "authors", "publishedAt", "upvotes"})


def is_json_digest(path: str) -> bool:
    return Path(path).suffix.lower() == JSON_SUFFIX


def parse_json(text: str, path: str, file_date: date | None) -> Digest:
    """Parse a fetched digest; `file_date` is the day its file name carries, if any."""
    warnings: list[ParseWarning] = []
    entries: list[Entry] = []
    days: Counter[date] = Counter()
    for number, (line, item) in enumerate(_items(text, path, warnings), start=1):
        entry = _entry(item, number, line, path, warnings)
        if entry is not None:
            entries.append(entry)
            if when := listed_day(item):
                days[when] += 1
    digest_date = file_date or (days.most_common(1)[0][0] if days else None)
    label = f"{digest_date:%b} {digest_date.day}" if digest_date else Path(path).stem
    if not entries and not warnings:
        warnings.append(ParseWarning(path, 1, "no papers found"))
    return Digest(path, label, digest_date, entries, warnings)


def _items(text: str, path: str, warnings: list[ParseWarning]) -> Iterator[tuple[int, object]]:
    """Each value of the top-level list with the line it starts on."""
    position = _skip_space(text, 0)
    if position == len(text):
        warnings.append(ParseWarning(path, 1, "empty file; no papers found"))
        return
    if text[position] != "[":
        warnings.append(ParseWarning(path, _line_of(text, position), _not_a_list(text)))
        return
    line, counted_to = _line_of(text, position), position
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        return
    while True:
        line += text.count("\n", counted_to, position)
        counted_to = position
        try:
            value, position = decode_at(text, position)
        except UntrustedJSON as error:
            where = line if error.line is None else error.line
            warnings.append(ParseWarning(path, where, f"not valid JSON: {error.reason}; the rest was not read"))
            return
        yield line, value
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
            continue
        if not text.startswith("]", position):
            problem = "not valid JSON: expected ',' or ']'; the rest was not read"
            warnings.append(ParseWarning(path, _line_of(text, position), problem))
        elif _skip_space(text, position + 1) != len(text):
            warnings.append(ParseWarning(path, _line_of(text, position), "text after the list; ignored"))
        return


def _not_a_list(text: str) -> str:
    """Why a file that does not start with `[` holds no papers."""
    try:
        value = loads(text)
    except UntrustedJSON as error:
        return f"not valid JSON: {error.reason}" + (f" (line {error.line})" if error.line else "")
    if isinstance(value, dict) and isinstance(value.get("error"), str):
        return f"not a list of papers: the server said {clean_text(value['error'])[:200]!r}"
    return f"not a list of papers (a JSON {type(value).__name__.replace('dict', 'object')})"


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _field(item: dict[str, object], name: str) -> object:
    paper = item.get("paper")
    places = [item, paper] if isinstance(paper, dict) else [item]
    if name in _PAPER_FIRST:
        places.reverse()
    return next((place[name] for place in places if place.get(name) is not None), None)


def _entry(item: object, number: int, line: int, path: str, warnings: list[ParseWarning]) -> Entry | None:
    if not isinstance(item, dict):
        warnings.append(ParseWarning(path, line, f"entry {number} is not an object; skipped"))
        return None
    raw_title = _field(item, "title")
    title = clean_text(raw_title) if isinstance(raw_title, str) else ""
    if not title:
        warnings.append(ParseWarning(path, line, f"entry {number} has no title; skipped"))
        return None
    if not title_key(title):
        warnings.append(ParseWarning(path, line, f"entry {number}: title has no letters or digits; skipped"))
        return None
    summary = _field(item, "summary")
    abstract = clean_text(summary) if isinstance(summary, str) else ""
    return Entry(title, abstract, line, _meta(item))


def _meta(item: dict[str, object]) -> PaperMeta:
    arxiv_id = _field(item, "id")
    published = _field(item, "publishedAt")
    return PaperMeta(
        arxiv_id=arxiv_id.strip() if isinstance(arxiv_id, str) and is_arxiv_id(arxiv_id.strip()) else None,
        authors=_names(_field(item, "authors"), MAX_AUTHORS),
        upvotes=count(_field(item, "upvotes")),
        comments=count(_field(item, "numComments")),
        github=web_link(_field(item, "githubRepo")),
        github_stars=count(_field(item, "githubStars")),
        project=web_link(_field(item, "projectPage")),
        published=day(published) if isinstance(published, str) else None,
        keywords=_names(_field(item, "ai_keywords"), MAX_KEYWORDS),
    )


def _names(value: object, limit: int) -> tuple[str, ...]:
    """Cleaned names from a list of strings or of objects with a `name` (authors); a lone
    string is one name."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    names = []
    for item in value[:limit]:
        raw = item.get("name") if isinstance(item, dict) else item
        name = clean_text(raw) if isinstance(raw, str) else ""
        if name:
            names.append(name)
    return tuple(names)


def listed_day(item: object) -> date | None:
    """The day an entry was listed on Daily Papers: `submittedOnDailyAt` (in either place),
    else the entry's own `publishedAt` (the nested one is the arXiv date, not the listing's)."""
    if not isinstance(item, dict):
        return None
    for value in (_field(item, "submittedOnDailyAt"), item.get("publishedAt")):
        when = day(value) if isinstance(value, str) else None
        if when is not None:
            return when
    return None
