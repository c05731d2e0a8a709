"""A paper's links, labelled, in the order offered: arXiv, its PDF and the Hugging Face page
(made from the arXiv id, no network call), the code and the project page, then the links in
the abstract. Which to open or copy: the first web link, else a scholar search."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import quote_plus, urlsplit

SCHOLAR_SEARCH = "https://scholar.google.com/scholar?q="
_VERSION = re.compile(r"v\d+$")


class _Meta(Protocol):
    """What links are made of (PaperMeta; not imported: it builds on this module)."""

    @property
    def arxiv_id(self) -> str | None: ...

    @property
    def github(self) -> str | None: ...

    @property
    def project(self) -> str | None: ...


class LinkedPaper(Protocol):
    @property
    def links(self) -> Sequence[str]: ...

    @property
    def meta(self) -> _Meta | None: ...


def is_web_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def arxiv_links(arxiv_id: str) -> list[tuple[str, str]]:
    """The abstract, the PDF and the Hugging Face page of an arXiv paper (which lists papers
    by id without the version)."""
    return [
        ("arXiv abstract", f"https://arxiv.org/abs/{arxiv_id}"),
        ("PDF", f"https://arxiv.org/pdf/{arxiv_id}"),
        ("Hugging Face paper page", f"https://huggingface.co/papers/{_VERSION.sub('', arxiv_id)}"),
    ]


def paper_links(paper: LinkedPaper) -> list[tuple[str, str]]:
    """(label, url) of every web link of the paper, each once, in the order offered."""
    meta = paper.meta
    found: list[tuple[str, str]] = []
    if meta is not None:
        if meta.arxiv_id:
            found += arxiv_links(meta.arxiv_id)
        if meta.github:
            found.append(("GitHub", meta.github))
        if meta.project:
            found.append(("Project page", meta.project))
    found += [(_host(link), link) for link in paper.links]
    seen: set[str] = set()
    unique = []
    for label, url in found:
        key = url.rstrip("/")
        if is_web_link(url) and key not in seen:
            seen.add(key)
            unique.append((label, url))
    return unique


def listed_links(paper: LinkedPaper) -> list[tuple[str, str]]:
    """The links as listed under a paper (the detail pane, `reader show`), numbered as the
    chooser numbers them: labelled for a fetched paper; a page copy's bare, as they were."""
    if paper.meta is None:
        return [("", url) for _label, url in paper_links(paper)]
    return paper_links(paper)


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc or "Link"
    except ValueError:
        return "Link"


def link_to_open(title: str, links: Sequence[str]) -> str:
    """The paper's first web link, else a scholar search for its title."""
    for link in links:
        if is_web_link(link):
            return link
    return scholar_search(title)


def scholar_search(title: str) -> str:
    return SCHOLAR_SEARCH + quote_plus(title)


def clipboard_text(title: str, links: Sequence[str]) -> str:
    first = next((link for link in links if is_web_link(link)), None)
    return f"{title}\n{first}" if first else title
