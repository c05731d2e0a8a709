"""Fetched digests (`.json`, as Hugging Face serves the Daily Papers list) written for tests."""

from __future__ import annotations

import json
from pathlib import Path

FETCHED_NAME = "daily-papers-2026-11-20.json"
MANY_AUTHORS = [f"Author Number{n}" for n in range(1, 10)]  # nine: the byline names six


def entry(title: str, arxiv_id: str = "2611.01234", **paper: object) -> dict:
    """An entry shaped as the service sends it: most fields in the nested `paper`."""
    return {
        "paper": {
            "id": arxiv_id, "title": title,
            "summary": "We make decoding fast. Code at https://example.org/extra for all.",
            "authors": [{"name": name} for name in MANY_AUTHORS],
            "publishedAt": "2026-11-18T10:00:00.000Z", "upvotes": 42, "githubRepo": "https://github.com/a/b",
            "githubStars": 120, "ai_keywords": ["decoding", "speed"], **paper,
        },
        "title": title, "numComments": 3, "submittedOnDailyAt": "2026-11-20T08:00:00.000Z",
        "projectPage": "https://a.github.io/b",
    }


def write_fetched(folder: Path, entries: list[dict], name: str = FETCHED_NAME) -> Path:
    path = folder / name
    path.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    return path
