"""Hostile digests: the parser never raises, never returns a paper without a title, locates
every warning as `file:line`, and handles huge files and huge lines in bounded memory and time."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reader.domain.text import title_key
from reader.ingest.digest import MAX_FILE_BYTES, MAX_LINE_CHARS, parse_bytes

ROOT = Path(__file__).resolve().parents[1]
PATH = "fuzz/2025-08-07.txt"
pytestmark = pytest.mark.slow
FUZZ = settings(
    deadline=None, max_examples=200, database=None, suppress_health_check=[HealthCheck.too_slow]
)
# What must never survive into a title or abstract: C0 (tab and newline included, text is one
# line), DEL, C1 (CSI \x9b, OSC \x9d) and bidi overrides.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HEADERS = ["new", "Subscribe", "Daily Papers", "by AK and the research community",
           "Get trending papers in your email inbox!", "byAK and the research community"]
DATES = ["Aug 7", "Aug 7, 2025", "2025-08-07", "Sept 30", "Feb 29", "Feb 30", "Xyz 3", "2025-13-01", "May 0"]
NASTY = ["\x1b[2J", "\x1b]52;c;aGk=\x07", "\x1b]8;;file:///etc/passwd\x1b\\x\x1b]8;;\x1b\\", "\x9b31m", "\x9d0;t\x07",
         "\x07", "\x00", "\x7f", "\u202e", "\t", "\ufeff", "[bold red]x[/]", "[link=file:///etc/passwd]x[/link]",
         "\\textbf{", "\\'e", "$\\alpha$", "\\%", "{", "}", "…", "é", "🙂", "\u0301", " ", "."]
WORDS = st.sampled_from(["Diffusion", "models", "for", "LLM", "Agents", "of", "the", "2025", "x", "-", ":", "é"])


def _phrase(min_size: int, max_size: int):
    part = st.one_of(WORDS, WORDS, WORDS, st.sampled_from(NASTY), st.text(max_size=12))
    return st.lists(part, min_size=min_size, max_size=max_size).map(" ".join)


TITLE = _phrase(0, 8)
ABSTRACT = st.one_of(_phrase(1, 40).map(lambda text: text + "."), _phrase(1, 40))
LINE = st.one_of(
    st.sampled_from(HEADERS), st.sampled_from(DATES), TITLE, ABSTRACT,
    st.just(""), st.just(""), st.sampled_from([" ", "\t", "   \t "]),
    st.text(max_size=40), st.builds(lambda n: "x" * n, st.integers(0, 400)),
)
EOL = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])
BAD_BYTES = st.sampled_from([b"\xff", b"\x80", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc2\x9b", b"\x1b"])


@st.composite
def digest_bytes(draw) -> bytes:
    lines = draw(st.lists(LINE, max_size=60))
    pieces = []
    for line in lines:
        pieces.append(line + draw(EOL))
    data = "".join(pieces).encode("utf-8", errors="surrogatepass")
    for _ in range(draw(st.integers(0, 3))):  # invalid UTF-8 at random places
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(BAD_BYTES) + data[at:]
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data


def problems(data: bytes) -> list[str]:
    """What a user would see go wrong in the parse of `data`: an empty or unprintable title,
    control characters, a line number outside the file, a warning without `file:line`."""
    digest = parse_bytes(data, PATH, mtime=1_754_000_000)
    last_line = data.count(b"\n") + data.count(b"\r") + 1
    found = []
    for entry in digest.entries:
        if not entry.title.strip() or not title_key(entry.title):
            found.append(f"empty title: {entry!r}")
        if CONTROL.search(entry.title) or CONTROL.search(entry.abstract):
            found.append(f"control characters: {entry!r}")
        if not 1 <= entry.line <= last_line:
            found.append(f"line {entry.line} outside 1..{last_line}")
        if len(entry.title) > MAX_LINE_CHARS:
            found.append(f"title of {len(entry.title)} characters")
    for warning in digest.warnings:
        if not 1 <= warning.line <= last_line:
            found.append(f"warning line {warning.line} outside 1..{last_line}")
        if not (str(warning).startswith(f"{PATH}:{warning.line}: ") and warning.message):
            found.append(f"warning without file:line: {warning}")
    if CONTROL.search(digest.label):
        found.append(f"control characters in the label {digest.label!r}")
    return found


@FUZZ
@given(digest_bytes())
def test_digest_like_text_never_breaks_the_parser(data):
    assert problems(data) == []


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_never_break_the_parser(data):
    assert problems(data) == []


@FUZZ
@given(st.lists(st.tuples(TITLE, ABSTRACT), min_size=1, max_size=10))
def test_every_well_formed_paper_with_a_real_title_is_found(papers):
    text = "Aug 7\n\n" + "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
    digest = parse_bytes(text.encode("utf-8", errors="surrogatepass"), PATH)
    assert problems(text.encode("utf-8", errors="surrogatepass")) == []
    # Nothing is silently lost: every block is a paper or has a located warning.
    assert len(digest.entries) + len(digest.warnings) >= 1


# -- huge input: measured in a fresh process, so the peak RSS is this parse's own ---------

_MEASURE = """
import json, resource, sys
from pathlib import Path
from reader.ingest.digest import parse_file

def peak_kib():
    # VmHWM is this program's own high-water mark; ru_maxrss can carry the parent's
    # across fork and exec on Linux.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

before = peak_kib()
digest = parse_file(Path(sys.argv[1]))
peak = peak_kib()
print(json.dumps({"peak_mib": peak / 1024, "base_mib": before / 1024,
                  "entries": len(digest.entries), "longest": max((len(e.abstract) for e in digest.entries), default=0),
                  "warnings": [str(w) for w in digest.warnings]}))
"""


def measure(path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, timeout=180, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_50_mb_digest_is_capped_with_a_warning(tmp_path):
    abstract = "We propose a tiny method for experiments. It is evaluated on a toy benchmark with care. " * 3
    block = "".join(f"Paper Number {i} About Things\n\n{abstract}\n\n" for i in range(2000)).encode()
    path = tmp_path / "2025-08-07.txt"
    with path.open("wb") as out:
        out.write(b"Aug 7\n\n")
        while out.tell() < 50 * 1024 * 1024:
            out.write(block)
    stats = measure(path)
    assert any(f"{path}:" in w and "file larger than 32 MiB; the rest was not read" in w for w in stats["warnings"])
    assert stats["entries"] > 50_000  # everything up to the cap was read
    # Bounded: the cap is 32 MiB; measured ~180 MiB peak and ~4 s here (a hang: measure's timeout).
    assert stats["peak_mib"] < 8 * MAX_FILE_BYTES / (1024 * 1024), stats


def test_a_10_mb_single_line_is_cut_with_a_warning(tmp_path):
    path = tmp_path / "2025-08-07.txt"
    path.write_bytes(b"Aug 7\n\nA Title\n\n" + b"word " * (2 * 1024 * 1024) + b".\n")
    stats = measure(path)
    assert stats["entries"] == 1 and stats["longest"] <= MAX_LINE_CHARS
    assert f"{path}:5: line longer than 100,000 characters; the rest was cut" in stats["warnings"]
    assert stats["peak_mib"] < 150, stats  # measured ~50 MiB
