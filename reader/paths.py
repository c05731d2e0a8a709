"""Where things live: per-user directories and the bundled seeds and styles."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

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
    return dirs.cache / "index" / hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
