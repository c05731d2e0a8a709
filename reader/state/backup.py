"""Daily backups of a profile's state database, and restoring one.

Backups live in ``<data dir>/backups/<profile>/`` (folder 0700, files 0600):

- ``state-YYYY-MM-DD.sqlite3``: at most one a day, made by `open_state` the
  first time the reader opens that day (only once there is something to keep);
  the newest ``KEEP`` are kept.
- ``state-YYYY-MM-DD-HHMMSS-before-restore.sqlite3``: the state just before a
  restore, so a restore can itself be taken back; the newest ``KEEP`` are kept.

Every copy is made with SQLite's backup API (a consistent snapshot even while
another copy of the app writes), written to a temporary name and renamed into
place, so a crash never leaves a half-written backup under a backup's name.
Restoring takes only the rows of the reader's own tables (never a file's triggers,
views or other objects) into a fresh database with the reader's schema, then copies
that into the live database with the backup API, so copies of the app that have it
open see the restored marks as one new commit.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from reader.state.errors import StateError
from reader.state.state_file import check_state_file
from reader.system.files import FileWriteError, replacing
from reader.system.private import make_private_dirs

KEEP = 7
_DAILY = re.compile(r"state-(\d{4}-\d{2}-\d{2})\.sqlite3")
_BEFORE_RESTORE = re.compile(r"state-(\d{4}-\d{2}-\d{2})-(\d{6})(?:-\d+)?-before-restore\.sqlite3")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A temporary file older than this belongs to a process that died mid-backup.
_STALE_TEMPORARY_SECONDS = 3600


class Snapshots(Protocol):
    """What backing up and restoring need of an open state file (a StateStore)."""

    def is_empty(self) -> bool: ...
    def backup_to(self, target: Path) -> None: ...
    def check_writable(self) -> None: ...
    def restore_from(self, source: Path) -> list[str]: ...
    def counts(self) -> tuple[int, int]: ...


class BackupError(StateError):
    """A backup could not be made, found or restored; the message says which and why."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str  # "daily" or "before-restore"
    taken: datetime  # the day for daily backups (at midnight), the moment for the others
    size: int
    read: int | None  # None when the file cannot be read as a state database
    starred: int | None
    problem: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "daily":
            return self.taken.date().isoformat()
        return self.taken.strftime("%Y-%m-%d %H:%M:%S") + " (before a restore)"


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    before: Path  # the copy of the state as it was just before the restore
    read: int
    starred: int
    left_out: tuple[str, ...] = ()  # triggers, views and other objects not restored


def backups_dir(data_dir: Path, profile: str) -> Path:
    return Path(data_dir) / "backups" / profile


def _backup_kind(name: str) -> tuple[str, datetime] | None:
    if match := _DAILY.fullmatch(name):
        try:
            return "daily", datetime.combine(date.fromisoformat(match.group(1)), datetime.min.time())
        except ValueError:
            return None
    if match := _BEFORE_RESTORE.fullmatch(name):
        try:
            return "before-restore", datetime.strptime(match.group(1) + match.group(2), "%Y-%m-%d%H%M%S")
        except ValueError:
            return None
    return None


def _snapshot(store: Snapshots, target: Path) -> None:
    """Write a backup of `store` to `target` atomically (through the one file writer)."""
    make_private_dirs(target.parent)
    try:
        with replacing(target) as temporary:
            store.backup_to(temporary)
    except FileWriteError as exc:
        raise BackupError(f"could not back up the state: {exc}") from exc
    except StateError as exc:
        raise BackupError(f"could not back up the state to {target}: {exc}") from exc


def _prune(folder: Path, kind: str) -> None:
    found = sorted(
        (taken, path)
        for path in folder.iterdir()
        if (parsed := _backup_kind(path.name)) and parsed[0] == kind
        for taken in [parsed[1]]
    )
    for _, path in found[:-KEEP]:
        try:
            path.unlink()
        except OSError:
            pass
    now = time.time()
    for path in folder.glob(".state-*.tmp"):
        try:
            if now - path.stat().st_mtime > _STALE_TEMPORARY_SECONDS:
                path.unlink()
        except OSError:
            pass


def make_daily_backup(
    store: Snapshots, data_dir: Path, profile: str, now: datetime | None = None
) -> Path | None:
    """Today's backup of `store`, unless there is one already or nothing to keep.

    Returns the new file, or None. Raises BackupError when it cannot be written.
    """
    today = (now or datetime.now()).date()
    folder = backups_dir(data_dir, profile)
    target = folder / f"state-{today.isoformat()}.sqlite3"
    if target.exists() or store.is_empty():
        return None
    _snapshot(store, target)
    _prune(folder, "daily")
    return target


def list_backups(data_dir: Path, profile: str) -> list[BackupInfo]:
    """Every backup of the profile, oldest first, with its mark counts."""
    folder = backups_dir(data_dir, profile)
    if not folder.is_dir():
        return []
    backups = []
    for path in folder.iterdir():
        parsed = _backup_kind(path.name)
        if parsed is None or not path.is_file():
            continue
        kind, taken = parsed
        try:
            size = path.stat().st_size
        except OSError:
            continue
        try:
            read, starred = check_state_file(path)
        except StateError as exc:
            backups.append(BackupInfo(path, kind, taken, size, None, None, str(exc)))
        else:
            backups.append(BackupInfo(path, kind, taken, size, read, starred))
    return sorted(backups, key=lambda info: (info.taken, info.kind == "daily", info.path.name))


def find_backup(data_dir: Path, profile: str, which: str) -> Path:
    """A backup named by its date (YYYY-MM-DD), its file name, or any file path."""
    folder = backups_dir(data_dir, profile)
    text = which.strip()
    if _ISO_DAY.fullmatch(text):
        candidate = folder / f"state-{text}.sqlite3"
        if candidate.is_file():
            return candidate
        raise BackupError(f"no backup from {text} for profile {profile!r}; `reader restore` lists them")
    path = Path(text).expanduser()
    if path.is_file():
        return path
    if "/" not in text and (folder / text).is_file():
        return folder / text
    raise BackupError(f"{text}: no such backup or file; `reader restore` lists the backups")


def restore_backup(
    store: Snapshots, data_dir: Path, profile: str, which: str | Path, now: datetime | None = None
) -> RestoreResult:
    """Replace the state in `store` with a backup's, after saving the current one.

    `which` is a date, a backup's file name or a path to a state database. The
    source is checked first (never restores a damaged or foreign file); then the
    current state is saved as a "before-restore" backup; then the backup API
    copies the source into the live database in one transaction.
    """
    source = which if isinstance(which, Path) else find_backup(data_dir, profile, which)
    try:
        check_state_file(source)
    except StateError as exc:
        raise BackupError(f"not restored: {exc}") from exc
    moment = now or datetime.now()
    folder = backups_dir(data_dir, profile)
    stem = f"state-{moment.strftime('%Y-%m-%d-%H%M%S')}"
    before = folder / f"{stem}-before-restore.sqlite3"
    number = 1
    while before.exists():
        before = folder / f"{stem}-{number}-before-restore.sqlite3"
        number += 1
    try:
        store.check_writable()
    except StateError as exc:
        raise BackupError(f"not restored: {exc}") from exc
    _snapshot(store, before)
    _prune(folder, "before-restore")
    try:
        left_out = store.restore_from(source)
    except StateError as exc:
        raise BackupError(f"not restored: {exc}; your state is unchanged") from exc
    read, starred = store.counts()
    return RestoreResult(Path(source), before, read, starred, tuple(left_out))
