"""End to end: the installed `reader` command in a real terminal (tmux), as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

READER = Path(sys.executable).with_name("reader")
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """A detached tmux session running one command, 120x36."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        # tmux may open the pane at 80x24 and resize it a moment later; a resize that lands
        # while the app starts can be missed, so start the app once the pane has its size.
        wait_for_size = 'for _ in $(seq 100); do [ "$(stty size)" = "36 120" ] && break; sleep 0.05; done'
        line = f"{wait_for_size}; env {exports} {' '.join(command)}; sleep 30"
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "36", line], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=True
        ).stdout

    def raw_screen(self) -> str:
        """With escape sequences, to check what reached the terminal is only the app's own."""
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-e", "-t", self.name], capture_output=True, text=True, check=True
        ).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    def wait_until(self, condition, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.02)
        raise AssertionError(f"the screen never got there:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def top_row(screen: str) -> str:
    """The first row of the paper list (under the pane borders, at 120 columns)."""
    lines = screen.splitlines()
    return lines[1][26:78] if len(lines) > 1 else ""


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def start(home: Path, name: str, *args: str) -> Terminal:
    env = {"READER_HOME": str(home), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    return Terminal(f"{name}-{os.getpid()}", [str(READER), *args], env)


def test_search_star_quit_and_the_star_is_saved(home):
    terminal = start(home, "reader-e2e")
    try:
        terminal.wait_for("Aug 7")
        terminal.keys("/")
        time.sleep(0.3)
        started = time.monotonic()
        terminal.keys("melange")
        terminal.wait_until(lambda screen: "Mélange: Cost" in top_row(screen), timeout=5)
        assert time.monotonic() - started < 1.0, "the top hit should show within a second"
        terminal.keys("Escape")
        time.sleep(0.3)
        terminal.keys("s")
        terminal.wait_for("★")
        terminal.keys("q")
        deadline = time.monotonic() + 10
        while "Mélange" in terminal.screen() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        terminal.close()
    result = subprocess.run(
        [str(READER), "search", "melange", "--json"],
        capture_output=True, text=True, env={**os.environ, "READER_HOME": str(home)}, check=True,
    )
    hits = json.loads(result.stdout)
    assert hits[0]["title"].startswith("Mélange:") and hits[0]["starred"] is True


def test_hostile_titles_show_literally_and_leave_the_terminal_intact(home, tmp_path):
    digest = tmp_path / "2026-01-05.txt"
    digest.write_bytes(
        b"Jan 5\n\n"
        b"[bold red]Bold Claim[/] About [link=file:///etc/passwd]Links[/link]\n\n"
        b"An abstract that tries \x1b[2J to clear the screen and \x1b]52;c;cHduZWQ=\x07 set the clipboard.\n\n"
        b"Plain Neighbour Paper\n\nA quiet abstract about nothing in particular, for contrast.\n"
    )
    terminal = start(home, "reader-hostile", "--digests", str(digest))
    try:
        terminal.wait_for("Plain Neighbour Paper")
        # The detail pane loads the selected paper a moment after the list is drawn.
        screen = terminal.wait_for("to clear the screen and")  # the abstract is there, its escapes are not
        assert "[bold red]Bold Claim[/]" in screen
        assert "[link=file:///etc/passwd]" in screen
        raw = terminal.raw_screen()
        assert "52;c;" not in raw and "cHduZWQ=" not in raw
        terminal.keys("q")
    finally:
        terminal.close()


def test_a_paper_only_shown_is_not_read(home):
    """Launch, look at the first paper for 5 s (read_on_open is 2 s), quit: nothing was read."""
    terminal = start(home, "reader-unread")
    try:
        terminal.wait_for("Aug 7")
        terminal.wait_for("1 of ")  # the first paper is shown in the detail pane
        time.sleep(5)
        terminal.keys("q")
        deadline = time.monotonic() + 10
        while "1 of " in terminal.screen() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        terminal.close()
    result = subprocess.run(
        [str(READER), "search", "is:read", "--json"],
        capture_output=True, text=True, env={**os.environ, "READER_HOME": str(home)}, check=False,
    )  # exit status not checked: "no hits" may be an exit status of its own
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout) == []
