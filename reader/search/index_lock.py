"""The index's file storage: private files, a write lock that names its owner, and bulk
workers that die with the reader that started them.

Whoosh locks an index with `flock` on `papers_WRITELOCK`. The kernel drops such a lock when
the last descriptor on it closes, so a reader that crashes normally leaves nothing behind;
but a process that inherited the descriptor (a bulk-index worker of a killed reader) keeps
the index locked for as long as it lives. So:

- the lock file records its owner (pid and process start time); when the lock is busy and
  its owner is gone, the file is removed and a fresh one locked, with a notice;
- bulk workers close their copy of the lock at once and exit when their parent is gone.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.multiproc import MpWriter, SubWriterTask

from reader.system.private import make_private_dirs, open_private

Notice = Callable[[str], None]


def process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux), to tell a reused pid
    from the process that wrote it; None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def process_alive(pid: int, start: int | None = None) -> bool:
    """Whether the process `pid` runs (a zombie counts as gone), and is the one started at `start`."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            if handle.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                return False
    except (OSError, IndexError):
        pass
    if start is not None:
        current = process_start(pid)
        return current is None or current == start
    return True


def _kernel_lock_holder(fd: int) -> int | None:
    """The pid that took the flock on this file, from /proc/locks (a lock file written by an
    older reader names no owner); None when unknown."""
    info = os.fstat(fd)
    inode = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) > 5 and parts[1] == "FLOCK" and parts[5] == inode and parts[4].isdigit():
                    return int(parts[4])
    except OSError:
        pass
    return None


class OwnedLock:
    """Whoosh's lock interface (acquire/release) on a flock whose file names its owner."""

    def __init__(self, path: str, notice: Notice) -> None:
        self.path = path
        self.notice = notice
        self.fd: int | None = None

    def acquire(self, blocking: bool = False) -> bool:
        if self._take():
            return True
        owner = self._dead_owner()
        if owner is None:
            return False
        with folder_locked(Path(self.path).parent):
            # A reader that has just taken the lock names itself within microseconds; until
            # then the file still names the previous owner.
            time.sleep(0.2)
            if self._take():
                return True
            if self._dead_owner() != owner:  # a new owner, or another reader broke it first
                return False
            os.unlink(self.path)
            taken = self._take()
        if taken:
            self.notice(
                f"the index was left locked by a reader that is no longer running (pid {owner}); "
                "the lock was removed"
            )
        return taken

    def release(self) -> None:
        if self.fd is None:
            raise RuntimeError("the index lock was not taken")
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    def identity(self) -> tuple[int, int, int] | None:
        """(descriptor, device, inode) of the held lock, for workers to close their copy."""
        if self.fd is None:
            return None
        info = os.fstat(self.fd)
        return self.fd, info.st_dev, info.st_ino

    def _take(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        except FileNotFoundError:
            return False  # the folder is gone: another reader is rebuilding the index from scratch
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        # A reader breaking a stale lock may have replaced the file since it was opened.
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            current = None
        held = os.fstat(fd)
        if current is None or (current.st_dev, current.st_ino) != (held.st_dev, held.st_ino):
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {process_start(os.getpid()) or 0}\n".encode("ascii"), 0)
        self.fd = fd
        return True

    def _dead_owner(self) -> int | None:
        """The pid named by the busy lock file when that process is gone; None when the owner
        runs or cannot be told."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fields = os.pread(fd, 64, 0).split(b"\n")[0].split()
            if len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit():
                pid, start = int(fields[0]), int(fields[1]) or None
            else:
                holder = _kernel_lock_holder(fd)
                if holder is None:
                    return None
                pid, start = holder, None
        finally:
            os.close(fd)
        if pid <= 0 or process_alive(pid, start):
            return None
        return pid


@contextmanager
def folder_locked(folder: Path):
    """Serialise short changes between readers: lock breaking, creating the first table of
    contents (a flock on the folder itself)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class PrivateStorage(FileStorage):
    """Whoosh's file storage with private (0600) files and folders and an owned write lock."""

    def __init__(self, path, *args, notice: Notice | None = None, **kwargs) -> None:
        super().__init__(path, *args, **kwargs)
        self.notice: Notice = notice or (lambda text: None)

    def create(self):
        make_private_dirs(Path(self.folder))
        return self

    def create_file(self, name, excl=False, mode="wb", **kwargs):
        if excl:  # Whoosh asks for this on its temporary files only
            return StructFile(os.fdopen(os.open(self._fpath(name), os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600), mode),
                              name=name, **kwargs)
        return StructFile(open_private(Path(self._fpath(name)), mode), name=name, **kwargs)

    def lock(self, name):
        return OwnedLock(self._fpath(name), self.notice)

    def temp_storage(self, name=None):
        from whoosh.util import random_name

        folder = os.path.join(self.folder, name or f"{random_name()}.tmp")
        return PrivateStorage(folder, supports_mmap=self.supports_mmap, notice=self.notice).create()


class _ParentBoundTask(SubWriterTask):
    """A Whoosh bulk worker that lets go of the index lock and exits with its parent."""

    def __init__(self, *args, lock: tuple[int, int, int] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.daemon = True
        self.parent = os.getpid()
        self.lock = lock

    def run(self) -> None:
        if self.lock is not None:
            fd, device, inode = self.lock
            try:
                info = os.fstat(fd)
                if (info.st_dev, info.st_ino) == (device, inode):
                    os.close(fd)  # the lock is the parent's: it must end with the parent
            except OSError:
                pass  # not inherited (a spawned worker)
        threading.Thread(target=_exit_with_parent, args=(self.parent,), name="reader-parent-watch", daemon=True).start()
        super().run()


def _exit_with_parent(parent: int) -> None:
    # A worker waits on a queue whose write end it holds itself: without this it would wait forever.
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


class BulkWriter(MpWriter):
    """Whoosh's multi-process writer with workers bound to this process."""

    def _new_task(self):
        task = _ParentBoundTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment,
            lock=self.writelock.identity() if isinstance(self.writelock, OwnedLock) else None,
        )
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self):
        # Whoosh only flags its own copy of each task, which the worker never sees.
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.terminate()
            for task in self.tasks:
                task.join(timeout=5)
        finally:
            super().cancel()
