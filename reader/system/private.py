"""Private folders: the reader's data, cache and config belong to the user alone.

Whoever can write into the cache can make Whoosh load a pickle of their choosing, and into
the data folder can replace the marks. So the reader's folders are made 0700 and its
files 0600 whatever the umask, and a folder or file that another user owns or may write is
never used as it is: the reader's own is closed again (with a notice), a foreign one is
refused, and an index that others could have changed is moved aside and rebuilt.
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path


class UnsafeFolder(ValueError):
    """A folder of the reader that another user owns (or controls): it is not used."""


def make_private_dirs(directory: Path) -> None:
    """Create missing directories with mode 0700 (chmod: mkdir obeys umask)."""
    directory = Path(directory)
    missing = []
    for d in (directory, *directory.parents):
        if d.exists():
            break
        missing.append(d)
    for d in reversed(missing):
        d.mkdir(mode=0o700, exist_ok=True)
        os.chmod(d, 0o700)


def open_private(path: Path, mode: str = "wb"):
    """Open a file for writing, created 0600 whatever the umask (binary modes "wb", "ab", "a+b")."""
    flags = os.O_CREAT | (os.O_RDWR if "+" in mode else os.O_WRONLY)
    flags |= os.O_APPEND if mode.startswith("a") else os.O_TRUNC
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its mode otherwise
        return os.fdopen(fd, mode)
    except BaseException:
        os.close(fd)
        raise


def unsafe_reason(info: os.stat_result) -> str | None:
    """Why another user could have written this file or folder; None when only the user can."""
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if info.st_uid != os.geteuid():
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_mode & 0o022:
        return f"may be written by other users (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def first_unsafe(folder: Path) -> tuple[Path, str] | None:
    """The folder, or the first file or folder inside it, that another user could have
    written, with the reason; None when all of it is the user's alone."""
    pending = [Path(folder)]
    while pending:
        current = pending.pop()
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            continue
        reason = unsafe_reason(info)
        if reason is not None:
            return current, reason
        if stat.S_ISDIR(info.st_mode):
            try:
                pending.extend(Path(entry.path) for entry in os.scandir(current))
            except OSError:
                continue
    return None


def secure_folder(folder: Path, what: str, *, deep: bool = True, secret: bool = True) -> list[str]:
    """Create `folder` private, or check it (and, when `deep`, everything in it): returns a
    notice when a folder of the user's could be written by others and has been closed;
    raises UnsafeFolder for what another user owns. A `secret` folder (marks, the index) is
    also closed to reading, quietly (older versions left it 0755).

    The folder itself may be a symbolic link the user made (their data on another disk):
    its target is checked. Links inside it that the user made are left alone."""
    folder = Path(folder)
    if not folder.exists():
        make_private_dirs(folder)
        return []
    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolder(f"the {what} folder {folder} is not a folder; move it away")
    closed = 0
    pending = [(folder, info)]
    while pending:
        current, info = pending.pop()
        if info.st_uid != os.geteuid():
            raise UnsafeFolder(
                f"not using the {what} folder {folder}: {current} {unsafe_reason(info)} "
                "(move it away, or give it back to your user)"
            )
        if stat.S_ISLNK(info.st_mode):
            continue
        is_dir = stat.S_ISDIR(info.st_mode)
        mode = stat.S_IMODE(info.st_mode)
        if is_dir and mode & (0o077 if secret else 0o022):
            os.chmod(current, 0o700 if secret else mode & ~0o022)
            closed += bool(mode & 0o022)
        elif not is_dir and info.st_mode & 0o022:
            # Quietly: inside a private folder a file's mode exposes nothing (a copy made
            # under umask 002, say); only an open folder is news.
            with suppress(FileNotFoundError):
                os.chmod(current, stat.S_IMODE(info.st_mode) & 0o700)
        if is_dir and deep:
            for entry in os.scandir(current):
                with suppress(FileNotFoundError):  # e.g. a journal another copy just removed
                    pending.append((Path(entry.path), entry.stat(follow_symlinks=False)))
    if not closed:
        return []
    items = f" ({closed} folders changed)" if closed > 1 else ""
    return [f"the {what} folder {folder} could be written by other users; closed it to them{items}"]
