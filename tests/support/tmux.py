"""The installed `reader` command in a real terminal: a detached tmux session."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

READER = Path(sys.executable).with_name("reader")
HANG = 60.0  # only a hang takes this long, even on a loaded machine


class Terminal:
    """A detached tmux session running one command, `width` x `height`."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], width: int = 120, height: int = 36) -> None:
        self.name = name
        self.width, self.height = width, height
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        # tmux may open the pane at 80x24 and resize it a moment later; a resize that lands
        # while the app starts can be missed, so start the app once the pane has its size.
        size = f"{height} {width}"
        wait_for_size = f'for _ in $(seq 100); do [ "$(stty size)" = "{size}" ] && break; sleep 0.05; done'
        line = f"{wait_for_size}; env {exports} {' '.join(command)}; sleep 30"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), line], check=True
        )

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

    def wait_for(self, text: str, timeout: float = HANG) -> str:
        return self.wait_until(lambda screen: text in screen, timeout, f"{text!r} never appeared")

    def wait_until(self, condition, timeout: float = HANG, failure: str = "the screen never got there") -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.02)
        raise AssertionError(f"{failure}; the screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def start(home: Path, name: str, *args: str, width: int = 120, height: int = 36) -> Terminal:
    env = {"READER_HOME": str(home), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    return Terminal(f"{name}-{os.getpid()}", [str(READER), *args], env, width, height)
