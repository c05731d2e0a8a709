"""Exports of fetched papers carry their metadata; page copies export as they always did."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

from markdown_it import MarkdownIt
from reader.domain.models import Appearance, Paper
from reader.domain.paper_meta import PaperMeta
from reader.library.export import export_papers

from support.cli import run
from support.fetched import entry, write_fetched

META = PaperMeta(
    arxiv_id="2611.01234", authors=("Geoffrey Hinton", "Ada {Lovelace} & Co", "Smith and Wesson"), upvotes=42,
    comments=3, github="https://github.com/a/b", github_stars=120, project="https://a.github.io/b",
    published=date(2025, 12, 30), keywords=("decoding", "=SUM(A1)"),
)
SEEN = (Appearance(1, "Nov 20", date(2026, 11, 20), "daily-papers-2026-11-20.json", 1),)
FETCHED = Paper("f1", "Speculative Decoding for Everyone", "We study a thing.", (), SEEN, META)
PAGE_COPY = Paper("c1", "Speculative Decoding Again", "Abstract.", ("https://example.org/x",), SEEN)


def entry_of(bib: str, key_start: str) -> str:
    return next(part for part in bib.split("\n\n") if part.startswith(f"@misc{{{key_start}"))


def test_bibtex_has_author_year_eprint_and_the_arxiv_link():
    bib = export_papers([FETCHED, PAGE_COPY], {}, "bibtex")
    fetched = entry_of(bib, "hinton2025speculative")
    braced = r"Ada \textbraceleft{}Lovelace\textbraceright{} \& Co"
    assert f"author = {{Geoffrey Hinton and {braced} and {{Smith and Wesson}}}}" in fetched
    assert "year = {2025}" in fetched  # published, not the day it was listed
    assert "eprint = {2611.01234}" in fetched and "archivePrefix = {arXiv}" in fetched
    assert "url = {https://arxiv.org/abs/2611.01234}" in fetched
    copy = entry_of(bib, "speculative2026")  # the key rule page copies always had
    assert "author" not in copy and "eprint" not in copy and "year" not in copy
    assert "url = {https://example.org/x}" in copy
    assert bib.count("{") == bib.count("}")


def test_without_authors_or_date_the_key_and_year_come_from_the_title_and_digest():
    bare = Paper("f2", "Speculative Decoding", "A.", (), SEEN, PaperMeta(arxiv_id="2611.00002"))
    bib = export_papers([bare], {}, "bibtex")
    assert bib.startswith("@misc{speculative2026,")
    assert "year = {2026}" in bib and "eprint = {2611.00002}" in bib and "author" not in bib


def test_markdown_lists_the_metadata_escaped():
    text = export_papers([FETCHED], {}, "md")
    assert r"  - Authors: Geoffrey Hinton, Ada {Lovelace} \& Co, Smith and Wesson" in text
    assert "  - arXiv: 2611.01234 (<https://arxiv.org/abs/2611.01234>)" in text
    assert "  - Published: 2025-12-30" in text
    assert "  - ▲ 42 · 3 comments · GitHub ★ 120" in text
    assert "  - Code: <https://github.com/a/b>" in text and "  - Project page: <https://a.github.io/b>" in text
    html = MarkdownIt().render(text)
    assert '<a href="https://arxiv.org/abs/2611.01234">' in html


def test_csv_adds_metadata_columns_when_a_fetched_paper_is_exported():
    rows = list(csv.DictReader(io.StringIO(export_papers([FETCHED, PAGE_COPY], {}, "csv"))))
    fetched, copy = rows
    assert (fetched["arxiv_id"], fetched["upvotes"], fetched["github_stars"]) == ("2611.01234", "42", "120")
    assert fetched["authors"] == "Geoffrey Hinton; Ada {Lovelace} & Co; Smith and Wesson"
    assert fetched["keywords"] == "decoding; =SUM(A1)" and fetched["published"] == "2025-12-30"
    assert copy["arxiv_id"] == copy["authors"] == copy["upvotes"] == ""
    only_copies = list(csv.reader(io.StringIO(export_papers([PAGE_COPY], {}, "csv"))))
    assert "arxiv_id" not in only_copies[0]


def test_json_carries_the_metadata_record_null_for_a_page_copy():
    fetched, copy = json.loads(export_papers([FETCHED, PAGE_COPY], {}, "json"))
    assert {key: fetched[key] for key in META.to_record()} == META.to_record()
    assert copy["arxiv_id"] is None and copy["authors"] == [] and copy["upvotes"] is None


def test_reader_export_bibtex_of_a_fetched_digest(home: Path, tmp_path: Path):
    folder = tmp_path / "digests"
    folder.mkdir()
    write_fetched(folder, [entry("Speculative Decoding for Everyone"), entry("Another Fetched One", "2611.05555")])
    bib = run(home, "--digests", str(folder), "export", "--format", "bibtex").stdout
    assert "eprint = {2611.01234}" in bib and "eprint = {2611.05555}" in bib
    assert re.search(r"@misc\{number12026speculative,", bib)
    assert "author = {Author Number1 and Author Number2" in bib
