"""The query's metadata filters: author:, upvotes:, comments:, has: and year:.

They ask about what a fetched digest knows of a paper (reader.domain.paper_meta), so they
are taken out of the text before Whoosh sees it and carried in the plan as `MetaFilter`s;
reader.search.meta_filter turns them into an id set.

  author:hinton  author:"geoffrey hinton"   every word starts a word of one author's name
  upvotes:>20  upvotes:>=20  upvotes:<5  upvotes:<=5  upvotes:=20  upvotes:20  upvotes:10..50
  comments:... (the same)
  has:code  has:project
  year:2026  year:2024..2026  (and >, >=, <, <=)

`NOT` or `-` before one keeps the papers it does not match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.domain.text import fold

META_FILTER_NAMES = ("author", "upvotes", "comments", "has", "year")
HAS_VALUES = ("code", "project")
_META_FILTER = re.compile(
    r'(?<!\S)(NOT\s+|-)?((?i:author|upvotes|comments|has|year)):(?:"([^"]*)"?|(\S*))'
)
_NUMBER = r"(\d{1,9})"
_COMPARISON = re.compile(rf"^(>=|<=|>|<|=)?{_NUMBER}$")
_RANGE = re.compile(rf"^{_NUMBER}?\.\.{_NUMBER}?$")
_WORD = re.compile(r"\w+")
_NON_WORD = re.compile(r"\W+")
_UNBOUNDED = 2**63
_EXAMPLES = {
    "upvotes": "upvotes:>20, upvotes:<=5, upvotes:10..50",
    "comments": "comments:>3, comments:0, comments:1..9",
    "year": "year:2026, year:2024..2026",
}


@dataclass(frozen=True)
class MetaFilter:
    """One filter: `kind` is author, upvotes, comments, year, code or project; `words` the
    folded words of an author's name; `low`..`high` an inclusive range (None: open)."""

    kind: str
    negated: bool = False
    words: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None

    @property
    def name(self) -> str:
        """As the user typed its field: `author:`, `has:`."""
        return "has:" if self.kind in HAS_VALUES else f"{self.kind}:"

    @property
    def bounds(self) -> tuple[int, int]:
        """The range with its open ends closed: `low <= number <= high` says if it holds."""
        return (-_UNBOUNDED if self.low is None else self.low, _UNBOUNDED if self.high is None else self.high)


def split_meta_filters(raw: str) -> tuple[str, list[MetaFilter], list[str]]:
    """Pull the metadata filters out of the text; returns (rest, filters, notices). A bad
    value gives a notice, never an exception, and filters nothing."""
    found: list[MetaFilter] = []
    notices: list[str] = []

    def take(match: re.Match[str]) -> str:
        negated = match.group(1) is not None
        kind = match.group(2).lower()
        value = match.group(3) if match.group(3) is not None else match.group(4)
        parsed = _meta_filter(kind, value.strip(), negated)
        if isinstance(parsed, str):
            notices.append(parsed)
        else:
            found.append(parsed)
        return " "

    rest = _META_FILTER.sub(take, raw)
    return rest, found, notices


def _meta_filter(kind: str, value: str, negated: bool) -> MetaFilter | str:
    """The filter, or the notice saying what is wrong with its value."""
    if kind == "author":
        words = words_of(value)
        if not words:
            return f'author:{value} has no name to look for (e.g. author:hinton, author:"geoffrey hinton")'
        return MetaFilter("author", negated, words=words)
    if kind == "has":
        wanted = value.lower()
        if wanted not in HAS_VALUES:
            return f"unknown filter has:{value} (use {', '.join('has:' + name for name in HAS_VALUES)})"
        return MetaFilter(wanted, negated)
    bounds = number_range(value)
    if bounds is None:
        return f"{kind}:{value} is not a number or range (e.g. {_EXAMPLES[kind]})"
    return MetaFilter(kind, negated, low=bounds[0], high=bounds[1])


def words_of(text: str) -> tuple[str, ...]:
    """Folded words: `Geoffrey E. Hinton` -> (geoffrey, e, hinton)."""
    return tuple(_WORD.findall(text.casefold() if text.isascii() else fold(text)))  # ASCII: nothing to unaccent


def name_line(name: str) -> str:
    """An author's name as its folded words, each after a space: ` geoffrey e hinton`."""
    folded = name.casefold() if name.isascii() else fold(name)
    return " " + _NON_WORD.sub(" ", folded).strip()


def number_range(value: str) -> tuple[int | None, int | None] | None:
    """`>20` -> (21, None), `<=5` -> (None, 5), `20` or `=20` -> (20, 20), `10..50` -> (10, 50);
    None when it is none of those (or an empty range such as `50..10`)."""
    compared = _COMPARISON.match(value)
    if compared is not None:
        operator, number = compared.group(1) or "=", int(compared.group(2))
        return {
            ">": (number + 1, None), ">=": (number, None), "<": (None, number - 1), "<=": (None, number),
            "=": (number, number),
        }[operator]
    ranged = _RANGE.match(value)
    if ranged is None or ranged.group(1) is None and ranged.group(2) is None:
        return None
    low = int(ranged.group(1)) if ranged.group(1) is not None else None
    high = int(ranged.group(2)) if ranged.group(2) is not None else None
    if low is not None and high is not None and low > high:
        return None
    return low, high
