"""Which files are digests: the files and folders the user named, and how `reader add` names a copy."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reader.domain.models import ParseWarning

DIGEST_SUFFIXES = (".txt", ".md", ".text", ".json")  # .json: a fetched list (reader fetch)

_NOT_REGULAR = "not a regular file (a pipe, terminal, socket or device); skipped: save it to a file first"


def is_digest_file_name(name: str) -> bool:
    """Whether a file in a digest folder is read as a digest: a digest suffix, and not
    hidden (editors and tools keep dot-files beside the real ones)."""
    return Path(name).suffix.lower() in DIGEST_SUFFIXES and not name.startswith(".")


def digest_file_name(name: str) -> str:
    """The name under which `reader add` keeps a digest: `.json` for a fetched list, else
    `.txt`, and never hidden, so that discovery (`is_digest_file_name`) reads it."""
    path = Path(name)
    stem = path.stem.lstrip(".") or "digest"
    return stem + (".json" if path.suffix.lower() == ".json" else ".txt")


def discover_digest_files(sources: Iterable[Path]) -> tuple[list[Path], list[ParseWarning]]:
    """Files named by the sources: a file as given, a folder's digest files (not recursive)."""
    files: list[Path] = []
    warnings: list[ParseWarning] = []
    for source in sources:
        source = Path(source).expanduser()
        if source.is_file():
            files.append(source.resolve())
        elif source.is_dir():
            _add_folder(source, files, warnings)
        elif source.exists():  # /dev/stdin and the like: a link to a pipe or terminal
            warnings.append(ParseWarning(str(source), 0, _NOT_REGULAR))
        elif source.is_symlink():
            warnings.append(ParseWarning(str(source), 0, "broken symbolic link; skipped"))
    unique = list(dict.fromkeys(files))
    return unique, warnings


def _add_folder(folder: Path, files: list[Path], warnings: list[ParseWarning]) -> None:
    """A folder's digest files into `files`; why any named like one is skipped into `warnings`."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        warnings.append(ParseWarning(str(folder), 0, f"cannot list folder: {error.strerror or error}"))
        return
    for entry in entries:
        if not is_digest_file_name(entry.name):
            continue
        if entry.is_file():
            files.append(entry.resolve())
        elif entry.is_symlink() and not entry.exists():
            warnings.append(ParseWarning(str(entry), 0, "broken symbolic link; skipped"))
        elif entry.is_dir():
            warnings.append(ParseWarning(str(entry), 0, "a folder named like a digest; skipped"))
        elif entry.exists():  # a FIFO, socket or device: opening one could block forever
            warnings.append(ParseWarning(str(entry), 0, _NOT_REGULAR))
