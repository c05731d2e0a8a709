"""export_papers: every format keeps the important fields and emits no control bytes."""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
from datetime import date

import pytest
from markdown_it import MarkdownIt
from reader.domain.models import Appearance, Mark, Paper
from reader.library.export import FORMATS, export_papers


def _paper(
    pid, title, abstract="An abstract.", links=("https://arxiv.org/abs/1",), dates=(date(2026, 1, 15),)
):
    appearances = tuple(
        Appearance(i, f"digest {d}" if d else "undated", d, f"d{i}.txt", position=i + 1)
        for i, d in enumerate(dates)
    )
    return Paper(pid, title, abstract, tuple(links), appearances)


PAPERS = [
    _paper(
        "p1",
        "MixtureGrowth: Growing Networks {fast} by 100% & $x_i$ ~ #1 ^ \\",
        "Line one with *stars* and _under_.\n\nSecond paragraph: [Erdos, 1945].",
        links=("https://arxiv.org/abs/2401.00001", "https://github.com/x/y"),
        dates=(date(2026, 2, 1), date(2026, 1, 15)),
    ),
    _paper("p2", "MixtureGrowth again", links=(), dates=()),
    _paper("p3", "On the [Erdos, 1945] bound for `code` **bold** <b>x</b>", dates=(None,)),
    _paper("p4", "MixtureGrowth: Growing Networks", dates=(date(2026, 3, 3),)),
]
MARKS = {
    "p1": Mark(read=True, starred=True, read_at="2026-01-01T00:00:00+00:00"),
    "p3": Mark(starred=True),
}


def test_json_round_trip():
    data = json.loads(export_papers(PAPERS, MARKS, "json"))
    assert [d["id"] for d in data] == ["p1", "p2", "p3", "p4"]
    first = data[0]
    assert first["title"] == PAPERS[0].title
    assert first["abstract"] == PAPERS[0].abstract
    assert first["links"] == list(PAPERS[0].links)
    assert first["digests"] == [
        {"label": "digest 2026-02-01", "date": "2026-02-01", "position": 1},
        {"label": "digest 2026-01-15", "date": "2026-01-15", "position": 2},
    ]
    assert (first["read"], first["starred"]) == (True, True)
    assert (data[1]["read"], data[1]["starred"]) == (False, False)
    assert data[2]["digests"][0]["date"] is None


def test_csv_round_trip():
    rows = list(csv.reader(io.StringIO(export_papers(PAPERS, MARKS, "csv"))))
    header = ["id", "title", "first_seen", "digests", "links", "read", "starred", "abstract", "tags", "note"]
    assert rows[0] == header
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["title"] == PAPERS[0].title
    assert first["first_seen"] == "2026-01-15"
    assert first["digests"] == "digest 2026-02-01; digest 2026-01-15"
    assert first["links"] == "https://arxiv.org/abs/2401.00001; https://github.com/x/y"
    assert (first["read"], first["starred"]) == ("true", "true")
    assert first["abstract"] == PAPERS[0].abstract
    assert len(rows) == 5 and dict(zip(rows[0], rows[2], strict=True))["first_seen"] == ""


def test_csv_neutralises_formulas():
    out = export_papers([_paper("p", "=HYPERLINK(\"http://evil\")")], {}, "csv")
    row = list(csv.reader(io.StringIO(out)))[1]
    assert row[1].startswith("'=")


def _rendered_text(markdown: str) -> str:
    html = MarkdownIt("commonmark").render(markdown)
    text = re.sub(r"<[^>]+>", "", html)
    return html_lib.unescape(text)


def test_markdown_shows_titles_as_typed():
    md = export_papers(PAPERS, MARKS, "md")
    assert "- [x] **" in md and "- [ ] **" in md
    assert "★" in md
    assert r"\[Erdos, 1945\]" in md
    html = MarkdownIt("commonmark").render(md)
    # Title markup is not interpreted: no links, code spans or extra emphasis.
    assert "<a " not in html.replace('<a href="https://', "")
    assert "<code>" not in html and "<b>" not in html
    text = _rendered_text(md)
    for paper in PAPERS:
        assert paper.title in text
    assert "Line one with *stars* and _under_." in text
    assert "Second paragraph: [Erdos, 1945]." in text
    assert "https://github.com/x/y" in md and "2026-01-15" in md


def test_markdown_abstract_cannot_break_out_of_item():
    paper = _paper("p", "T", "# not a heading\n- not a list\n1. not ordered\n> no quote")
    html = MarkdownIt("commonmark").render(export_papers([paper], {}, "md"))
    assert html.count("<li>") == 3  # the paper item, its link, its first-seen line
    assert "<h1>" in html and "<h1>not" not in html
    assert "<blockquote>" not in html and "<ol>" not in html


def _bib_entries(bib: str) -> list[tuple[str, str]]:
    """Split on top-level @type{key, ... } by brace counting, as BibTeX does."""
    entries, i = [], 0
    while (start := bib.find("@", i)) != -1:
        open_at = bib.index("{", start)
        depth, j = 0, open_at
        while True:
            depth += {"{": 1, "}": -1}.get(bib[j], 0)
            if depth == 0:
                break
            j += 1
        body = bib[open_at + 1 : j]
        entries.append((body.split(",", 1)[0], body))
        i = j + 1
    return entries


def test_bibtex_keys_and_braces():
    bib = export_papers(PAPERS, MARKS, "bibtex")
    assert bib.count("{") == bib.count("}")
    entries = _bib_entries(bib)
    keys = [k for k, _ in entries]
    assert keys == ["mixturegrowth2026", "mixturegrowth", "erdos", "mixturegrowth2026a"]
    assert len(set(keys)) == len(keys)
    first = entries[0][1]
    assert r"100\% \& \$x\_i\$ \textasciitilde{} \#1 \textasciicircum{} \textbackslash{}" in first
    assert r"\textbraceleft{}fast\textbraceright{}" in first
    assert "url = {https://arxiv.org/abs/2401.00001}" in first
    assert "note = {Seen in: digest 2026-02-01, digest 2026-01-15}" in first
    for _, body in entries:
        # every field value is brace-balanced on its own
        for value in re.findall(r"= \{(.*)\},?$", body, re.MULTILINE):
            depth = 0
            for ch in value:
                depth += {"{": 1, "}": -1}.get(ch, 0)
                assert depth >= 0
            assert depth == 0


def test_bibtex_key_suffixes_unique_for_many_duplicates():
    papers = [_paper(f"p{i}", "Same title", dates=()) for i in range(30)]
    keys = [k for k, _ in _bib_entries(export_papers(papers, {}, "bibtex"))]
    assert len(set(keys)) == 30
    assert keys[:3] == ["same", "samea", "sameb"] and keys[27] == "sameaa"


def test_unknown_format():
    with pytest.raises(ValueError, match="md, json, csv, bibtex"):
        export_papers(PAPERS, MARKS, "docx")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_control_characters(fmt):
    nasty = _paper(
        "p\x1b9",
        "Evil \x1b[2J title\x9b31m \x07bell\x00\r\n",
        "abs\x1b]0;pwned\x07tract\x7f with\ttab\r\nand line",
        links=("https://x.org/\x1b[1m",),
    )
    out = export_papers([nasty], {}, fmt)
    assert "\x1b" not in out and "\x9b" not in out
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out)
    assert "[2J" in out  # the text around the escape survives, only the byte goes


def test_empty_export():
    for fmt in FORMATS:
        assert isinstance(export_papers([], {}, fmt), str)
    assert json.loads(export_papers([], {}, "json")) == []
