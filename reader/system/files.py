"""The one way the reader writes a file: exports, backups and digests added with `reader add`.

- A new path or an existing regular file is replaced atomically: the data goes to a
  temporary file beside the target, is flushed to disk and renamed over it, so a crash
  leaves the old file or the new one, never half of one. A replaced file keeps its mode.
- A symbolic link is followed: the file it points to is replaced and the link stays.
  A link that points nowhere is refused.
- Folders, devices, FIFOs and sockets are refused: a device is never replaced by a file.
- A file whose mode bits deny its owner writing (e.g. 0444) is refused, even for root.
- The target's folder must exist, unless the caller says to create it.
- The temporary file is removed on every failure (full disk, refusal, interruption).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class FileWriteError(Exception):
    """The file cannot be written; the message names it and says why."""


class MissingFolder(FileWriteError):
    """The target's folder does not exist (the caller may offer to create it)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"the folder {folder} does not exist")
        self.folder = folder


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def writable_target(path: str | os.PathLike[str], *, create_folder: bool = False) -> tuple[Path, int | None]:
    """The file to replace for `path` (links followed) and its mode if it exists.

    Raises FileWriteError (MissingFolder for a missing folder) when it must not be written.
    """
    given = _named(path)
    target = given
    if given.is_symlink():
        target = Path(os.path.realpath(given))
        if not target.exists():
            raise FileWriteError(f"{given} is a symbolic link to {target}, which does not exist")
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise FileWriteError(f"cannot write {given}: {error.strerror or error}") from error
    if mode is not None:
        kind = _kind(mode)
        if kind == "a folder":
            raise FileWriteError(f"{given} is a folder; give a file name")
        if kind is not None:
            raise FileWriteError(f"{given} is {kind}; the reader writes only regular files")
        if not mode & stat.S_IWUSR:
            raise FileWriteError(f"{given} is read-only (mode {stat.S_IMODE(mode):04o}); it was left as it is")
    folder = target.parent
    if not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            raise FileWriteError(f"cannot write {given}: {folder} is not a folder")
        if not create_folder:
            raise MissingFolder(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise FileWriteError(f"cannot create the folder {folder}: {error.strerror or error}") from error
    return target, None if mode is None else stat.S_IMODE(mode)


@contextmanager
def replacing(
    path: str | os.PathLike[str], *, create_folder: bool = False, mode: int = 0o600
) -> Iterator[Path]:
    """Yield a temporary file to fill; on success it replaces `path` (see the module doc).

    `mode` is for a new file; a replaced file keeps its own. Errors are FileWriteError.
    """
    target, old_mode = writable_target(path, create_folder=create_folder)
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise FileWriteError(f"cannot write {target}: {error.strerror or error}") from error
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, mode if old_mode is None else old_mode)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        with suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise FileWriteError(f"cannot write {target}: {error.strerror or error}") from error
        raise
    _fsync_folder(target.parent)


def write_file(
    path: str | os.PathLike[str], data: str | bytes, *, create_folder: bool = False, mode: int = 0o600
) -> Path:
    """Write `data` (text as UTF-8) to `path` through `replacing`; returns the file written."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path, create_folder=create_folder, mode=mode) as temporary:
        temporary.write_bytes(payload)
    return _named(path)


def _named(path: str | os.PathLike[str]) -> Path:
    """The absolute path the user named (``~`` expanded, links not resolved)."""
    raw = os.fspath(path).strip()
    if not raw:
        raise FileWriteError("no file name given")
    return Path(raw).expanduser().absolute()


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
