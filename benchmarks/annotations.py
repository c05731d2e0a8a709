#!/usr/bin/env python
"""Search with the user's tags and notes at N papers: does it stay instant?

    python benchmarks/annotations.py --papers 100000 [--workdir DIR] [--tagged 5000] [--notes 500]

Builds (or reuses, in --workdir) a synthetic library, tags `--tagged` papers with 20 tags
and writes `--notes` notes in the state database, then times what the app does per search
(the library's search with the annotations snapshot, as the screen passes it), p50 / p95:
plain words (index hits merged with note hits), a tag chosen in the filter pane, a `tag:`
plus words query, a `note:` filter, and loading the snapshot from the state database.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from reader.domain.annotations import Annotations  # noqa: E402
from reader.library.library import Library  # noqa: E402
from reader.search.notes import with_tag  # noqa: E402
from reader.search.query import parse_query  # noqa: E402
from reader.state.store import StateStore  # noqa: E402

from benchmarks import synthetic  # noqa: E402
from benchmarks.figures import summarize_ms  # noqa: E402
from benchmarks.queries import query_sets  # noqa: E402

TAGS = tuple(f"topic-{number}" for number in range(20))
NOTE_WORD = "zygomorphic"  # in no synthetic abstract


def annotate(state: StateStore, order: list[str], tagged: int, notes: int) -> None:
    rng = random.Random(7)
    for pid in rng.sample(order, tagged):
        state.change_tags(pid, rng.sample(TAGS, rng.randint(1, 3)))
    for number, pid in enumerate(rng.sample(order, notes)):
        extra = f" {NOTE_WORD}" if number % 50 == 0 else ""
        state.set_note(pid, f"Read section {number % 7}; compare with the baseline in table {number % 5}.{extra}")


def timed(action, rounds: int = 1) -> list[float]:
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--tagged", type=int, default=5_000)
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    root = args.workdir or Path(tempfile.mkdtemp(prefix="reader-annotations-"))
    corpus = root / f"corpus-{args.papers}"
    if not corpus.exists():
        synthetic.write_corpus(corpus, args.papers)
    library = Library([corpus], root / f"index-{args.papers}")
    started = time.perf_counter()
    library.sync()
    print(f"library ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    state_file = root / f"state-{args.papers}.sqlite3"
    state_file.unlink(missing_ok=True)
    state = StateStore(state_file)
    order = library.view().order
    annotate(state, order, args.tagged, args.notes)
    load = timed(lambda: Annotations.load(state), 20)
    annotations = Annotations.load(state)
    words = query_sets().by_kind["one_word"][:50]
    read, starred = frozenset(order[::3]), frozenset(order[::40])

    def search(text: str, tag: str | None = None, with_notes: bool = True):
        parsed = with_tag(parse_query(text), tag)
        return library.search(parsed, read, starred, annotations=annotations if with_notes else None)

    search("warm up")  # opens the searchers and builds the notes' index once, as the app's first search does
    figures = {
        "papers": args.papers,
        "tagged": args.tagged,
        "notes": args.notes,
        "load_snapshot": summarize_ms(load),
        "words_without_annotations": summarize_ms(
            [s for w in words for s in timed(lambda w=w: search(w, with_notes=False))]
        ),
        "words_with_notes": summarize_ms([s for w in words for s in timed(lambda w=w: search(w))]),
        "tag_chosen_no_words": summarize_ms([s for t in TAGS for s in timed(lambda t=t: search("", t))]),
        "tag_chosen_with_word": summarize_ms([s for w in words[:20] for s in timed(lambda w=w: search(w, TAGS[0]))]),
        "tag_filter_typed": summarize_ms([s for t in TAGS for s in timed(lambda t=t: search(f"tag:{t} model"))]),
        "note_filter": summarize_ms(timed(lambda: search("note:baseline"), 20)),
        "note_only_word_hits": len(search(NOTE_WORD).ids),
    }
    state.close()
    library.close()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
