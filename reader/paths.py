"""Where things live: per-user directories and the bundled seeds and styles."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from reader.system.private import UnsafeFolder, secure_folder

APP_NAME = "reader"
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class UserDirs:
    data: Path
    cache: Path
    config: Path

    @property
    def digests(self) -> Path:
        """Where `reader add` copies the user's own digests."""
        return self.data / "digests"


def user_dirs() -> UserDirs:
    """platformdirs locations, or all three under $READER_HOME when it is set."""
    home = os.environ.get("READER_HOME")
    if home:
        root = Path(home).expanduser()
        return UserDirs(root / "data", root / "cache", root / "config")
    return UserDirs(
        platformdirs.user_data_path(APP_NAME, appauthor=False),
        platformdirs.user_cache_path(APP_NAME, appauthor=False),
        platformdirs.user_config_path(APP_NAME, appauthor=False),
    )


def private_user_dirs(dirs: UserDirs | None = None) -> tuple[UserDirs, list[str]]:
    """The user's folders, made private before anything in them is read: created 0700, and
    closed (with a notice) when other users could write in them.

    Raises UnsafeFolder when the data or config folder, or anything in them, belongs to
    another user. A cache that does is only set aside: the index is rebuilt in a private
    temporary folder for this run."""
    dirs = dirs or user_dirs()
    notices = secure_folder(dirs.data, "data")
    if dirs.config.exists():  # only read, never written: not created
        notices += secure_folder(dirs.config, "config", secret=False)
    try:
        notices += secure_folder(dirs.cache, "cache", deep=False)
        notices += secure_folder(_index_root(dirs), "index", deep=False)
    except UnsafeFolder as error:
        elsewhere = Path(tempfile.mkdtemp(prefix="reader-cache-"))
        notices.append(f"{error}; building the index in {elsewhere} for now")
        dirs = dataclasses.replace(dirs, cache=elsewhere)
    return dirs, notices


def _resource_dir(name: str) -> Path:
    # Inside the installed wheel first, then the checkout (or an editable install).
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the installation")


def seeds_dir() -> Path:
    return _resource_dir("seeds")


def styles_dir() -> Path:
    return _resource_dir("styles")


def default_sources(dirs: UserDirs) -> list[Path]:
    """The bundled seeds plus the user's digest folder."""
    return [seeds_dir(), dirs.digests]


def index_dir(dirs: UserDirs, sources: list[Path]) -> Path:
    """One index per set of sources, so `--digests` runs never churn the default index."""
    key = "\n".join(sorted(str(Path(source).expanduser().resolve()) for source in sources))
    return _index_root(dirs) / hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _index_root(dirs: UserDirs) -> Path:
    return dirs.cache / "index"
