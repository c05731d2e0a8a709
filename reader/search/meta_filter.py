"""The metadata filters of a plan (reader.search.meta_query) -> the papers they let through.

Pure: the filters, every fetched paper's metadata and the library view in, an id set out
(one set per filter, intersected: a comprehension per filter walks 100,000 papers quickly).
A paper without metadata matches no filter but year: (which falls back to the date of the
first digest that listed it); `NOT`/`-` keeps every paper its filter does not match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from reader.domain.library_view import LibraryView
from reader.domain.paper_meta import PaperMeta
from reader.search.meta_query import MetaFilter, name_line

# Between two authors' names in a paper's author line: a word never holds it.
_NAME_BREAK = "|"


class PaperMetadata(dict[str, PaperMeta]):
    """Every fetched paper's metadata (paper id -> PaperMeta), with the authors' names folded
    once, the first time an author: filter needs them (not per search)."""

    def __init__(self, metadata: Mapping[str, PaperMeta] | None = None) -> None:
        super().__init__(metadata or {})
        self._author_lines: dict[str, str] | None = None

    def author_lines(self) -> dict[str, str]:
        """paper id -> its authors as ` word word| word word`: each word after a space, names
        apart, so `" hint" in line` says whether a word of a name starts with `hint`."""
        if self._author_lines is None:
            self._author_lines = author_lines(self)
        return self._author_lines


def author_lines(metadata: Mapping[str, PaperMeta]) -> dict[str, str]:
    return {
        pid: _NAME_BREAK.join(name_line(name) for name in meta.authors)
        for pid, meta in metadata.items()
        if meta.authors
    }


def meta_matches(filters: Sequence[MetaFilter], metadata: Mapping[str, PaperMeta], view: LibraryView) -> set[str]:
    """The papers of `view` every filter lets through."""
    found: set[str] | None = None
    for item in sorted((item for item in filters if not item.negated), key=lambda item: item.kind == "year"):
        matched = _matching(item, metadata, view, found)
        found = matched if found is None else found & matched
    if found is None:
        found = set(view.papers)
    for item in filters:
        if item.negated and found:
            found -= _matching(item, metadata, view, found)
    return found


def needs_metadata(filters: Sequence[MetaFilter]) -> list[str]:
    """The filters' names that only fetched papers can match (year: works on any paper)."""
    return list(dict.fromkeys(item.name for item in filters if item.kind != "year"))


def _matching(
    item: MetaFilter, metadata: Mapping[str, PaperMeta], view: LibraryView, within: set[str] | None
) -> set[str]:
    """The papers of `view` (or of `within`, when smaller) that `item` matches, negation aside."""
    if item.kind == "year":
        return _in_years(item, metadata, view, within)
    papers = view.papers
    known: Iterable[tuple[str, PaperMeta]]  # walked once, never kept: a list of 100,000 pairs wakes the collector
    if within is not None and len(within) < len(metadata):
        known = ((pid, metadata[pid]) for pid in within if pid in metadata)
    else:
        known = metadata.items()
    if item.kind == "author":
        lines = metadata.author_lines() if isinstance(metadata, PaperMetadata) else author_lines(metadata)
        return {pid for pid, _ in known if pid in papers and _has_author(lines.get(pid, ""), item.words)}
    low, high = item.bounds
    if item.kind == "upvotes":
        return {
            pid for pid, meta in known if meta.upvotes is not None and low <= meta.upvotes <= high and pid in papers
        }
    if item.kind == "comments":
        return {
            pid for pid, meta in known if meta.comments is not None and low <= meta.comments <= high and pid in papers
        }
    if item.kind == "code":
        return {pid for pid, meta in known if meta.has_code and pid in papers}
    if item.kind == "project":
        return {pid for pid, meta in known if meta.has_project and pid in papers}
    return set()


def _has_author(line: str, words: tuple[str, ...]) -> bool:
    """Whether one name in the author line has a word starting with each of `words`."""
    if len(words) == 1:
        return f" {words[0]}" in line
    starts = [f" {word}" for word in words]
    return all(start in line for start in starts) and any(
        all(start in name for start in starts) for name in line.split(_NAME_BREAK)
    )


def _in_years(
    item: MetaFilter, metadata: Mapping[str, PaperMeta], view: LibraryView, within: set[str] | None
) -> set[str]:
    """Papers published in the years; those without a publication date by their first sighting."""
    dates = {info.id: info.date for info in view.digests}
    low, high = item.bounds
    found: set[str] = set()
    papers = view.papers
    for pid in within if within is not None else papers:
        meta = metadata.get(pid)
        when: date | None = meta.published if meta is not None else None
        if when is None:
            summary = papers.get(pid)
            if summary is None:
                continue
            when = dates.get(summary.digest_ids[-1]) if summary.digest_ids else summary.date
        if when is not None and low <= when.year <= high:
            found.add(pid)
    return found
