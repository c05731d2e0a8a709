"""Where a profile's state file lives, and checking a file without changing it."""

from __future__ import annotations

import re
import sqlite3
import urllib.parse
from pathlib import Path

from reader.state.errors import StateError, is_corruption, newer_version
from reader.state.schema import SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
_PROFILE_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")


def state_path(data_dir: Path, profile: str) -> Path:
    """Where a profile's state lives; "default" keeps the historical location."""
    if not isinstance(profile, str) or not _PROFILE_RE.fullmatch(profile):
        raise ValueError(
            f"invalid profile name {profile!r}: use 1-64 letters, digits, '-', '_' "
            "or '.', not starting with '.'"
        )
    if profile == "default":
        return Path(data_dir) / "state.sqlite3"
    return Path(data_dir) / "profiles" / profile / "state.sqlite3"


def has_sqlite_header(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def read_only_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(Path(path).resolve())) + "?mode=ro"


def connect_read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None, timeout=10.0)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def check_state_file(path: Path) -> tuple[int, int]:
    """Check that `path` is a healthy state database (read-only, never changed).

    Returns its (read, starred) counts; raises StateError naming what is wrong.
    """
    path = Path(path)
    try:
        healthy_header = has_sqlite_header(path)
    except OSError as exc:
        raise StateError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not healthy_header:
        raise StateError(f"{path} is not a SQLite database", corrupt=True)
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        raise StateError(f"cannot open {path}: {exc}", corrupt=is_corruption(exc)) from exc
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)") if r[0] != "ok"]
        if problems:
            raise StateError(f"{path} is damaged: {'; '.join(problems)}", corrupt=True)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_marks = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'marks')"
        ).fetchone()[0]
        if not has_marks or version < 1:
            raise StateError(f"{path} is a SQLite database but not a reader state file")
        if version > SCHEMA_VERSION:
            raise newer_version(str(path), version, SCHEMA_VERSION)
        row = conn.execute("SELECT coalesce(sum(read), 0), coalesce(sum(starred), 0) FROM marks").fetchone()
        return int(row[0]), int(row[1])
    except sqlite3.Error as exc:
        raise StateError(f"cannot read {path}: {exc}", corrupt=is_corruption(exc)) from exc
    finally:
        conn.close()
