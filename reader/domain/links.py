"""Which of a paper's links to open or copy: its first web link, else a scholar search."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote_plus, urlsplit

SCHOLAR_SEARCH = "https://scholar.google.com/scholar?q="


def is_web_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link_to_open(title: str, links: Sequence[str]) -> str:
    """The paper's first web link, else a scholar search for its title."""
    for link in links:
        if is_web_link(link):
            return link
    return SCHOLAR_SEARCH + quote_plus(title)


def clipboard_text(title: str, links: Sequence[str]) -> str:
    first = next((link for link in links if is_web_link(link)), None)
    return f"{title}\n{first}" if first else title
