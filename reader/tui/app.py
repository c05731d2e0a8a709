"""ReaderApp: the Textual application over the library, the index and the user's marks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from textual.app import App, InvalidThemeError

from reader import paths
from reader.core.config import Config, load_config
from reader.core.library import Library
from reader.core.state import StateError, StateStore, open_state
from reader.tui import bindings
from reader.tui.commands import ReaderCommands, SavedViewCommands
from reader.tui.export_commands import ExportCommands
from reader.tui.mute_commands import MuteRuleCommands
from reader.tui.screens.main import MainScreen

THEME_KEY = "tui.theme"


class ReaderApp(App[None]):
    """`reader` with no command: the filter pane, the paper list and the detail pane."""

    TITLE = "reader"
    CSS_PATH = [paths.styles_dir() / "reader.tcss"]
    BINDINGS = bindings.app_bindings()
    COMMANDS = App.COMMANDS | {ReaderCommands, ExportCommands, SavedViewCommands, MuteRuleCommands}

    def __init__(
        self,
        sources: Sequence[Path] | None = None,
        profile: str = "default",
        dirs: paths.UserDirs | None = None,
        *,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.dirs = dirs or paths.user_dirs()
        self.sources = [Path(source) for source in sources] if sources is not None else paths.default_sources(self.dirs)
        self.profile = profile
        self.config = config if config is not None else load_config(self.dirs.config)
        self.keymap: dict[str, str] = dict(self.config.keys)
        self.library = Library(self.sources, paths.index_dir(self.dirs, self.sources))
        self.startup_error: str | None = None
        self.state_notices: list[str] = []  # e.g. a damaged state file moved aside
        self.state: StateStore = None  # type: ignore[assignment]  # set below unless the file is unusable
        try:
            self.state, self.state_notices = open_state(self.dirs.data, profile)
        except (StateError, ValueError) as error:
            self.startup_error = str(error)
        # One thread for every state read and write, so they happen in the order they were made.
        self.state_jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-state")
        self.closing = threading.Event()  # tells a running sync to stop
        self._restoring_theme = False
        self._waited_for_lock = False
        self._ui_loop: asyncio.AbstractEventLoop | None = None

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def on_mount(self) -> None:
        if self.startup_error is not None:
            self.exit(return_code=1, message=self.startup_error)
            return
        self._ui_loop = asyncio.get_running_loop()
        self.state.on_wait = self._state_waits
        for notice in self.state_notices:
            self.notify(notice, title="Your marks", severity="warning", markup=False, timeout=15)
        for problem in self.config.problems:
            self.notify(problem, title="Config", severity="warning", markup=False, timeout=12)
        unknown = bindings.unknown_ids(self.keymap)
        if unknown:
            where = self.config.path or "config.toml"
            self.notify(
                f"{where}: no command called {', '.join(unknown)} in [keys]; see the help screen (?) for the names",
                title="Config",
                severity="warning",
                markup=False,
                timeout=12,
            )
        self.set_keymap(self.keymap)
        self._restore_theme()

    def _state_waits(self) -> None:
        """Called from the state thread when a write waits for another copy's lock."""
        try:
            if self._ui_loop is not None:
                self._ui_loop.call_soon_threadsafe(self._say_waiting)
        except RuntimeError:  # the app is gone: the write still lands (or fails) on its own
            pass

    def _say_waiting(self) -> None:
        self._waited_for_lock = True
        self.notify(
            "Waiting for another reader to release the state file… "
            "marks show once they are saved.",
            title="Your marks",
            severity="warning",
            timeout=6,
        )

    def lock_released(self) -> None:
        """A write landed: if it had to wait, say the wait is over."""
        if self._waited_for_lock:
            self._waited_for_lock = False
            self.notify("Saved: the other reader released the state file.", title="Your marks", timeout=4)

    def _restore_theme(self) -> None:
        # A WAL read never waits for another process's write, so this is safe on the UI thread.
        try:
            chosen = self.state.get_setting(THEME_KEY) or self.config.theme
        except StateError:
            chosen = self.config.theme
        if not chosen:
            return
        self._restoring_theme = True
        try:
            self.theme = chosen
        except InvalidThemeError:
            self.notify(f"Unknown theme {chosen!r}; using {self.theme}.", severity="warning", markup=False)
        finally:
            self._restoring_theme = False

    def watch_theme(self, theme: str) -> None:
        if self._restoring_theme or self.state is None or not self.is_running:
            return
        self.state_jobs.submit(self.state.set_setting, THEME_KEY, theme)

    def handle_bindings_clash(self, clashed_bindings, node) -> None:  # type: ignore[override]
        names = ", ".join(sorted(f"{binding.key} ({binding.id or binding.action})" for binding in clashed_bindings))
        self.log.warning(f"key clash in the keymap: {names}")

    async def action_quit(self) -> None:
        """Save the session and wait for every mark to land, then leave."""
        self.closing.set()
        screen = self.screen if isinstance(self.screen, MainScreen) else None
        if screen is None:
            screen = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if screen is not None and self.state is not None:
            screen.save_session()
        await asyncio.wrap_future(self.state_jobs.submit(lambda: None))
        self.exit()

    def on_unmount(self) -> None:
        self.closing.set()
        self.state_jobs.shutdown(wait=True)  # every queued mark is written before we close
        if self.state is not None:
            self.state.close()
        self.library.close()
