"""ReaderApp: the Textual application over the library, the index and the user's marks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, InvalidThemeError
from textual.binding import BindingType
from textual.notifications import SeverityLevel

from reader import paths
from reader.domain.config import Config, load_config, resolve_keys
from reader.domain.message_log import MessageLog
from reader.domain.text import strip_controls
from reader.library.library import Library
from reader.state.marks_file import profile_sync_file
from reader.state.marks_sync import MergeReport
from reader.state.store import StateError, StateStore, open_state
from reader.system.private import UnsafeFolder
from reader.tui import bindings, handoff
from reader.tui.commands import ReaderCommands, SavedViewCommands
from reader.tui.context import ReaderContext
from reader.tui.export_commands import ExportCommands
from reader.tui.failed_jobs import ReportsFailedJobs
from reader.tui.mark_sync import MarkSync, changed_lists
from reader.tui.mute_commands import MuteRuleCommands
from reader.tui.screens.main import MainScreen
from reader.tui.screens.message_log import MessageLogScreen
from reader.tui.state_client import StateClient

THEME_KEY = "tui.theme"


class ReaderApp(ReportsFailedJobs, App[None]):
    """`reader` with no command: the filter pane, the paper list and the detail pane."""

    TITLE = "reader"
    CSS_PATH = [paths.styles_dir() / "reader.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = list(bindings.app_bindings())
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
        self.startup_error: str | None = None
        self.folder_notices: list[str] = []  # e.g. a folder open to other users made private
        try:
            self.dirs, self.folder_notices = paths.private_user_dirs(dirs)
        except UnsafeFolder as error:  # the command line refuses it before the app starts
            self.dirs, self.startup_error = dirs or paths.user_dirs(), str(error)
        self.sources = [Path(source) for source in sources] if sources is not None else paths.default_sources(self.dirs)
        self.profile = profile
        if config is None:  # nothing is read from a folder refused above
            themes = set(self.available_themes)
            config = load_config(self.dirs.config, themes) if self.startup_error is None else Config()
        self.config = config
        # A key the user gives that another binding holds stays with that one (a config problem).
        self.keymap, key_problems = resolve_keys(self.config, bindings.key_bindings())
        self.config_problems = self.config.problems + key_problems
        self.library = Library(self.sources, paths.index_dir(self.dirs, self.sources))
        self.message_log = MessageLog()  # every notice shown, kept after its toast is gone
        self.state_notices: list[str] = []  # e.g. a damaged state file moved aside
        self.state: StateStore = None  # type: ignore[assignment]  # set below unless the file is unusable
        try:
            if self.startup_error is None:
                self.state, self.state_notices = open_state(self.dirs.data, profile)
        except (StateError, ValueError) as error:
            self.startup_error = str(error)
        # One thread for every state read and write, so they happen in the order they were made.
        self.state_jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-state")
        self.closing = threading.Event()  # tells a running sync to stop
        # Every read and write of the state, marks drawn once saved, the poll for other copies.
        self.state_client = StateClient(self.state, self.state_jobs, self.notify)
        sync_file = None if self.config.sync_file is None else profile_sync_file(self.config.sync_file, profile)
        self.mark_sync = MarkSync(self, self.state_client, sync_file, self.show_merged)  # marks on every machine
        self._restoring_theme = False

    def get_default_screen(self) -> MainScreen:
        context = ReaderContext(
            self.library, self.state_client, self.config, self.closing, self.message_log, self.copy_text,
            self.dirs.digests,
        )
        return MainScreen(context)

    def on_mount(self) -> None:
        if self.startup_error is not None:
            self.exit(return_code=1, message=Text(self.startup_error))  # a path may hold "[...]"
            return
        self.state_client.attach(asyncio.get_running_loop())
        self.state_client.on_write = self.mark_sync.changed
        self.mark_sync.start()
        for notice in self.state_notices:
            self.notify(notice, title="Your marks", severity="warning", markup=False, timeout=15)
        for notice in self.folder_notices:
            self.notify(notice, title="Private folders", severity="warning", markup=False, timeout=15)
        for problem in self.config_problems:
            self.notify(problem, title="Config", severity="warning", markup=False, timeout=12)
        self.set_keymap(self.keymap)
        self._restore_theme()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice, from any screen or widget, passes here: it is shown as plain text
        (messages carry queries, file names, rules and titles; `markup` is ignored) and kept
        in the message log."""
        message, title = strip_controls(message), strip_controls(title)
        self.message_log.add(message, severity, title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        # Textual's own reminder is markup; notices here are plain text.
        quit_keys = [
            key for key, active in self.active_bindings.items() if active.binding.action in ("quit", "app.quit")
        ]
        if quit_keys:
            self.notify(f"Press {quit_keys[0]} to quit the app", title="Do you want to quit?")

    def action_message_log(self) -> None:
        self.push_screen(MessageLogScreen(self.message_log))

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open `url` in a browser off the UI thread, then say whether it worked."""
        opening = handoff.open_link(self, url, self.message_log, self.copy_text)
        self.run_worker(opening, name="open link", group="browser", exit_on_error=False)

    def copy_text(self, text: str, what: str) -> None:
        """Copy `text` (described as `what` in the notice) off the UI thread, then say how."""
        self.run_worker(handoff.copy_text(self, text, what), name="copy", group="clipboard", exit_on_error=False)

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

    def handle_bindings_clash(self, clashed_bindings, node) -> None:
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
        await self.mark_sync.flush()  # after every mark landed
        self.exit()

    async def show_merged(self, report: MergeReport) -> None:
        """After the sync file was merged: the lists its poll does not read again."""
        screen = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        mute_rules, views = changed_lists(report)
        if screen is not None and mute_rules:
            screen.reload_mute_rules()
        if screen is not None and views:
            screen.show_saved_views(await self.state_client.call(self.state.saved_views))

    def on_unmount(self) -> None:
        self.closing.set()
        self.state_jobs.shutdown(wait=True)  # every queued mark is written before we close
        self.mark_sync.close()
        if self.state is not None:
            self.state.close()
        self.library.close()
