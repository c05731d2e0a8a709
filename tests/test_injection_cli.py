"""Terminal injection: markup, escape sequences and control characters from a digest reach no
CLI output as anything but plain text; no escape byte from a digest ever reaches the terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from reader.domain.text import paper_id

ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."
MARKUP_TITLE = "[bold red]Bold Claim[/] About Models"
LINK_MARKUP = "[link=file:///etc/passwd]click here[/link]"
HOSTILE = [
    (MARKUP_TITLE, f"See {LINK_MARKUP} for details. Code at https://example.org/x."),
    ("\x1b[31mRed\x1b[0m Escape Paper\x07", "Clears \x1b[2J the screen and \x1b]52;c;aGVsbG8=\x07copies. Done."),
    ("\x1b]8;;file:///etc/passwd\x1b\\Hyperlink\x1b]8;;\x1b\\ Paper", "An OSC 8 link \x1b]0;pwned title\x07 here."),
    ("C1 \x9b2J Clear \x9d0;x\x07 Paper", "Eight-bit controls \x9b31m and \x9d52;c;x\x9c in text."),
    ("Bidi \u202eevil\u202c Paper", "Backspace\x08 and bell\x07 and DEL\x7f and vertical\x0btab."),
]
# Bytes that, written to a terminal, start or end a control sequence.
FORBIDDEN = [b"\x1b", b"\x07", b"\x9b", b"\x9d", b"\x9c", b"\x08", b"\x7f", b"\x00"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("injection")
    folder = root / "digests"
    folder.mkdir()
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in HOSTILE)
    # Raw C1 bytes too (invalid UTF-8, shown as U+FFFD), and a file name with an escape in it.
    raw = b"Aug 7\n\n" + body.encode("utf-8") + b"Raw \x9b2J Byte Paper\n\nRaw \x9d0;x\x07 bytes.\n"
    (folder / "2025-08-07.txt").write_bytes(raw)
    (folder / "evil\x1b[2J\x1b]0;x\x07name.txt").write_text(f"Escaped Name Paper\n\n{ABSTRACT}\n", encoding="utf-8")
    home = root / "home"
    run(home, folder, "index")
    ids = json.loads(run(home, folder, "search", "paper OR claim", "--json", "--limit", "50").stdout)
    assert len(ids) == len(HOSTILE) + 2
    return home, folder


def run(home: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "READER_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--digests", str(folder), *args],
        capture_output=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    for stream in (result.stdout, result.stderr):
        for byte in FORBIDDEN:
            assert byte not in stream, (args, byte, stream[:2000])
        assert re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", stream) is None, (args, stream[:2000])
    result.stdout = result.stdout.decode("utf-8")
    result.stderr = result.stderr.decode("utf-8")
    assert "Traceback" not in result.stderr
    return result


def test_search_human_and_json(setup):
    home, folder = setup
    human = run(home, folder, "search", "paper OR claim", "--limit", "50").stdout
    assert MARKUP_TITLE in human and "Red Escape Paper" in human and "Hyperlink Paper" in human
    assert "\u202e" not in human
    hits = json.loads(run(home, folder, "search", "paper OR claim", "--json", "--limit", "50").stdout)
    titles = {hit["title"] for hit in hits}
    assert MARKUP_TITLE in titles and "Red Escape Paper" in titles
    assert all(not re.search("[\x00-\x1f\x7f-\x9f]", hit["title"]) for hit in hits)


def test_show_human_and_json(setup):
    home, folder = setup
    pid = paper_id(MARKUP_TITLE)
    human = run(home, folder, "show", pid).stdout
    assert human.startswith(MARKUP_TITLE + "\n") and LINK_MARKUP in human
    assert "[1] https://example.org/x\n" in human
    record = json.loads(run(home, folder, "show", pid, "--json").stdout)
    assert record["title"] == MARKUP_TITLE and LINK_MARKUP in record["abstract"]
    escaped = json.loads(run(home, folder, "show", paper_id("Red Escape Paper"), "--json").stdout)
    assert escaped["abstract"] == "Clears the screen and copies. Done."


def test_digests_human_and_json(setup):
    home, folder = setup
    human = run(home, folder, "digests").stdout
    assert "Aug 7" in human and "evil" in human
    rows = json.loads(run(home, folder, "digests", "--json").stdout)
    assert len(rows) == 2


def test_stats_mark_and_undo(setup):
    home, folder = setup
    pid = paper_id(MARKUP_TITLE)
    assert run(home, folder, "mark", "star", pid).stdout.strip() == "starred 1 paper"
    assert json.loads(run(home, folder, "stats", "--json").stdout)["starred"] == 1
    assert run(home, folder, "undo").stdout.strip() == f'undid: star 1 paper: "{MARKUP_TITLE}"'


@pytest.mark.parametrize(
    ("fmt", "literal"),
    [
        ("md", r"\[bold red\]Bold Claim\[/\] About Models"),  # escaped Markdown shows it as typed
        ("json", MARKUP_TITLE),
        ("csv", MARKUP_TITLE),
        ("bibtex", MARKUP_TITLE),
    ],
)
def test_every_export_format(setup, fmt, literal):
    home, folder = setup
    out = run(home, folder, "export", "--format", fmt).stdout
    assert literal in out
    assert "Red Escape Paper" in out and "Hyperlink Paper" in out
    if fmt == "json":
        assert {paper["title"] for paper in json.loads(out)} >= {MARKUP_TITLE, "Red Escape Paper"}
