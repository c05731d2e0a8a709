"""What every command needs: the digests, library and state (opened on first use),
the exit codes, and the error a user can fix."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from reader import paths
from reader.cli.output import err
from reader.domain.text import escape_name
from reader.library.library import Library, SyncReport
from reader.library.mute import match_rules
from reader.library.renamed_ids import follow_renamed_ids
from reader.state.store import StateStore, open_state

# Exit codes, as grep has them (listed in the README's "The command line").
EXIT_OK = 0
EXIT_NOT_FOUND = 1  # the command worked and the answer is no: `search` matched nothing, `config --check` found problems
EXIT_ERROR = 2  # a problem: bad arguments (argparse uses 2 too), a missing file, an unknown id, damaged state
EXIT_INTERRUPTED = 130  # ctrl+c


class CommandError(Exception):
    """A problem the user can fix; shown as one line, without a traceback."""


class Context:
    """What every subcommand needs, opened on first use."""

    last_report: SyncReport

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.dirs, notices = paths.private_user_dirs()  # a folder another user owns: UnsafeFolder
        for notice in notices:
            err(f"reader: {notice}")
        self.sources = [Path(p) for p in args.digests] if args.digests else paths.default_sources(self.dirs)
        for source in self.sources:
            if not source.exists() and args.digests:
                raise CommandError(f"{escape_name(source)}: no such file or folder")
        self._library: Library | None = None
        self._state: StateStore | None = None

    def library(self, rebuild: bool = False) -> Library:
        if self._library is None or rebuild:
            self._library = Library(self.sources, paths.index_dir(self.dirs, self.sources))
            report = self._library.sync(progress=_progress_printer(), rebuild=rebuild)
            _print_report(report)
            self.last_report = report
            self._follow_renamed_ids()
        return self._library

    def resync(self) -> Library:
        """Bring the open library up to date with digest files written since it was opened
        (`reader fetch`), reporting as the first sync did."""
        if self._library is None:
            return self.library()
        report = self._library.sync(progress=_progress_printer())
        _print_report(report)
        self.last_report = report
        self._follow_renamed_ids()
        return self._library

    def state(self) -> StateStore:
        if self._state is None:
            self._state, notices = open_state(self.dirs.data, self.args.profile)
            self._state.on_wait = lambda: err("reader: waiting for another reader to release the state file…")
            for notice in notices:
                err(f"reader: {notice}")
            self._follow_renamed_ids()
        return self._state

    def _follow_renamed_ids(self) -> None:
        """Once both are open (commands open them in either order; one that needs no marks
        leaves the state alone): marks follow papers whose id a new text clean-up changed."""
        if self._library is not None and self._state is not None:
            notice = follow_renamed_ids(self._library, self._state).notice
            if notice:
                err(f"reader: {notice}")

    def muted(self) -> frozenset[str]:
        """The papers the user's mute rules hide, as in the reader (whatever --include-muted says)."""
        rules = self.state().mute_rules()
        return match_rules(self.library(), rules).ids if rules else frozenset()

    def hidden(self) -> frozenset[str]:
        """The papers to leave out: the muted ones, unless --include-muted was given."""
        return frozenset() if self.args.include_muted else self.muted()

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
        if self._state is not None:
            self._state.close()


def _progress_printer() -> Callable[[str, int, int], None] | None:
    """A progress line on stderr for long builds, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        if total >= 1000 or stage == "indexing papers" and total >= 200:
            end = "\n" if done >= total else ""
            sys.stderr.write(f"\r{stage}: {done:,}/{total:,}{end}")
            sys.stderr.flush()

    return show


def _print_report(report: SyncReport) -> None:
    for notice in report.notices:
        err(f"reader: {notice}")
    for warning in report.warnings:
        err(f"reader: warning: {warning}")
    if report.empty_reason:
        err(f"reader: {report.empty_reason}")
