"""Fetched digests (`.json`): the Daily Papers entries, their metadata, and bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from reader.domain.paper_meta import PaperMeta
from reader.ingest.catalog import Catalog
from reader.ingest.digest import parse_bytes, parse_file
from reader.paths import seeds_dir

from support.cli import as_json, run

NAME = "daily-papers-2026-11-20.json"


def entry(title: str, **paper: object) -> dict:
    """An entry shaped as Hugging Face serves it: most fields in the nested `paper`."""
    return {
        "paper": {
            "id": "2611.01234", "title": title, "summary": "We study a thing.\nIt works.",
            "authors": [{"name": "Geoffrey Hinton", "hidden": False}, {"name": "Ada Lovelace"}],
            "publishedAt": "2026-11-18T10:00:00.000Z", "upvotes": 42, "githubRepo": "https://github.com/a/b",
            "githubStars": 120, "ai_keywords": ["decoding", "speed"], **paper,
        },
        "title": title, "numComments": 3, "submittedOnDailyAt": "2026-11-20T08:00:00.000Z",
    }


def parse(entries: object, name: str = NAME):
    return parse_bytes(json.dumps(entries, indent=1).encode(), f"/d/{name}")


def test_every_field_is_read_from_the_nested_paper_or_the_entry():
    digest = parse([entry("Speculative Decoding for Everyone")])
    assert digest.warnings == []
    assert (digest.label, digest.date) == ("Nov 20", date(2026, 11, 20))
    [paper] = digest.entries
    assert paper.title == "Speculative Decoding for Everyone"
    assert paper.abstract == "We study a thing. It works."
    assert paper.meta == PaperMeta(
        arxiv_id="2611.01234", authors=("Geoffrey Hinton", "Ada Lovelace"), upvotes=42, comments=3,
        github="https://github.com/a/b", github_stars=120, project=None, published=date(2026, 11, 18),
        keywords=("decoding", "speed"),
    )


def test_fields_at_the_top_level_only_are_read_too():
    flat = {
        "id": "2611.00007", "title": "Flat Entry", "summary": "All at the top.", "authors": ["A. Author"],
        "upvotes": 7, "numComments": 1, "projectPage": "https://example.org/p", "githubRepo": "https://github.com/x/y",
    }
    [paper] = parse([flat]).entries
    assert paper.meta is not None
    assert (paper.meta.arxiv_id, paper.meta.authors, paper.meta.upvotes) == ("2611.00007", ("A. Author",), 7)
    assert (paper.meta.project, paper.meta.github) == ("https://example.org/p", "https://github.com/x/y")


def test_hostile_text_is_cleaned_and_only_web_links_are_kept():
    hostile = entry(
        "[/] [bold]x \x1b[31mred\x1b[0m", githubRepo="javascript:alert(1)", projectPage="file:///etc/passwd",
        authors=[{"name": "Eve\x1b]8;;http://evil\x07 Mallory"}, {"name": 7}], upvotes=-3, githubStars=True,
        id="../../etc",
    )
    [paper] = parse([hostile]).entries
    assert paper.title == "[/] [bold]x red"
    assert paper.meta is not None
    assert paper.meta.github is None and paper.meta.project is None
    assert paper.meta.authors == ("Eve Mallory",)
    assert paper.meta.upvotes is None and paper.meta.github_stars is None and paper.meta.arxiv_id is None


def test_bad_entries_are_skipped_with_their_line():
    digest = parse([entry("Good One"), {"paper": {"id": "1"}, "title": ""}, "text", entry("$$ %%")])
    assert [e.title for e in digest.entries] == ["Good One"]
    messages = [(w.line, w.message) for w in digest.warnings]
    text = json.dumps([entry("Good One"), {"paper": {"id": "1"}, "title": ""}, "text", entry("$$ %%")], indent=1)
    lines = text.split("\n")
    second = next(n for n, line in enumerate(lines, start=1) if line == " {" and n > 2)
    assert messages[0] == (second, "entry 2 has no title; skipped")
    assert messages[1][1] == "entry 3 is not an object; skipped"
    assert messages[2][1] == "entry 4: title has no letters or digits; skipped"
    assert all(str(w).startswith(f"/d/{NAME}:") for w in digest.warnings)


def test_a_body_that_is_not_a_list_of_papers_says_what_it_is():
    assert [w.message for w in parse({"error": "Invalid date \x1b[2J"}).warnings] == [
        "not a list of papers: the server said 'Invalid date'"
    ]
    broken = parse_bytes(b'[\n {"title": "A"},\n {"title": \n', f"/d/{NAME}")
    assert [e.title for e in broken.entries] == ["A"]
    assert [(w.line, w.message.split(":")[0]) for w in broken.warnings] == [(4, "not valid JSON")]
    assert [w.message for w in parse_bytes(b"", f"/d/{NAME}").warnings] == ["empty file; no papers found"]
    assert [w.message for w in parse([]).warnings] == ["no papers found"]
    page_copy = (seeds_dir() / "000_12ba933539ef1767.txt").read_bytes()
    assert parse_bytes(page_copy, f"/d/{NAME}").warnings[0].message.startswith("not valid JSON")
    assert parse_bytes(b"\x00\x01\x02", f"/d/{NAME}").warnings[0].message.startswith("binary file")


def test_without_a_date_in_its_name_the_digest_takes_the_day_its_papers_were_listed():
    digest = parse([entry("One"), entry("Two")], name="fetched.json")
    assert (digest.label, digest.date) == ("Nov 20", date(2026, 11, 20))


def test_the_catalog_keeps_the_newest_digest_metadata_and_merges_with_a_page_copy(tmp_path: Path):
    seed = parse_file(seeds_dir() / "001_38ff0a3785d8e616.txt")
    title = seed.entries[0].title
    older = parse([entry(title, upvotes=10)], name="daily-papers-2026-11-19.json")
    newer = parse([entry(title, upvotes=25)])
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    with catalog.transaction():
        [pid] = catalog.put_digest(older, 1, 1, "a") & catalog.put_digest(seed, 1, 1, "b")
        catalog.put_digest(newer, 1, 1, "c")
    paper = catalog.paper(pid)
    assert paper is not None and paper.meta is not None
    assert paper.meta.upvotes == 25 and len(paper.appearances) == 3
    assert catalog.metadata()[pid].upvotes == 25
    newest_id = next(a.digest_id for a in paper.appearances if a.date == date(2026, 11, 20))
    with catalog.transaction():
        catalog.remove_digest(newest_id)
    assert catalog.metadata()[pid].upvotes == 10


def test_a_fetched_paper_also_in_a_page_copy_is_one_paper_with_both_appearances(home: Path, tmp_path: Path):
    folder = tmp_path / "digests"
    folder.mkdir()
    seed = seeds_dir() / "001_38ff0a3785d8e616.txt"
    (folder / seed.name).write_bytes(seed.read_bytes())
    title = parse_file(seed).entries[3].title
    (folder / NAME).write_text(json.dumps([entry(title), entry("A Paper Only Fetched")]), encoding="utf-8")
    [hit] = as_json(run(home, "--digests", str(folder), "search", f'title:"{title}"', "--json"))
    shown = as_json(run(home, "--digests", str(folder), "show", hit["id"], "--json"))
    assert sorted(Path(d["file"]).name for d in shown["digests"]) == sorted([seed.name, NAME])
    assert (shown["arxiv_id"], shown["upvotes"], shown["github"]) == ("2611.01234", 42, "https://github.com/a/b")
    assert shown["authors"] == ["Geoffrey Hinton", "Ada Lovelace"]
    stats = as_json(run(home, "--digests", str(folder), "stats", "--json"))
    assert stats["papers"] == len({e.title for e in parse_file(seed).entries}) + 1


def test_json_that_the_decoder_cannot_take_is_a_warning_and_the_other_digests_still_load(home: Path, tmp_path: Path):
    deep = parse_bytes(b"[" * 100_000, f"/d/{NAME}")
    assert [w.message for w in deep.warnings] == ["not valid JSON: nested too deep to read; the rest was not read"]
    long_number = parse_bytes(b'[{"title": "A Paper", "paper": {"upvotes": ' + b"1" * 5000 + b"}}]", f"/d/{NAME}")
    too_long = "not valid JSON: a number too long to read; the rest was not read"
    assert [w.message for w in long_number.warnings] == [too_long]
    assert parse_bytes(b'{"a": ' + b"[" * 100_000, f"/d/{NAME}").warnings[0].message.startswith("not valid JSON")
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "daily-papers-2026-11-19.json").write_bytes(b"[" * 100_000)
    (folder / NAME).write_text(json.dumps([entry("A Paper That Loads")]), encoding="utf-8")
    result = run(home, "--digests", str(folder), "search", "loads", "--json")
    assert [hit["title"] for hit in as_json(result)] == ["A Paper That Loads"]
    assert "daily-papers-2026-11-19.json:1: not valid JSON: nested too deep to read" in result.stderr
