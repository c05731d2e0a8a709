"""What each statistics plot draws, for the room it has: fewer bars and shorter labels when narrow.

Each function takes a plotext figure (textual-plotext's `plt`) and the plot's size in cells. The
words drawn are analysed terms and dates (letters, digits, dots), never tags or view names: the
plot's text goes through ANSI parsing, so names a user typed are shown elsewhere as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reader.library.reading_stats import DigestDay, ReadingDay
from reader.search.rising_terms import RisingTerm

READ_COLOR = "green"
STARRED_COLOR = "orange"
REST_COLOR = "blue"
FRAME_ROOM = 3  # columns of the frame and the gap after the y axis' numbers
CELLS_PER_BAR = 2  # a bar and its gap
MIN_BARS = 3
LEGEND_ROOM = 1.45  # the y axis runs this far above the tallest bar: the legend sits there
WORD_ROOM = 14  # the longest word shown whole beside a bar; longer ones end in "…"
NARROW_WORD_ROOM = 10
# Columns a date label on the x axis is given: "06-30" and room either side. plotext places
# labels in an order that varies from run to run and shifts one that touches another, so
# labels never come close enough to touch.
LABEL_ROOM = 10


def axis_room(top: int) -> int:
    """Columns the y axis takes with numbers up to `top`."""
    return FRAME_ROOM + len(str(top))


def bars_for(width: int, wanted: int, cells: int = CELLS_PER_BAR, axis: int = 8) -> int:
    """How many bars fit in `width` columns (at least a few: plotext squeezes them)."""
    return max(MIN_BARS, min(wanted, (width - axis) // cells))


def short(word: str, room: int) -> str:
    return word if len(word) <= room else word[: room - 1] + "…"


def count_ticks(top: int, rows: int) -> list[int]:
    """Whole numbers for a count axis: 0 up to `top`, a few of them (counts have no halves)."""
    marks = max(1, min(5, rows // 3))
    step = max(1, -(-top // marks))
    return list(range(0, top + 1, step))


def sparse_ticks(labels: Sequence[str], room: int, each: int, inset: int = 0) -> tuple[list[int], list[str]]:
    """Every n-th label, counted back from the newest, so labels `each` columns wide do not
    overlap; `inset` bars at either end get none (plotext drops a label that runs past the
    frame, or not, depending on the sizes it was drawn at before)."""
    if not labels:
        return [], []
    step = max(1, -(-len(labels) * each // max(room, 1)))
    last = len(labels) - 1 - inset
    shown = [at for at in range(last, inset - 1, -step)][::-1] or [len(labels) - 1]
    return [at + 1 for at in shown], [labels[at] for at in shown]


def draw_per_digest(plt: Any, days: Sequence[DigestDay], width: int, height: int) -> None:
    top = max((day.papers for day in days), default=0)
    axis = axis_room(top)
    shown = list(days[-bars_for(width, len(days), axis=axis):])
    plt.title(f"Papers per digest: last {len(shown)}" if len(shown) < len(days) else "Papers per digest")
    if not shown:
        return
    read = [day.read for day in shown]
    starred = [day.starred_unread for day in shown]
    rest = [day.papers - day.read - day.starred_unread for day in shown]
    positions = list(range(1, len(shown) + 1))
    plt.stacked_bar(positions, [read, starred, rest], labels=["read", "starred", "unread"],
                    color=[READ_COLOR, STARRED_COLOR, REST_COLOR], width=0.6)
    plt.ylim(0, max(1, top) * LEGEND_ROOM)
    plt.yticks(count_ticks(top, height))
    ticks, labels = sparse_ticks([day.day.strftime("%m-%d") for day in shown], width - axis, LABEL_ROOM)
    plt.xticks(ticks, labels)


def draw_reading(plt: Any, days: Sequence[ReadingDay], width: int, height: int) -> None:
    top = max((day.read for day in days), default=0)
    axis = axis_room(top)
    shown = list(days[-bars_for(width, len(days), cells=1, axis=axis):])
    weeks = len(shown) // 7
    whole = len(shown) % 7 == 0
    plt.title(f"Papers read per day, last {weeks} weeks" if whole and weeks > 1 else
              f"Papers read per day, last {len(shown)} days")
    if not shown:
        return
    read_days = [(at, day.read) for at, day in enumerate(shown, start=1) if day.read]
    if read_days:  # days without reading get no bar (plotext would draw a stub for a zero)
        plt.bar([at for at, _ in read_days], [count for _, count in read_days], color=READ_COLOR, width=0.8)
    plt.xlim(0.5, len(shown) + 0.5)
    plt.ylim(0, max(1, top))
    plt.yticks(count_ticks(max(1, top), height))
    ticks, labels = sparse_ticks([day.day.strftime("%m-%d") for day in shown], width - axis, LABEL_ROOM, inset=3)
    plt.xticks(ticks, labels)


def draw_rising(plt: Any, terms: Sequence[RisingTerm], width: int, height: int) -> None:
    room = WORD_ROOM if width >= 50 else NARROW_WORD_ROOM
    shown = list(terms[: max(1, height - 4)])
    plt.title("Rising: × share of papers")
    if not shown:
        return
    words = [short(term.word, room) for term in reversed(shown)]  # plotext draws the first bar lowest
    plt.bar(words, [round(term.growth, 1) for term in reversed(shown)], orientation="horizontal",
            color=STARRED_COLOR, width=0.6)
