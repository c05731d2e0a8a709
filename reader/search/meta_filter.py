"""The metadata filters of a plan (reader.search.meta_query) -> the papers they let through.

Pure: the filters, every fetched paper's metadata and the library view in, an id set out.
A paper without metadata matches no filter but year: (which falls back to the date of the
first digest that listed it); `NOT`/`-` keeps every paper its filter does not match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from reader.domain.library_view import LibraryView
from reader.domain.paper_meta import PaperMeta
from reader.search.meta_query import MetaFilter, words_of


def meta_matches(filters: Sequence[MetaFilter], metadata: Mapping[str, PaperMeta], view: LibraryView) -> set[str]:
    """The papers of `view` every filter lets through."""
    plain = [item for item in filters if not item.negated]
    negated = [item for item in filters if item.negated]
    first_dates = _first_dates(view) if any(item.kind == "year" for item in filters) else {}
    papers: Iterable[str]
    if plain and all(item.kind != "year" for item in plain):
        papers = (pid for pid in metadata if pid in view.papers)  # only fetched papers can match
    else:
        papers = view.papers
    author_words: dict[str, list[tuple[str, ...]]] = {}
    found: set[str] = set()
    for pid in papers:
        meta = metadata.get(pid)
        if all(_holds(item, pid, meta, first_dates, author_words) for item in plain) and not any(
            _holds(item, pid, meta, first_dates, author_words) for item in negated
        ):
            found.add(pid)
    return found


def needs_metadata(filters: Sequence[MetaFilter]) -> list[str]:
    """The filters' names that only fetched papers can match (year: works on any paper)."""
    return list(dict.fromkeys(item.name for item in filters if item.kind != "year"))


def _holds(
    item: MetaFilter,
    pid: str,
    meta: PaperMeta | None,
    first_dates: Mapping[str, date | None],
    author_words: dict[str, list[tuple[str, ...]]],
) -> bool:
    if item.kind == "year":
        published = meta.published if meta is not None else None
        when = published or first_dates.get(pid)
        return item.holds(when.year if when else None)
    if meta is None:
        return False
    if item.kind == "author":
        names = author_words.get(pid)
        if names is None:
            names = author_words[pid] = [name_words(author) for author in meta.authors]
        return any(has_words(name, item.words) for name in names)
    if item.kind == "upvotes":
        return item.holds(meta.upvotes)
    if item.kind == "comments":
        return item.holds(meta.comments)
    if item.kind == "code":
        return meta.has_code
    if item.kind == "project":
        return meta.has_project
    return False


def name_words(name: str) -> tuple[str, ...]:
    """An author's name as folded words: `Geoffrey E. Hinton` -> (geoffrey, e, hinton)."""
    return words_of(name)


def has_words(name: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Each word starts a word of the name (`hint` finds Hinton; `geoffrey hinton` needs both)."""
    return all(any(part.startswith(word) for part in name) for word in words)


def _first_dates(view: LibraryView) -> dict[str, date | None]:
    """Each paper's first sighting: the date of the oldest digest that lists it."""
    dates = {info.id: info.date for info in view.digests}
    return {
        pid: dates.get(summary.digest_ids[-1]) if summary.digest_ids else summary.date
        for pid, summary in view.papers.items()
    }
