"""Keys in a real terminal: the `reader` command in tmux, from a key sent to the pane changed.

One detached tmux session per program at 120x36. A tmux control-mode client (`tmux -C
attach`) sends the keys and hears `%output` the moment the program writes to its terminal:
no process is started per key or per look. After each `%output` the pane is captured (with
its colours, so a cursor that moved shows) through the same client; the key's time is
from sending it to the `%output` after which the pane differs from before the key.

The measurement floor: the same on a pane running `cat`, whose echo the terminal's line
discipline writes back at once. `less` scrolling a digest and a minimal Textual app
(`minimal_app.py`: one binding updating one Static) are measured the same way as references.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

WIDTH, HEIGHT = 120, 36
PRESSES = 16  # per key
READER_KEYS = ("j", "k", "s", "x")
HOLD_RATE_PER_S = 30
HOLD_KEYS = 150
QUIET_S = 0.15  # no output for this long: the program is done with the last key
START_TIMEOUT_S = 180.0
KEY_TIMEOUT_S = 10.0
MINIMAL_APP = Path(__file__).resolve().with_name("minimal_app.py")
# The detail pane's border title: "12 of 10,000" (the cursor's row, 1-based).
UNREAD_MARK = "•"
POSITION = re.compile(r"─ ([\d,]+) of ([\d,]+) ─")


class ControlClient:
    """A tmux session running `command`, driven through one control-mode client."""

    def __init__(self, name: str, command: Sequence[str], env: dict[str, str]) -> None:
        self.name = name
        exports = " ".join(f"{key}={quote(value)}" for key, value in env.items())
        # tmux may open the pane at 80x24 and resize it a moment later: start once it has its size.
        wait_for_size = f'for _ in $(seq 100); do [ "$(stty size)" = "{HEIGHT} {WIDTH}" ] && break; sleep 0.05; done'
        line = f"{wait_for_size}; env {exports} {' '.join(quote(part) for part in command)}; sleep 600"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), line], check=True
        )
        self._client = subprocess.Popen(
            ["tmux", "-C", "attach", "-t", name], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
        )
        assert self._client.stdout is not None and self._client.stdin is not None
        self._out = self._client.stdout.fileno()
        self._in = self._client.stdin
        self._buffer = b""
        self._outputs: deque[float] = deque()  # times of %output not looked at yet
        self.last_output = 0.0
        try:
            self._attach()
        except BaseException:
            self.close()  # never leave a session behind
            raise

    def _attach(self) -> None:
        name = self.name
        self._skip_block()  # what the attach itself answers
        try:
            self.command(f"refresh-client -C {WIDTH}x{HEIGHT}")  # this client must not resize the window
        except RuntimeError:
            pass
        self.command(f"resize-window -t {name} -x {WIDTH} -y {HEIGHT}")
        size = self.command(f"display-message -p -t {name} '#{{window_width}}x#{{window_height}}'")
        if size != [f"{WIDTH}x{HEIGHT}"]:
            raise RuntimeError(f"the tmux window is {size}, not {WIDTH}x{HEIGHT}")

    def _skip_block(self) -> None:
        deadline = time.monotonic() + KEY_TIMEOUT_S
        while (read := self._line(deadline)) is not None:
            if read[1].startswith((b"%end", b"%error")):
                return
            self._note(*read)
        raise TimeoutError("the tmux control client did not attach")

    # -- the protocol ---------------------------------------------------------------------

    def _line(self, deadline: float) -> tuple[float, bytes] | None:
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self._out], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            chunk = os.read(self._out, 1 << 16)
            if not chunk:
                raise RuntimeError("the tmux control client ended")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return time.monotonic(), line

    def _note(self, at: float, line: bytes) -> None:
        if line.startswith(b"%output"):
            self._outputs.append(at)

    def command(self, text: str) -> list[str]:
        """Run a tmux command through the client; its output lines."""
        self._in.write(text.encode() + b"\n")
        deadline = time.monotonic() + KEY_TIMEOUT_S
        inside, lines = False, list[str]()
        while (read := self._line(deadline)) is not None:
            at, line = read
            if not inside:
                if line.startswith(b"%begin"):
                    inside = True
                else:
                    self._note(at, line)
            elif line.startswith((b"%end", b"%error")):
                if line.startswith(b"%error"):
                    raise RuntimeError(f"tmux {text!r}: {lines}")
                return lines
            else:
                lines.append(line.decode("utf-8", "replace"))
        raise TimeoutError(f"tmux did not answer {text!r}")

    def send(self, key: str) -> float:
        """Send a key (tmux key name); the time it was sent."""
        sent = time.monotonic()
        self._in.write(f"send-keys -t {self.name} {key}\n".encode())
        return sent

    def screen(self, colours: bool = True) -> str:
        return "\n".join(self.command(f"capture-pane -p {'-e ' if colours else ''}-t {self.name}"))

    def next_output(self, deadline: float) -> float | None:
        """The time of the next %output, or None when none came before `deadline`."""
        while not self._outputs:
            read = self._line(deadline)
            if read is None:
                return None
            self._note(*read)
        self.last_output = self._outputs.popleft()
        return self.last_output

    # -- waiting ----------------------------------------------------------------------------

    def changed(self, before: str, since: float, accept: Callable[[str], bool] | None = None) -> tuple[float, str]:
        """The first output since `since` after which the pane differs from `before` (and
        `accept`s); its time and the pane."""
        deadline = time.monotonic() + KEY_TIMEOUT_S
        while True:
            at = self.next_output(deadline)
            if at is None:
                raise TimeoutError(f"the pane did not change; it shows:\n{self.screen(False)}")
            if at < since:
                continue
            self._outputs.clear()  # the look below sees what they wrote too
            screen = self.screen()
            if screen != before and (accept is None or accept(screen)):
                return at, screen

    def quiet(self, longest: float = 3.0) -> str:
        """Wait until nothing is written for QUIET_S (at most `longest`); the pane then."""
        deadline = time.monotonic() + longest
        while self.next_output(min(deadline, time.monotonic() + QUIET_S)) is not None:
            if time.monotonic() > deadline:
                break
        self._outputs.clear()
        return self.screen()

    def wait_for(self, condition: Callable[[str], bool], timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen(False)
            if condition(screen):
                return screen
            self.next_output(min(deadline, time.monotonic() + 0.2))
        raise TimeoutError(f"the program never got ready; the pane:\n{self.screen(False)}")

    def close(self) -> None:
        try:
            self._in.close()
            self._client.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._client.kill()
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# -- measures -------------------------------------------------------------------------------


def time_presses(term: ControlClient, key: str, presses: int = PRESSES) -> list[float]:
    """Seconds from each key sent to the pane changed; the program goes quiet in between."""
    return time_and_settle(term, key, presses)[0]


def time_and_settle(term: ControlClient, key: str, presses: int = PRESSES) -> tuple[list[float], list[float]]:
    """Seconds from each key sent to the pane changed, and to the last output it caused (the
    pane settled: no output for QUIET_S after it)."""
    changed, settled = [], []
    before = term.quiet()
    for _ in range(presses):
        sent = term.send(key)
        at, _ = term.changed(before, sent)
        before = term.quiet()
        changed.append(at - sent)
        settled.append(max(at, term.last_output) - sent)
    return changed, settled


def detail_says_unread(screen: str) -> bool:
    """The detail pane (the right-hand box) says the paper is unread, under its title."""
    for line in screen.splitlines()[1:12]:
        cells = line.split("│")
        if len(cells) >= 3 and cells[-2].strip() == "unread":
            return True
    return False


def fewer_than(marks: int) -> Callable[[str], bool]:
    return lambda screen: screen.count(UNREAD_MARK) < marks


def time_read_and_next(term: ControlClient, presses: int = PRESSES) -> tuple[list[float], list[float]]:
    """x: seconds to the pane changed (the cursor moves at once), and, on unread rows, to the
    row's unread mark gone (drawn once the mark is saved): one fewer • on the screen."""
    moved, marked = [], []
    before = term.quiet()
    for _ in range(presses):
        plain = term.screen(False)
        unread, marks = detail_says_unread(plain), plain.count(UNREAD_MARK)
        sent = term.send("x")
        at, after = term.changed(before, sent)
        moved.append(at - sent)
        if unread:
            if after.count(UNREAD_MARK) >= marks:
                at, _ = term.changed(after, at, fewer_than(marks))
            marked.append(at - sent)
        before = term.quiet()
    return moved, marked


def position(screen: str) -> tuple[int, int] | None:
    found = POSITION.search(screen)
    return (int(found[1].replace(",", "")), int(found[2].replace(",", ""))) if found else None


def hold_j(term: ControlClient) -> dict:
    """j at HOLD_RATE_PER_S: per key, from when it was due to the pane showing its row (the
    detail's "N of M"); last: the same for the last key, once the keys stop."""
    start = position(term.screen(False))
    if start is None:
        raise TimeoutError("no 'N of M' in the detail pane's title")
    first, total = start
    count = min(HOLD_KEYS, total - first)
    schedule = [time.monotonic() + 0.05 + number / HOLD_RATE_PER_S for number in range(count)]
    shown_at: dict[int, float] = {}  # row number (1-based) -> first output showing it or beyond
    slip = 0.0
    next_key, reached = 0, first
    deadline = schedule[-1] + 60.0
    while reached < first + count:
        now = time.monotonic()
        if now > deadline:
            raise TimeoutError(f"the held j stopped at row {reached} of {first + count}")
        if next_key < count and now >= schedule[next_key]:
            slip = max(slip, term.send("j") - schedule[next_key])
            next_key += 1
            continue
        wake = schedule[next_key] if next_key < count else deadline
        at = term.next_output(min(wake, time.monotonic() + 0.05))
        if at is None:
            continue
        term._outputs.clear()
        now_at = position(term.screen(False))
        if now_at is not None and now_at[0] > reached:
            for row in range(reached + 1, now_at[0] + 1):
                shown_at[row] = at
            reached = now_at[0]
    lags = [shown_at[first + number + 1] - due for number, due in enumerate(schedule)]
    return {"lag": lags, "last": lags[-1], "slip": slip}


def summarize(seconds: Sequence[float]) -> dict:
    from benchmarks.run import summarize_ms

    figures = summarize_ms(seconds)
    figures["presses"] = figures.pop("queries")
    return figures


def hold_summary(held: dict) -> dict:
    return {
        "lag": summarize(held["lag"]),
        "last_key_to_row_ms": round(held["last"] * 1000, 1),
        "send_slip_max_ms": round(held["slip"] * 1000, 1),
        "lag_first_second_ms": round(statistics.median(held["lag"][:HOLD_RATE_PER_S]) * 1000, 1),
        "lag_last_second_ms": round(statistics.median(held["lag"][-HOLD_RATE_PER_S:]) * 1000, 1),
        "keys": len(held["lag"]),
        "keys_per_s": HOLD_RATE_PER_S,
    }


def session_name(label: str) -> str:
    return f"bench-{label}-{os.getpid()}"


def measure_program(
    label: str, command: Sequence[str], env: dict[str, str], ready: Callable[[str], bool], keys: Sequence[str]
) -> dict:
    term = ControlClient(session_name(label), command, env)
    try:
        term.wait_for(ready, START_TIMEOUT_S)
        term.quiet(longest=10.0)
        return {key: summarize(time_presses(term, key)) for key in keys}
    finally:
        term.close()


def measure_reader(label: str, home: Path, digests: Path, hold: bool) -> dict:
    reader = Path(sys.executable).with_name("reader")
    env = {"READER_HOME": str(home), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    term = ControlClient(session_name(label), [str(reader), "--digests", str(digests)], env)
    try:
        term.wait_for(lambda screen: position(screen) is not None, START_TIMEOUT_S)
        term.quiet(longest=10.0)
        figures: dict = {}
        for key in READER_KEYS:  # k goes back up the rows j went down
            if key == "x":
                moved, marked = time_read_and_next(term)
                figures["x"] = summarize(moved)
                figures["x_mark"] = summarize(marked) if marked else None
            else:
                changed, settled = time_and_settle(term, key)
                figures[key] = summarize(changed)
                figures[f"{key}_settled"] = summarize(settled)
        if hold:
            term.quiet(longest=10.0)
            figures["hold_j"] = hold_summary(hold_j(term))
        return figures
    finally:
        term.close()


def floor() -> dict:
    """Key sent to its echo seen: tmux, the terminal and this client, no program in between."""
    term = ControlClient(session_name("floor"), ["cat"], {"PATH": os.environ.get("PATH", "")})
    try:
        term.quiet(longest=2.0)
        seconds = time_presses(term, "j", 30)
        looks = []
        for _ in range(30):
            started = time.monotonic()
            term.screen()
            looks.append(time.monotonic() - started)
        return {"echo": summarize(seconds), "capture_p50_ms": round(statistics.median(looks) * 1000, 2)}
    finally:
        term.close()


def measure_terminal(
    home: Path, corpus: Path, seeds: Path, reset: Callable[[], None], log: Callable[[str], None]
) -> dict:
    """Every terminal figure; a note instead when tmux is missing or a program fails. `reset`
    puts the saved session and the marks back before each start of the reader."""
    if shutil.which("tmux") is None:
        return {"note": "tmux is not installed: no terminal figures"}
    figures: dict = {"method": "tmux control mode: send-keys to the %output after which capture-pane -e differs",
                     "size": f"{WIDTH}x{HEIGHT}", "presses": PRESSES}
    notes = []
    plain_env = {"TERM": "xterm-256color", "PATH": os.environ.get("PATH", ""), "LESS": "", "LESSHISTFILE": "-"}
    longest = max(corpus.glob("*.txt"), key=lambda path: path.stat().st_size)
    steps: list[tuple[str, Callable[[], dict]]] = [
        ("floor", floor),
        ("less", lambda: measure_program(
            "less", ["less", "-S", str(longest)], plain_env, lambda screen: bool(screen.strip()), ["j"])),
        ("minimal_app", lambda: measure_program(
            "minimal", [sys.executable, str(MINIMAL_APP)], plain_env, lambda screen: "presses: 0" in screen, ["j"])),
        ("seeds", lambda: measure_reader("seeds", home, seeds, hold=True)),
        ("corpus", lambda: measure_reader("corpus", home, corpus, hold=True)),
    ]
    for label, measure in steps:
        reset()
        try:
            figures[label] = measure()
        except Exception as error:  # one program failing leaves the others' figures
            figures[label] = None
            notes.append(f"{label}: {type(error).__name__}: {str(error)[-600:]}")
        log(f"terminal {label}: " + ", ".join(
            f"{key} p50 {value['p50_ms']} p95 {value['p95_ms']} ms"
            for key, value in (figures[label] or {}).items() if isinstance(value, dict) and "p50_ms" in value
        ))
    reset()
    return figures | ({"notes": notes} if notes else {})
