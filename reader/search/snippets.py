"""The best matching fragment of an abstract, for the second line of a list row.

Pure: the text and the query's Highlight in, a short fragment with its match spans out.
The list asks only for the rows it draws and caches the answer by paper and highlight
(`SnippetCache`), so a 100,000-hit search costs a snippet per visible row, not per hit.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from reader.search import analysis
from reader.search.highlight import Highlight

# Characters kept: the widest list row there is, so the row can cut it to its own width.
SNIPPET_CHARS = 160
# Context shown before the first match of the chosen window.
LEAD_CHARS = 24
ELLIPSIS = "…"
CACHE_SIZE = 2048

_SPACE = re.compile(r"\s")  # one character for one: spans stay valid


@dataclass(frozen=True)
class Snippet:
    text: str
    spans: tuple[tuple[int, int], ...] = ()  # matched words, as character spans of `text`


def match_spans(text: str, highlight: Highlight) -> list[tuple[int, int]]:
    """`highlight.spans(text)`: the words the query matched, found by the one matcher (which
    analyses each distinct word once for the life of the process: a list draws the same words
    again and again)."""
    if not text or not highlight:
        return []
    return analysis.match_spans(text, highlight.terms, highlight.prefixes)


def best_window(text: str, spans: list[tuple[int, int]], width: int) -> int:
    """Where the window of `width` characters with the most distinct matched words (then the
    most matches, then the earliest) starts its first match; 0 when nothing matched."""
    if not spans:
        return 0
    best_start, best_score = spans[0][0], (0, 0)
    end = 0
    for first, (start, _) in enumerate(spans):
        end = max(end, first)
        while end + 1 < len(spans) and spans[end + 1][1] <= start + width:
            end += 1
        inside = spans[first : end + 1]
        score = (len({text[a:b].casefold() for a, b in inside}), len(inside))
        if score > best_score:
            best_start, best_score = start, score
    return best_start


def make_snippet(abstract: str, highlight: Highlight, width: int = SNIPPET_CHARS) -> Snippet:
    """The fragment of `abstract` around its best cluster of matches, on one line, with
    ellipses where it was cut; the opening of the abstract when no word of it matched."""
    text = _SPACE.sub(" ", abstract)
    spans = match_spans(text, highlight)
    anchor = best_window(text, spans, width)
    start = _word_start(text, max(0, anchor - LEAD_CHARS)) if anchor > LEAD_CHARS else 0
    end = min(len(text), start + width)
    cut_end = end < len(text)
    piece = text[start:end]
    shift = -start
    if start > 0:
        piece = ELLIPSIS + piece
        shift += len(ELLIPSIS)
    if cut_end:
        piece = piece.rstrip() + ELLIPSIS
    inside = tuple((a + shift, min(b, end) + shift) for a, b in spans if start <= a < end)
    return _squeezed(piece, inside)


def _word_start(text: str, position: int) -> int:
    """`position` moved forward to the start of a word (unless that skips too far)."""
    if position == 0 or text[position - 1] == " ":
        return position
    space = text.find(" ", position, position + LEAD_CHARS)
    return space + 1 if space != -1 else position


def _squeezed(text: str, spans: tuple[tuple[int, int], ...]) -> Snippet:
    """Runs of spaces collapsed to one (spans moved to match), ends trimmed."""
    if "  " not in text and text == text.strip():
        return Snippet(text, spans)
    kept: list[int] = []  # new position of each old character (-1: dropped)
    out: list[str] = []
    previous_space = True  # drops leading spaces
    for char in text:
        if char == " " and previous_space:
            kept.append(-1)
            continue
        previous_space = char == " "
        kept.append(len(out))
        out.append(char)
    while out and out[-1] == " ":
        out.pop()
    new_text = "".join(out)

    def moved(position: int) -> int:
        while position < len(kept) and kept[position] == -1:
            position += 1
        return kept[position] if position < len(kept) else len(new_text)

    moved_spans = tuple((moved(a), min(moved(b - 1) + 1, len(new_text))) for a, b in spans)
    return Snippet(new_text, tuple(span for span in moved_spans if span[0] < span[1]))


@dataclass
class SnippetCache:
    """Snippets by (paper id, highlight), the oldest dropped past `size`."""

    size: int = CACHE_SIZE
    _items: dict[tuple[str, Hashable], Snippet] = field(default_factory=dict)

    def get(self, paper_id: str, highlight: Highlight) -> Snippet | None:
        return self._items.get((paper_id, highlight))

    def missing(self, paper_ids: Iterable[str], highlight: Highlight) -> list[str]:
        return [pid for pid in dict.fromkeys(paper_ids) if (pid, highlight) not in self._items]

    def put(self, highlight: Highlight, snippets: Mapping[str, Snippet]) -> None:
        for pid, snippet in snippets.items():
            self._items[(pid, highlight)] = snippet
        while len(self._items) > self.size:
            del self._items[next(iter(self._items))]

    def for_ids(self, paper_ids: Iterable[str], highlight: Highlight) -> dict[str, Snippet]:
        return {pid: snippet for pid in paper_ids if (snippet := self._items.get((pid, highlight))) is not None}


def make_snippets(abstracts: Mapping[str, str], highlight: Highlight, width: int = SNIPPET_CHARS) -> dict[str, Snippet]:
    return {pid: make_snippet(text, highlight, width) for pid, text in abstracts.items()}
