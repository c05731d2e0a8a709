"""Deterministic synthetic digests for scale tests and benchmarks.

The files look like the real ones in `seeds/` (the same header lines, a date line, then
title / abstract paragraphs), with YYYY-MM-DD dates in their names so the year is known.
Titles are unique by construction; abstracts recombine sentences from the seed abstracts,
so the vocabulary, lengths and links are realistic for search and display.

    python -m benchmarks.synthetic FOLDER PAPERS [--per-digest N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from reader import paths
from reader.ingest.digest import parse_file

HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
)
# The newest synthetic digest; older ones go back one day each.
NEWEST = date(2025, 12, 31)
# Skip the one- and two-syllable names so every title starts with a word-like name.
_NAME_OFFSET = 26 + 26 * 26
_SYLLABLES = (
    "ar", "ba", "cor", "da", "el", "fen", "ga", "hal", "is", "jor", "ka", "lum", "mi", "nor",
    "ol", "pra", "qu", "ri", "sol", "tor", "u", "vel", "wen", "xa", "yor", "zen",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@lru_cache(maxsize=1)
def seed_material() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(title subtitles, abstract sentences) taken from the bundled seed digests."""
    subtitles: dict[str, None] = {}
    sentences: dict[str, None] = {}
    for file in sorted(paths.seeds_dir().glob("*.txt")):
        for entry in parse_file(file).entries:
            subtitle = entry.title.split(":", 1)[-1].strip()
            if subtitle:
                subtitles.setdefault(subtitle, None)
            for sentence in _SENTENCE_END.split(entry.abstract):
                if len(sentence) > 20:
                    sentences.setdefault(sentence, None)
    return tuple(subtitles), tuple(sentences)


def code_name(number: int) -> str:
    """A pronounceable name that is different for every number (base-26 in syllables)."""
    parts = []
    while True:
        number, digit = divmod(number, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
        if number == 0:
            break
        number -= 1  # bijective numbering: no two numbers share a name
    return "".join(reversed(parts)).capitalize()


def make_paper(number: int, rng: random.Random) -> tuple[str, str]:
    """(title, abstract) of synthetic paper `number`."""
    subtitles, sentences = seed_material()
    title = f"{code_name(number + _NAME_OFFSET)}: {rng.choice(subtitles)}"
    abstract = " ".join(rng.sample(sentences, rng.randint(4, 9)))
    return title, abstract


def digest_text(day: date, papers: list[tuple[str, str]]) -> str:
    lines = [*HEADER, f"{day:%b} {day.day}"]
    for title, abstract in papers:
        lines += [title, abstract]
    return "\n\n".join(lines) + "\n"


def write_corpus(folder: Path, papers: int, per_digest: int = 100, seed: int = 0) -> list[Path]:
    """Write `papers` unique papers, `per_digest` to a file, newest digest first.

    Returns the files written. The same arguments always give byte-identical files.
    """
    if papers < 0 or per_digest < 1:
        raise ValueError("papers must be >= 0 and per_digest >= 1")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written = []
    for digest_number, first in enumerate(range(0, papers, per_digest)):
        day = NEWEST - timedelta(days=digest_number)
        batch = [make_paper(number, rng) for number in range(first, min(first + per_digest, papers))]
        path = folder / f"{day.isoformat()}.txt"
        path.write_text(digest_text(day, batch), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("papers", type=int)
    parser.add_argument("--per-digest", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    files = write_corpus(args.folder, args.papers, args.per_digest, args.seed)
    print(f"wrote {args.papers:,} papers in {len(files):,} digests to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
