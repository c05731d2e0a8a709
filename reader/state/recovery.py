"""Moving a damaged state file aside, never deleting it, one process at a time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from reader.state.errors import StateError


@contextmanager
def recovery_lock(path: Path) -> Iterator[None]:
    """Serialise moving a damaged file aside between processes (POSIX only)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: best effort without a lock
        yield
        return
    lock_path = path.with_name(f".{path.name}.recover-lock")
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename a damaged state file (and its -wal/-shm) to `<name>.corrupt-<time>`.

    Nothing is deleted. The -wal and -shm files go first so a fresh database
    created at `path` can never pick up the damaged one's write-ahead log.
    """
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
        number += 1
    try:
        for suffix in ("-wal", "-shm", ""):
            source = Path(f"{path}{suffix}")
            if source.exists():
                os.rename(source, f"{target}{suffix}")
    except OSError as exc:
        raise StateError(
            f"state file {path} is damaged and could not be moved aside "
            f"({exc.strerror or exc}); move it away by hand"
        ) from exc
    return target
