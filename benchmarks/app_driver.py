"""The running app, headless: probes on the paper list and the UI thread, and the keys pressed.

Runs in a child process of `run.py` (`--child app`): `child_app` starts ReaderApp under
`run_test(headless=True)`, times the first painted list, then (with `interact`) presses the
keys of every in-app figure and returns each figure's seconds as lists (see UI_FIGURES).

What "drawn" means here: Textual asks the list for each line it must put on screen
(`render_line`, the Line API); the probe notes every line the list hands out with what it
shows (row, cursor on it, unread and star marks read from the drawn text). A key's effect is
drawn when a line showing it is handed out: the frame that carries it is being composed.
This holds whatever the list caches or redraws, as long as the list draws through
`render_line`; a hook that cannot be installed turns the figures that need it into a note.
"""

from __future__ import annotations

import asyncio
import bisect
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

PAINT_SIZE = (120, 36)
PAINT_TIMEOUT_S = 120.0
KEY_TIMEOUT_S = 30.0  # one key that never shows: a broken probe or a hang, not a slow app
# In the app: rounds of All -> Unread -> Starred, and typed searches.
UI_ROUNDS = 5
UI_SEARCHES = ("training", "language model", '"neural networks"', "quant")
# After the first paint, how long the opening is given to finish (rows, counts, detail pane)
# before its longest UI-thread block is read.
OPEN_SETTLE_S = 2.0
# Keys timed one at a time (each waits for the app to go idle before the next), how many each.
KEY_PRESSES = {"j": 10, "s": 10, "r": 10, "x": 15, "u": 10, "k": 10}
# Holding a key: the terminal's key repeat, sent on schedule whatever the app is doing.
HOLD_RATE_PER_S = 30
HOLD_KEYS = 150  # 5 s
HOLD_SETTLE_TIMEOUT_S = 60.0
LEAD_CELLS = 8  # the row's lead (selection mark, unread mark, space, star mark, space), with room to move
UNREAD_MARK = "•"
STAR_MARK = "★"

# Every list of seconds a child returns (pooled over the runs by run.py's measure_app).
TIMED_KEYS = ("j", "k", "s", "r", "x", "u")
HELD_KEYS = ("j", "x")
UI_FIGURES = (
    "view_switch_ui_s", "typed_search_ui_s", "scroll_to_end_ui_s",
    *(f"key_{key}_ui_s" for key in TIMED_KEYS),
    *(f"hold_{key}_{what}_s" for key in HELD_KEYS for what in ("lag", "last", "slip", "first_second", "last_second")),
    "open_block_s", "session_block_s", "view_switch_block_s", "typed_search_block_s", "scroll_to_end_block_s",
    *(f"key_{key}_block_s" for key in TIMED_KEYS),
    *(f"hold_{key}_block_s" for key in HELD_KEYS),
)


def child_app(work: Any, sources: list, profile: str, interact: bool) -> dict:
    """Start ReaderApp headless as `reader` would; time its first painted list, then use it."""
    try:
        from reader.tui.app import ReaderApp
        from reader.tui.widgets.paper_list import PaperList
    except ImportError as error:
        return {"error": f"the reader's interface could not be imported ({error})"}
    probe = RowProbe()
    missing = probe.install(PaperList)
    if "render_line" in missing:
        return {"error": "PaperList has no render_line: the probe cannot see what the list draws"}
    app = ReaderApp(sources=sources, profile=profile, dirs=work.dirs())
    result = asyncio.run(drive_app(app, probe, interact))
    if missing:
        result.setdefault("notes", []).append(f"PaperList lacks {', '.join(missing)}: timed from the key instead")
    return result


# -- what the list draws ----------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    """One line of the paper list handed to Textual to put on screen."""

    at: float  # time.monotonic()
    index: int  # the row
    cursor: bool  # the list's cursor is on this row
    unread: bool  # the unread mark is drawn
    starred: bool  # the star is drawn


Condition = Callable[[Draw], bool]


def cursor_reached(target: int, down: bool = True) -> Condition:
    """The cursor drawn on row `target` or beyond (frames may skip rows while keys pile up)."""
    return lambda draw: draw.cursor and (draw.index >= target if down else draw.index <= target)


def row_shows(index: int, mark: str, value: bool) -> Condition:
    return lambda draw: draw.index == index and getattr(draw, mark) == value


class RowProbe:
    """Notes every line the paper list draws, and when it first draws after new rows.

    Installed on the PaperList class before the app starts. `render_line` is required; `show`
    (new rows) is optional: without it, new rows count as drawn at the first line after the key.
    """

    def __init__(self) -> None:
        self.draws: list[Draw] = []
        self.latest: dict[int, Draw] = {}  # the last drawing of each row, kept across `forget`
        self.pending = False  # new rows were given and not drawn yet
        self.shown: list[float] = []  # first line drawn after each `show`
        self.hooks_show = False
        self.errors = 0

    def install(self, list_class: Any) -> list[str]:
        """Hook the list class; the names of the methods it lacks."""
        probe = self
        missing = []
        render_line = getattr(list_class, "render_line", None)
        if render_line is None:
            return ["render_line"]

        def probed_render_line(widget, y):
            strip = render_line(widget, y)
            if widget.id == "papers":
                probe.note(widget, y, strip)
            return strip

        list_class.render_line = probed_render_line
        show = getattr(list_class, "show", None)
        if show is None:
            missing.append("show")
        else:
            self.hooks_show = True

            def probed_show(widget, *args, **kwargs):
                probe.pending = True
                return show(widget, *args, **kwargs)

            list_class.show = probed_show
        return missing

    def note(self, widget, y: int, strip) -> None:
        now = time.monotonic()
        try:
            row_height = getattr(widget, "row_height", 1) or 1
            index, line = divmod(int(widget.scroll_offset.y) + y, row_height)
            if index >= widget.row_count:
                return  # a blank line under the rows (or an empty list): no rows shown yet
            if self.pending:
                self.pending = False
                self.shown.append(now)
            if line:
                return  # the snippet under a title
            lead = strip.text[:LEAD_CELLS]
            draw = Draw(now, index, index == widget.cursor, UNREAD_MARK in lead, STAR_MARK in lead)
            self.draws.append(draw)
            self.latest[index] = draw
        except Exception:  # a changed widget must not break the app under test
            self.errors += 1

    def forget(self) -> None:
        self.draws.clear()

    def last(self, index: int) -> Draw:
        """The latest drawing of row `index`."""
        draw = self.latest.get(index)
        if draw is None:
            raise TimeoutError(f"row {index} was never drawn")
        return draw

    def found(self, condition: Condition, since: float) -> float | None:
        start = bisect.bisect_left(self.draws, since, key=lambda draw: draw.at)
        return next((draw.at for draw in self.draws[start:] if condition(draw)), None)

    async def drawn(
        self, condition: Condition, since: float, timeout: float = KEY_TIMEOUT_S, poll_s: float = 0.001
    ) -> float:
        """time.monotonic() of the first line drawn since `since` that meets `condition`."""
        deadline = time.monotonic() + timeout
        position = bisect.bisect_left(self.draws, since, key=lambda draw: draw.at)
        while True:
            while position < len(self.draws):  # only the lines drawn since the last look
                draw = self.draws[position]
                position += 1
                if condition(draw):
                    return draw.at
            if time.monotonic() > deadline:
                raise TimeoutError("the paper list never drew what the key should show")
            await asyncio.sleep(poll_s)  # let the app run; never a pilot pause (it waits for idle)

    async def drawn_after(self, started: float, timeout: float = PAINT_TIMEOUT_S) -> float:
        """time.monotonic() of the first line drawn after new rows given since `started`."""
        deadline = time.monotonic() + timeout
        while True:
            if self.hooks_show:
                drawn = [at for at in self.shown if at >= started]
            else:
                drawn = [draw.at for draw in self.draws if draw.at >= started]
            if drawn and not self.pending:
                return drawn[0]
            if time.monotonic() > deadline:
                raise TimeoutError("the paper list did not redraw")
            await asyncio.sleep(0.001)


class LoopWatch:
    """The longest stretch the UI thread (the event loop) was busy without a break.

    A task asks to wake every few milliseconds; how late it wakes is how long something else
    held the loop. That is the delay a key pressed at that moment would have waited.
    """

    TICK_S = 0.005  # often enough to see 0.2 s blocks; rarely enough that the app still looks idle to Pilot

    def __init__(self) -> None:
        self.longest_s = 0.0
        self.session_s: float | None = None  # the longest since `begin_session`
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._watch())

    def take(self) -> float:
        """The longest block since the last take."""
        longest, self.longest_s = self.longest_s, 0.0
        return longest

    def begin_session(self) -> None:
        self.session_s = 0.0

    async def _watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.TICK_S)
            block = time.perf_counter() - before - self.TICK_S
            self.longest_s = max(self.longest_s, block)
            if self.session_s is not None:
                self.session_s = max(self.session_s, block)


# -- driving the app --------------------------------------------------------------------------


async def drive_app(app, probe: RowProbe, interact: bool) -> dict:
    watch = LoopWatch()
    watch.start()
    async with app.run_test(headless=True, size=PAINT_SIZE) as pilot:
        painted_at = await probe.drawn_after(0.0)
        papers = app.screen.query_one("#papers")
        result: dict = {"painted_at": painted_at, "rows": papers.row_count}
        if interact:
            await asyncio.sleep(OPEN_SETTLE_S)  # the rest of the opening: all rows, counts, detail
            result["open_block_s"] = [watch.take()]
            watch.take()  # each figure below has its own longest UI-thread block
            watch.begin_session()
            notes = await use_app(pilot, probe, watch, papers, result)
            result["session_block_s"] = [watch.session_s or 0.0]
            if notes:
                result["notes"] = notes
            if probe.errors:
                result.setdefault("notes", []).append(f"{probe.errors} lines the probe could not read")
    return result


async def use_app(pilot, probe: RowProbe, watch: LoopWatch, papers, result: dict) -> list[str]:
    """Every in-app figure, in an order where each key changes what is drawn."""
    notes: list[str] = []

    async def figure(name: str, measure) -> None:
        probe.forget()
        watch.take()
        try:
            values = await measure()
        except Exception as error:  # a hang or a changed widget: the rest of the figures still count
            notes.append(f"{name}: {type(error).__name__}: {error}")
            return
        for suffix, seconds in values.items():
            result[f"{name}_{suffix}_s" if suffix else f"{name}_s"] = seconds
        result[f"{name.removesuffix('_ui')}_block_s"] = [watch.take()]

    await figure("view_switch_ui", lambda: one(time_new_rows(pilot, probe, ["2", "3", "1"] * UI_ROUNDS)))
    await figure("typed_search_ui", lambda: one(type_searches(pilot, probe, UI_SEARCHES)))
    await pilot.press("1", "g")  # All papers, the first row: the keys below count rows from there
    marked: list[tuple[int, str, bool]] = []  # what each `u` will restore: (row, mark, value)
    for key in ("j", "s", "r", "x", "u"):
        await figure(f"key_{key}_ui", lambda key=key: one(time_keys(pilot, probe, papers, key, marked)))
    for key in HELD_KEYS:  # from the first row, so 150 rows lie below even at 300 papers
        await pilot.press("g")
        await figure(f"hold_{key}", lambda key=key: hold_key(pilot.app, probe, papers, key))
    # G once per start (the end of the list is drawn once), then k up from the last row.
    await figure("scroll_to_end_ui", lambda: one(time_keys(pilot, probe, papers, "G", marked, presses=1)))
    await figure("key_k_ui", lambda: one(time_keys(pilot, probe, papers, "k", marked)))
    return notes


async def one(seconds) -> dict[str, list[float]]:
    return {"": await seconds}


async def time_new_rows(pilot, probe: RowProbe, keys: Iterable[str]) -> list[float]:
    """Seconds from each key press to the list's new rows drawn (a view switch)."""
    seconds = []
    for key in keys:
        started = time.monotonic()
        await pilot.press(key)
        seconds.append(await probe.drawn_after(started) - started)
    return seconds


def key_conditions(key: str, papers, probe: RowProbe, marked: list[tuple[int, str, bool]]) -> list[Condition]:
    """What must be drawn for `key` pressed now to have shown; `marked` keeps the undo order."""
    row, last = papers.cursor, papers.row_count - 1
    if key in ("j", "k"):
        return [cursor_reached(row + 1) if key == "j" else cursor_reached(row - 1, down=False)]
    if key == "G":
        return [cursor_reached(last)]
    if key in ("s", "r"):
        mark = "starred" if key == "s" else "unread"
        now = getattr(probe.last(row), mark)
        marked.append((row, mark, now))
        return [row_shows(row, mark, not now)]
    if key == "x":  # marks the row read (when it is not) and moves on
        if probe.last(row).unread:
            marked.append((row, "unread", True))
        return [row_shows(row, "unread", False), cursor_reached(row + 1)]
    if key == "u":
        undone_row, mark, value = marked.pop()
        return [row_shows(undone_row, mark, value)]
    raise ValueError(key)


async def time_keys(
    pilot, probe: RowProbe, papers, key: str, marked: list[tuple[int, str, bool]], presses: int | None = None
) -> list[float]:
    """Seconds from each press of `key` to what it changes drawn; the app goes idle in between."""
    seconds = []
    for _ in range(presses or KEY_PRESSES[key]):
        if key == "u" and not marked:
            break
        conditions = key_conditions(key, papers, probe, marked)
        started = time.monotonic()
        await pilot.press(key)
        done = [await probe.drawn(condition, started) for condition in conditions]
        seconds.append(max(done) - started)
    return seconds


async def type_searches(pilot, probe: RowProbe, texts: Sequence[str]) -> list[float]:
    """Type each query into the search box; seconds from the last key to the rows drawn.

    Includes the app's debounce when it has one: the search may start only after a pause.
    """
    seconds = []
    await pilot.press("slash")
    for text in texts:
        await pilot.press(*text[:-1])
        typed = time.monotonic()  # just before the last key reaches the app
        await pilot.press(text[-1])
        seconds.append(await probe.drawn_after(typed) - typed)
        cleared = time.monotonic()
        await pilot.press("ctrl+u")  # clear the box for the next query
        await probe.drawn_after(cleared)
    await pilot.press("escape")
    return seconds


# -- holding a key ------------------------------------------------------------------------------


def key_event(key: str):
    from textual import events

    return events.Key(key, key if len(key) == 1 else None)


def send_on_schedule(app, key: str, schedule: Sequence[float], sent: list[float]) -> threading.Thread:
    """Post `key` at each scheduled time from another thread, as a terminal's input thread
    does: the keys arrive on time whatever the UI thread is doing, and queue up if it is busy."""
    driver = app._driver  # what the terminal's input thread hands its keys to

    def send() -> None:
        for at in schedule:
            delay = at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent.append(time.monotonic())
            driver.process_message(key_event(key))

    thread = threading.Thread(target=send, name=f"hold-{key}", daemon=True)
    thread.start()
    return thread


async def hold_key(app, probe: RowProbe, papers, key: str) -> dict[str, list[float]]:
    """`key` (j or x) at HOLD_RATE_PER_S for HOLD_KEYS keys, never waiting for the app.

    lag: for each key, from when it was due to the first frame showing it (the cursor on its
    row or beyond; for x also the row it left drawn read); last: the same for the last key,
    the wait once the keys stop; slip: how late the sender thread sent a key (it needs the
    GIL, as a terminal's input thread does).
    """
    await asyncio.sleep(0.3)  # the move to the first row drawn, the app quiet again
    start = papers.cursor
    count = min(HOLD_KEYS, papers.row_count - 1 - start)
    if count < 1:
        raise TimeoutError("no rows below the cursor to hold a key over")
    first_at = time.monotonic() + 0.05
    schedule = [first_at + number / HOLD_RATE_PER_S for number in range(count)]
    sent: list[float] = []
    thread = send_on_schedule(app, key, schedule, sent)

    def shown(number: int) -> list[Condition]:
        target = start + number + 1
        conditions = [cursor_reached(target)]
        return conditions + [row_shows(target - 1, "unread", False)] if key == "x" else conditions

    deadline = schedule[-1] + HOLD_SETTLE_TIMEOUT_S
    for condition in shown(count - 1):
        await probe.drawn(condition, schedule[-1], max(1.0, deadline - time.monotonic()), poll_s=0.01)
    await asyncio.to_thread(thread.join)
    lags = []
    for number, due in enumerate(schedule):  # the key is pressed when it is due, even if sent late
        times = [probe.found(condition, due) for condition in shown(number)]
        drawn = [at for at in times if at is not None]
        if len(drawn) < len(times):
            raise TimeoutError(f"key {number + 1} of the held {key} never showed")
        lags.append(max(drawn) - due)
    await asyncio.sleep(0.5)  # let the marks' writes land before the next figure
    return {
        "lag": lags,
        "last": [lags[-1]],
        "slip": [max(at - due for at, due in zip(sent, schedule, strict=True))],
        # A backlog shows as a lag that grows: the median of the first second's keys against the last's.
        "first_second": [statistics.median(lags[:HOLD_RATE_PER_S])],
        "last_second": [statistics.median(lags[-HOLD_RATE_PER_S:])],
    }
