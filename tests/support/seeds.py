"""The bundled seeds, indexed once per test run and copied into each home that needs them.

Indexing the 383 seed papers takes seconds; copying the finished cache folder takes
milliseconds. The index is built by the `reader` command itself, so a copy is exactly what
a user's second start finds. A copy is only valid for the same digest files (the catalog
knows them by path, size and modification time): the folder indexed is never written to.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reader import paths

from support.cli import run

# Most seed digests have no year in their date line: the reader takes it from the file's
# modification time, the time of the clone for the bundled ones. The copy the tests read is
# dated here, so the years shown (`Aug 7 2026`, `Mar 17 2026`) are the same in every clone.
SEEDS_MTIME = datetime(2026, 9, 1, 12, 0).timestamp()


@dataclass(frozen=True)
class IndexedHome:
    """A READER_HOME where `reader index` ran over `digests` (None: the default sources, the
    bundled seeds and the user's own, empty, digest folder)."""

    home: Path
    digests: Path | None = None

    def copy_into(self, home: Path) -> Path:
        """Give `home` this index, as if `home` had indexed the same sources itself."""
        sources = [self.digests] if self.digests else paths.default_sources(user_dirs(home))
        target = paths.index_dir(user_dirs(home), sources)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (home / "cache", target.parent):
            folder.chmod(0o700)  # as the reader makes them: it refuses an index others could change
        self.copy_index(target)
        return home

    def copy_index(self, target: Path) -> Path:
        """A copy of the index folder (catalog, Whoosh and fast search) at `target`, for a
        Library over the same sources."""
        [index] = paths.index_dir(user_dirs(self.home), []).parent.iterdir()
        shutil.copytree(index, target)
        return target


def dated_seeds(folder: Path) -> Path:
    """A copy of the bundled seeds, dated SEEDS_MTIME."""
    shutil.copytree(paths.seeds_dir(), folder)
    for file in folder.iterdir():
        os.utime(file, (SEEDS_MTIME, SEEDS_MTIME))
    return folder


def index_home(home: Path, digests: Path | None = None) -> IndexedHome:
    run(home, *(["--digests", str(digests)] if digests else []), "index")
    return IndexedHome(home, digests)


def built_once(root: Path, name: str, build: Callable[[Path], object]) -> Path:
    """The folder `root / name`, built by the first process that asks for it: the xdist
    workers of one run share `root` and take turns through a lock on it."""
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / f"{name}.built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
            (root / f"{name}.built").touch()
    return folder


def user_dirs(home: Path) -> paths.UserDirs:
    """The folders the reader uses with READER_HOME set to `home`."""
    return paths.UserDirs(home / "data", home / "cache", home / "config")
