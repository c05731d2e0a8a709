"""The user's desktop: the system clipboard tool and the web browser, when there are any.

Both block (a subprocess, a browser lookup that may run commands), so callers run them off
the UI thread. Each says whether it worked, so the reader can tell the user what happened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import webbrowser
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

CLIPBOARD_TIMEOUT = 3.0  # seconds; a tool that hangs (no display answering) is given up
# Browsers that run inside the terminal: started from the reader they would fight it for the
# screen and the keyboard, so they count as no browser.
CONSOLE_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m", "browsh"})

Which = Callable[[str], str | None]


def clipboard_commands(which: Which | None = None, env: Mapping[str, str] | None = None) -> list[list[str]]:
    """The system clipboard commands that can work here, best first, as full command lines.

    wl-copy needs a Wayland session and xclip / xsel an X display; pbcopy (macOS) and
    clip.exe (Windows, WSL) need nothing more than being installed."""
    env = os.environ if env is None else env
    which = which or shutil.which
    wanted: list[tuple[str, ...]] = []
    if env.get("WAYLAND_DISPLAY"):
        wanted.append(("wl-copy",))
    if env.get("DISPLAY"):
        wanted += [("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input")]
    wanted += [("pbcopy",), ("clip.exe",)]
    found = []
    for name, *args in wanted:
        path = which(name)
        if path:
            found.append([path, *args])
    return found


def _encoded(command: Sequence[str], text: str) -> bytes:
    # clip.exe reads the console code page unless the text starts with a UTF-16 byte-order mark.
    return text.encode("utf-16") if Path(command[0]).name.lower() == "clip.exe" else text.encode("utf-8")


def copy_with_system_tool(
    text: str,
    which: Which | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = CLIPBOARD_TIMEOUT,
) -> str | None:
    """Copy `text` with the first clipboard tool that works; the tool's name, or None when
    there is none or none worked."""
    for command in clipboard_commands(which, env):
        try:
            # No pipes for its output: xclip and wl-copy stay in the background holding the
            # selection, and a pipe they keep open would make this wait for them.
            done = subprocess.run(
                command, input=_encoded(command, text), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                timeout=timeout, check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return Path(command[0]).name
    return None


GetBrowser = Callable[[], webbrowser.BaseBrowser]


def graphical_browser(get: GetBrowser | None = None) -> webbrowser.BaseBrowser | None:
    """The browser `webbrowser` would use, or None when it has none or only one that runs in
    the terminal."""
    try:
        browser = (get or webbrowser.get)()
    except webbrowser.Error:
        return None
    command = getattr(browser, "name", "") or ""
    if Path(command.split()[0] if command.split() else command).name in CONSOLE_BROWSERS:
        return None
    return browser


def open_in_browser(url: str, get: GetBrowser | None = None) -> bool:
    """Open `url` in a graphical web browser; False when there is none or it failed to start."""
    browser = graphical_browser(get)
    if browser is None:
        return False
    try:
        return bool(browser.open(url, new=2))
    except (OSError, webbrowser.Error):
        return False
