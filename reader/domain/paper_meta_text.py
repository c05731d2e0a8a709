"""How a fetched paper's metadata reads as text: the byline, the counts, the dates and the
keywords. One rule for the detail pane and `reader show`, so both say the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from reader.domain.paper_meta import PaperMeta

MOST_AUTHORS = 6  # a byline names this many, then says how many more

MetaKind = Literal["authors", "arxiv", "counts", "published", "keywords"]


class MetaLine(NamedTuple):
    """One line about a paper: `label` says what it is (empty for the byline), `text` the rest."""

    kind: MetaKind
    label: str
    text: str


def byline(authors: Sequence[str], most: int = MOST_AUTHORS) -> str:
    """`A, B, C`, or the first `most` names then `… and N more`."""
    if len(authors) <= most:
        return ", ".join(authors)
    return f"{', '.join(authors[:most])} … and {len(authors) - most} more"


def counts_line(meta: PaperMeta) -> str:
    """`▲ 42 · 3 comments · GitHub ★ 120`: only the counts that are known."""
    parts = []
    if meta.upvotes is not None:
        parts.append(f"▲ {meta.upvotes:,}")
    if meta.comments is not None:
        parts.append(f"{meta.comments:,} comment{'' if meta.comments == 1 else 's'}")
    if meta.github_stars is not None:
        parts.append(f"GitHub ★ {meta.github_stars:,}")
    return " · ".join(parts)


def published_text(meta: PaperMeta) -> str:
    return meta.published.isoformat() if meta.published else ""


def meta_lines(meta: PaperMeta | None) -> list[MetaLine]:
    """What is known about a paper beyond its title and abstract, line by line, in the order
    shown; nothing for a page copy's paper."""
    if meta is None:
        return []
    candidates = [
        MetaLine("authors", "", byline(meta.authors)),
        MetaLine("arxiv", "arXiv ", meta.arxiv_id or ""),
        MetaLine("published", "published ", published_text(meta)),
        MetaLine("counts", "", counts_line(meta)),
        MetaLine("keywords", "keywords ", ", ".join(meta.keywords)),
    ]
    return [line for line in candidates if line.text]
