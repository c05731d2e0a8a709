"""Handing a link to the browser or text to the clipboard, and saying what really happened.

The blocking parts (finding a browser, running a clipboard tool) run in threads; these
coroutines run as the app's workers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import App

from reader.domain.message_log import MessageLog
from reader.system.desktop import copy_with_system_tool, open_in_browser
from reader.tui.screens.confirm import ConfirmScreen

NO_BROWSER = "No web browser found to open the link"
OSC52_NOTE = "your terminal may not accept it"


async def open_link(app: App, url: str, log: MessageLog, copy_link: Callable[[str, str], None]) -> None:
    """Open `url` in a browser; without one, show the link and offer to copy it."""
    if await asyncio.to_thread(open_in_browser, url):
        app.notify(f"Opened in the browser: {url}")
        return
    log.add(f"{NO_BROWSER}: {url}", "warning")

    def answer(copy: bool | None) -> None:
        if copy:
            copy_link(url, "the link")

    app.push_screen(ConfirmScreen(f"{NO_BROWSER}.", url, "Copy the link"), answer)


async def copy_text(app: App, text: str, what: str) -> None:
    """Copy with the system clipboard tool when there is one, else through the terminal."""
    tool = await asyncio.to_thread(copy_with_system_tool, text)
    app.copy_to_clipboard(text)  # the reader's own clipboard (pasted in its inputs), and OSC 52
    if tool:
        app.notify(f"Copied {what} to the clipboard ({tool}).")
    else:
        app.notify(f"Sent {what} to the terminal clipboard (OSC 52); {OSC52_NOTE}.")
