"""Parsing digest files: the real seeds and every kind of bad input."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from reader.ingest.digest import parse_bytes, parse_date_line, parse_file, parse_text, resolve_date
from reader.paths import seeds_dir

HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\n"
)
ABSTRACT = "We study a thing. It works well on many benchmarks and is cheap to run."


def digest_text(*papers: tuple[str, str], date_line: str = "Aug 7") -> str:
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
    return HEADER + (f"{date_line}\n\n" if date_line else "") + body


def test_real_seeds_have_the_known_entry_counts():
    counts = {path.name[:3]: len(parse_file(path).entries) for path in sorted(seeds_dir().glob("*.txt"))}
    assert counts == {"000": 119, "001": 106, "002": 104, "003": 61, "004": 83}


def test_real_seeds_parse_without_warnings():
    for path in seeds_dir().glob("*.txt"):
        assert parse_file(path).warnings == [], path.name


def test_seed_without_date_line_is_labelled_by_file_name():
    digest = parse_file(seeds_dir() / "003_112a7f09b8843e20.txt")
    assert digest.date is None
    assert digest.label == "003_112a7f09b8843e20"


def test_titles_and_abstracts_are_paired_with_line_numbers():
    digest = parse_text(digest_text(("First Paper", ABSTRACT), ("Second: A Study", ABSTRACT)), "d.txt")
    assert [(entry.title, entry.line) for entry in digest.entries] == [("First Paper", 13), ("Second: A Study", 17)]
    assert digest.entries[0].abstract == ABSTRACT
    assert digest.label == "Aug 7"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Aug 7", (8, 7, None)),
        ("Aug 7, 2025", (8, 7, 2025)),
        ("2025-08-07", (8, 7, 2025)),
        ("September 30", (9, 30, None)),
    ],
)
def test_date_line_forms(line, expected):
    parsed = parse_date_line(line)
    assert (parsed.month, parsed.day, parsed.year) == expected


def test_not_a_date_line():
    assert parse_date_line("Aug 32") is None
    assert parse_date_line("Attention Is All You Need") is None


def test_year_comes_from_file_name_date():
    assert resolve_date(parse_date_line("Dec 30"), "2026-01-02.txt", None) == date(2025, 12, 30)
    assert resolve_date(parse_date_line("Aug 7"), "digest-2024-08-07.txt", None) == date(2024, 8, 7)


def test_year_comes_from_mtime_without_file_name_date():
    mtime = datetime(2026, 3, 1, 12).timestamp()
    assert resolve_date(parse_date_line("Aug 7"), "x.txt", mtime) == date(2025, 8, 7)
    assert resolve_date(parse_date_line("Feb 20"), "x.txt", mtime) == date(2026, 2, 20)


def test_explicit_year_wins():
    assert resolve_date(parse_date_line("Aug 7, 2019"), "2026-01-02.txt", None) == date(2019, 8, 7)


def test_crlf_bom_trailing_spaces_and_no_final_newline():
    text = digest_text(("A Title   ", ABSTRACT + "  ")).rstrip("\n").replace("\n", "\r\n")
    digest = parse_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "crlf.txt")
    assert [entry.title for entry in digest.entries] == ["A Title"]
    assert digest.entries[0].abstract == ABSTRACT
    assert digest.warnings == []


def test_empty_file_gives_zero_papers_and_a_located_warning(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    digest = parse_file(path)
    assert digest.entries == []
    assert [str(w) for w in digest.warnings] == [f"{path}:1: no papers found"]


def test_binary_file_is_skipped_with_a_warning(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 10)
    digest = parse_file(path)
    assert digest.entries == []
    assert str(digest.warnings[0]).startswith(f"{path}:1: binary file")


def test_non_utf8_is_replaced_and_warned_at_its_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(digest_text(("Caf\xe9 Models", ABSTRACT)).encode("latin-1"))
    digest = parse_file(path)
    assert digest.entries[0].title == "Caf\ufffd Models"
    assert str(digest.warnings[0]) == f"{path}:13: not valid UTF-8; bad bytes shown as \ufffd"


def test_title_only_digest_keeps_titles_and_warns_each():
    text = HEADER + "Aug 7\n\nOnly A Title\n\nAnother Title\n\nThird Title\n"
    digest = parse_text(text, "titles.txt")
    assert [entry.title for entry in digest.entries] == ["Only A Title", "Another Title", "Third Title"]
    assert all(entry.abstract == "" for entry in digest.entries)
    assert [str(w) for w in digest.warnings] == [
        "titles.txt:13: title without an abstract",
        "titles.txt:15: title without an abstract",
        "titles.txt:17: title without an abstract",
    ]


def test_missing_header_still_parses():
    digest = parse_text(f"Aug 7\n\nA Title\n\n{ABSTRACT}\n", "bare.txt")
    assert [entry.title for entry in digest.entries] == ["A Title"]
    assert digest.label == "Aug 7"


def test_abstract_without_title_is_skipped_with_warning():
    digest = parse_text(HEADER + "Aug 7\n\n" + ABSTRACT + "\n\nReal Title\n\n" + ABSTRACT + "\n", "odd.txt")
    assert [entry.title for entry in digest.entries] == ["Real Title"]
    assert "odd.txt:13: paragraph without a title line; skipped" in [str(w) for w in digest.warnings]


def test_title_and_abstract_without_blank_line_between():
    digest = parse_text(HEADER + "A Title\n" + ABSTRACT + "\n", "tight.txt")
    assert [(entry.title, entry.abstract) for entry in digest.entries] == [("A Title", ABSTRACT)]


def test_control_characters_and_escapes_are_removed():
    hostile = ("\x1b[31mRed\x1b[0m Title\x07", "Clears \x1b[2J the \x1b]52;c;aGk=\x07screen.")
    digest = parse_text(digest_text(hostile), "x.txt")
    entry = digest.entries[0]
    assert entry.title == "Red Title"
    assert entry.abstract == "Clears the screen."


def test_markup_in_text_is_kept_as_typed():
    digest = parse_text(digest_text(("[bold red]x[/] Title", "See [Erdos, 1945] for this.")), "x.txt")
    assert digest.entries[0].title == "[bold red]x[/] Title"
    assert "[Erdos, 1945]" in digest.entries[0].abstract


def test_huge_line_is_cut_with_a_warning():
    digest = parse_text(digest_text(("Long One", "word " * 40_000 + ".")), "long.txt")
    assert len(digest.entries[0].abstract) <= 100_000
    assert any("line longer than" in str(w) and str(w).startswith("long.txt:15:") for w in digest.warnings)


def test_unreadable_file_is_a_warning(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "locked.txt"
    path.write_text(digest_text(("T", ABSTRACT)))
    path.chmod(0)
    digest = parse_file(path)
    assert digest.entries == [] and "cannot read" in str(digest.warnings[0])


def test_missing_file_is_a_warning(tmp_path):
    digest = parse_file(Path(tmp_path / "gone.txt"))
    assert digest.entries == [] and "cannot read" in str(digest.warnings[0])
