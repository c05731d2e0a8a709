"""Marks files on disk: `reader marks export` / `import`, and the sync file that carries
marks between machines (config `sync_file`).

Syncing is read-merge-write: the file is merged in first (when it changed since this
profile last saw it), then the profile's merged state is written back through the atomic
writer, so two machines writing one file keep each other's changes and a crash leaves the
old file whole. A file that is refused (truncated, hostile) is never overwritten.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reader.state.connection import StateDatabase
from reader.state.marks_sync import MergeReport, export_records, merge
from reader.state.settings import get_setting, set_setting
from reader.state.sync_format import MAX_FILE_BYTES, MarksFileError, decode, encode, exportable
from reader.state.sync_stamps import changes_token
from reader.system.files import write_file

# The sync file as last read or written ({"path", "sha256"}) and the state then ("changes").
SEEN_SETTING = "marks_sync_seen"
_ATTEMPTS = 3  # times to merge again when another program rewrote the file meanwhile


def profile_sync_file(path: Path, profile: str) -> Path:
    """The sync file of a profile: the configured one for "default", and beside it one per
    other profile (`reader-marks.work.jsonl`), so profiles stay apart on every machine."""
    if profile == "default":
        return path
    return path.with_name(f"{path.stem}.{profile}{path.suffix}")


def read_marks(path: Path) -> bytes:
    """The file's bytes (MarksFileError when it is too large to be a marks file)."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise MarksFileError(f"{path}: is larger than {MAX_FILE_BYTES >> 20} MB, too large for a marks file; "
                             "nothing was changed")
    return data


def export_marks(db: StateDatabase, path: Path) -> tuple[int, int]:
    """Write every change to `path` atomically; how many records, and how many were left
    out because a reader would refuse them (a saved view kept before the query rule)."""
    records, skipped = exportable(export_records(db), db.clock())
    write_file(path, encode(records))
    return len(records), skipped


def import_marks(db: StateDatabase, path: Path) -> MergeReport:
    """Merge a marks file in as one undo step (MarksFileError, nothing changed, when refused)."""
    records = decode(read_marks(path), path, db.clock())
    return merge(db, records, f"import marks from {path.name}")


@dataclass(frozen=True)
class SyncOutcome:
    merged: MergeReport | None  # None when the file had not changed since last seen
    written: bool  # the file was (re)written with this profile's changes


def sync_marks(db: StateDatabase, path: Path) -> SyncOutcome:
    """Read-merge-write `path` (see module doc); at once when neither the file nor the
    state changed since the last sync. Raises MarksFileError for a refused file,
    FileWriteError / OSError when it cannot be read or written, StateError from the state."""
    path = Path(path).expanduser()
    with _folder_lock(path.parent):
        seen = get_setting(db, SEEN_SETTING)
        seen = seen if isinstance(seen, dict) and seen.get("path") == str(path) else {}
        merged: MergeReport | None = None
        for _ in range(_ATTEMPTS):
            data = _read_if_present(path)
            known = data is not None and seen.get("sha256") == hashlib.sha256(data).hexdigest()
            if data is not None and not known:
                report = merge(db, decode(data, path, db.clock()), f"sync marks from {path.name}", undoable=False)
                merged = report if merged is None else _added(merged, report)
            token = _token(db)
            if known and seen.get("changes") == token:
                return SyncOutcome(merged, False)  # nothing new on either side
            ours = encode(exportable(export_records(db), db.clock())[0])
            if _read_if_present(path) == data:  # nobody wrote it while we merged
                break
        else:  # another program keeps rewriting it: leave it to them, merge again next sync
            return SyncOutcome(merged, False)
        written = ours != data
        if written:
            write_file(path, ours)
        now_seen = {"path": str(path), "sha256": hashlib.sha256(ours).hexdigest(), "changes": token}
        if now_seen != seen:
            set_setting(db, SEEN_SETTING, now_seen)
    return SyncOutcome(merged, written)


def _token(db: StateDatabase) -> list:
    with db.reading("read when marks last changed") as conn:
        return changes_token(conn)


def _added(first: MergeReport, then: MergeReport) -> MergeReport:
    return MergeReport(first.changed + then.changed, first.ignored + then.ignored)


def _read_if_present(path: Path) -> bytes | None:
    try:
        return read_marks(path)
    except FileNotFoundError:
        return None


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Serialise syncs of one folder by the reader's processes on this machine (best effort:
    a folder that cannot be locked is synced unlocked; the atomic writer still keeps it whole)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass
        yield
    finally:
        os.close(fd)
