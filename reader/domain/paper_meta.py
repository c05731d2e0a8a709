"""What a fetched digest knows about a paper beyond its title and abstract: its arXiv id,
authors, counts and links. Page copies carry none of it (their papers' `meta` is None).

Kept in the catalog as JSON (`to_record` / `from_record`): a cache, rebuilt from the
digest files, so a record that does not read back is simply no metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from reader.domain.links import is_web_link

# New style (2301.01234, with an optional version) and old style (cs/0112017, hep-th/9901001v2).
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


def is_arxiv_id(text: str) -> bool:
    return bool(_ARXIV_ID.match(text))


@dataclass(frozen=True)
class PaperMeta:
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    upvotes: int | None = None
    comments: int | None = None
    github: str | None = None  # an http(s) link, never anything else
    github_stars: int | None = None
    project: str | None = None  # an http(s) link
    published: date | None = None
    keywords: tuple[str, ...] = ()

    @property
    def has_code(self) -> bool:
        return self.github is not None

    @property
    def has_project(self) -> bool:
        return self.project is not None

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "arxiv_id": self.arxiv_id, "authors": list(self.authors), "upvotes": self.upvotes,
            "comments": self.comments, "github": self.github, "github_stars": self.github_stars,
            "project": self.project, "published": self.published.isoformat() if self.published else None,
            "keywords": list(self.keywords),
        }
        return record

    @classmethod
    def from_record(cls, record: object) -> PaperMeta | None:
        """The metadata `to_record` wrote; None when the record is not one."""
        if not isinstance(record, dict):
            return None
        published = record.get("published")
        return cls(
            arxiv_id=_text(record.get("arxiv_id")),
            authors=_texts(record.get("authors")),
            upvotes=count(record.get("upvotes")),
            comments=count(record.get("comments")),
            github=web_link(record.get("github")),
            github_stars=count(record.get("github_stars")),
            project=web_link(record.get("project")),
            published=day(published) if isinstance(published, str) else None,
            keywords=_texts(record.get("keywords")),
        )


def count(value: object) -> int | None:
    """A count from JSON: a non-negative whole number (`3`, `3.0`), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    number = int(value)
    return number if 0 <= number < 2**53 else None


def web_link(value: object) -> str | None:
    """An http(s) link with no spaces or controls, else None: only such links are ever opened."""
    if not isinstance(value, str):
        return None
    link = value.strip()
    if not link or any(char.isspace() or ord(char) < 32 or 127 <= ord(char) < 160 for char in link):
        return None
    return link if is_web_link(link) else None


def day(text: str) -> date | None:
    """The date of an ISO timestamp or date (`2026-11-20T13:05:00.000Z`, `2026-11-20`)."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str) and item)
