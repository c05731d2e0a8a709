"""The one rule for a query the reader keeps (a saved view's search, a mute rule): short
enough and free of control characters, so every machine the marks file reaches takes it.
Checked where one is saved and where a marks file is read."""

from __future__ import annotations

from reader.domain.text import strip_controls

MAX_QUERY_CHARS = 10_000  # far above any query typed


def check_stored_query(query: str, what: str) -> str:
    """`query` unchanged; ValueError naming `what` ("a mute rule") when it cannot be kept."""
    if len(query) > MAX_QUERY_CHARS or strip_controls(query) != query:
        raise ValueError(f"{what} is longer than {MAX_QUERY_CHARS:,} characters or holds control characters")
    return query
