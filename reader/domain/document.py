"""The text of one paper as the search indexes read it: the catalog hands these out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    abstract: str
