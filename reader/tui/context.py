"""What the main screen is given by the app: the library, the state client and the settings.

The screen takes these from its constructor, never from the app's type, so the app module
and the screens never import each other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader.domain.config import Config
from reader.domain.message_log import MessageLog
from reader.library.library import Library
from reader.tui.state_client import StateClient


@dataclass(frozen=True)
class ReaderContext:
    library: Library
    client: StateClient
    config: Config
    closing: threading.Event  # set when the app is closing: a running sync stops
    message_log: MessageLog  # every notice shown, kept after its toast is gone
    copy_text: Callable[[str, str], None]  # (text, what it is) to the clipboard, off the UI thread
    digest_folder: Path  # where fetched digests are kept (the user's digest folder)
