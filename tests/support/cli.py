"""Running the `reader` command as a user does: a real process with its own READER_HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."


def run(home: Path, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "READER_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, env=env, timeout=timeout
    )
    if check:
        assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def as_json(result: subprocess.CompletedProcess):
    return json.loads(result.stdout)


def stats(result: subprocess.CompletedProcess) -> dict:
    return json.loads(result.stdout)


def paper_id(home: Path, folder: Path, query: str) -> str:
    [hit] = json.loads(run(home, "--digests", str(folder), "search", query, "--json").stdout)
    return hit["id"]


def write_digest(path: Path, date_line: str, titles: list[str]) -> Path:
    body = "".join(f"{title}\n\n{ABSTRACT}\n\n" for title in titles)
    path.write_text(f"{date_line}\n\n{body}", encoding="utf-8")
    return path
