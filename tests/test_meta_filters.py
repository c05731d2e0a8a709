"""Metadata filters (author:, upvotes:, comments:, has:, year:): parsed once with the rest of the
query, evaluated over the catalog's metadata, and honoured by every command that searches."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from reader.domain.library_view import DigestInfo, LibraryView, PaperSummary
from reader.domain.models import SavedView
from reader.domain.paper_meta import PaperMeta
from reader.library.library import Library
from reader.library.mute import match_rules, parse_rule
from reader.library.saved_views import run_saved_view
from reader.search.meta_filter import meta_matches
from reader.search.meta_query import MetaFilter
from reader.search.query import parse_query

from support.cli import as_json, run, write_digest

DAY = "daily-papers-2026-11-20.json"


def entry(title: str, authors: list[str], upvotes: int | None, comments: int = 0, **paper: object) -> dict:
    """A Daily Papers entry (most fields in the nested `paper`, as Hugging Face serves it)."""
    return {
        "paper": {
            "id": "2611.0" + str(abs(hash(title)) % 10000).zfill(4), "title": title,
            "summary": "We study a thing carefully. It works on a benchmark.",
            "authors": [{"name": name} for name in authors], "upvotes": upvotes,
            "publishedAt": "2026-11-18T10:00:00.000Z", **paper,
        },
        "title": title, "numComments": comments,
    }


ENTRIES = [
    entry("Sparse Capsules Revisited", ["Geoffrey E. Hinton", "Sara Sabour"], 50, 9,
          githubRepo="https://github.com/a/capsules"),
    entry("Forward Forward at Scale", ["Geoffrey Hinton"], 25, 2, projectPage="https://example.org/ff"),
    entry("Tiny Transformers", ["Ada Lovelace"], 3, 0, publishedAt="2024-02-01T00:00:00Z"),
    entry("Quiet Paper", ["Łukasz Kaiser"], None, 1),
]


def parsed(text: str):
    return parse_query(text + " ")


def filters(text: str) -> tuple[MetaFilter, ...]:
    return parsed(text).meta


# -- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("upvotes:>20", 21, None), ("upvotes:>=20", 20, None), ("upvotes:<5", None, 4), ("upvotes:<=5", None, 5),
        ("upvotes:=7", 7, 7), ("upvotes:7", 7, 7), ("upvotes:10..50", 10, 50), ("comments:>3", 4, None),
        ("year:2026", 2026, 2026), ("year:2024..2026", 2024, 2026), ("upvotes:10..", 10, None),
    ],
)
def test_counts_and_years_take_comparisons_and_ranges(text: str, low: int | None, high: int | None):
    [found] = filters(text)
    assert (found.low, found.high, found.negated) == (low, high, False)
    assert parsed(text).query is None and not parsed(text).notices


def test_author_words_are_folded_and_several_filters_all_hold():
    plan = parsed('author:"Geoffrey HINTON" author:kaiser upvotes:>1 has:code llm')
    assert [item.kind for item in plan.meta] == ["author", "author", "upvotes", "code"]
    assert plan.meta[0].words == ("geoffrey", "hinton")
    assert plan.query is not None and "llm" in str(plan.query)  # the words are still searched
    assert "author" not in str(plan.query) and "upvotes" not in str(plan.query)


def test_not_and_minus_negate_a_filter():
    assert [(item.kind, item.negated) for item in filters("-has:code NOT has:project")] == [
        ("code", True), ("project", True)
    ]


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        ("upvotes:>x", "upvotes:>x is not a number or range"),
        ("year:20x6", "year:20x6 is not a number or range"),
        ("comments:9..2", "comments:9..2 is not a number or range"),
        ("has:foo", "unknown filter has:foo (use has:code, has:project)"),
        ("author:[/]", "author:[/] has no name to look for"),
    ],
)
def test_a_bad_value_is_one_notice_and_no_filter(text: str, notice: str):
    plan = parsed(text)
    assert plan.meta == ()
    assert len(plan.notices) == 1 and plan.notices[0].startswith(notice)


def test_the_unknown_field_notice_lists_the_new_filters():
    [notice] = parsed("foo:bar").notices
    assert "author:, upvotes:, comments:, has:, year:" in notice


# -- evaluation ----------------------------------------------------------------------------------


def small_view() -> tuple[LibraryView, dict[str, PaperMeta]]:
    old = DigestInfo(1, "old.txt", "Jan 2", date(2025, 1, 2), 2, ())
    new = DigestInfo(2, "new.json", "Nov 20", date(2026, 11, 20), 3, ())
    papers = {
        "a": PaperSummary("a", "A", date(2026, 11, 20), (2,)),
        "b": PaperSummary("b", "B", date(2026, 11, 20), (2, 1)),  # first listed in 2025
        "c": PaperSummary("c", "C", date(2026, 11, 20), (2,)),
        "p": PaperSummary("p", "Page copy only", date(2025, 1, 2), (1,)),
    }
    metadata = {
        "a": PaperMeta(authors=("Geoffrey E. Hinton",), upvotes=30, github="https://github.com/x/y",
                       published=date(2026, 11, 18)),
        "b": PaperMeta(authors=("José Hernández", "Ada Lovelace"), upvotes=4, comments=2),
        "c": PaperMeta(authors=("Hinton Smith",), upvotes=None, project="https://example.org"),
    }
    view = LibraryView([new, old], papers, ["a", "b", "c", "p"], {2: frozenset("abc"), 1: frozenset("bp")})
    return view, metadata


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("author:hinton", {"a", "c"}),
        ('author:"geoffrey hinton"', {"a"}),  # both words in one author's name
        ("author:hernandez author:lovelace", {"b"}),  # accents folded; each filter may name another author
        ("author:hint", {"a", "c"}),  # a word's start, as typed
        ("upvotes:>20", {"a"}),
        ("upvotes:<5", {"b"}),  # an unknown count never matches
        ("upvotes:0..100", {"a", "b"}),
        ("comments:2", {"b"}),
        ("has:code", {"a"}),
        ("has:project", {"c"}),
        ("-has:code", {"b", "c", "p"}),  # the opposite: every paper has:code does not match
        ("year:2026", {"a", "c"}),  # published, else the date of the first digest listing it
        ("year:2025", {"b", "p"}),
        ("year:2024..2025 -author:hernandez", {"p"}),
    ],
)
def test_filters_match_the_papers_a_user_expects(text: str, expected: set[str]):
    view, metadata = small_view()
    assert meta_matches(filters(text), metadata, view) == expected


def test_without_metadata_only_year_can_match():
    view, _ = small_view()
    assert meta_matches(filters("upvotes:>0"), {}, view) == set()
    assert meta_matches(filters("year:2025"), {}, view) == {"b", "p"}


# -- through the library and the command line ----------------------------------------------------


def fetched_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / DAY).write_text(json.dumps(ENTRIES), encoding="utf-8")
    write_digest(folder / "2026-11-19.txt", "Nov 19", ["A Page Copy Paper About Llamas"])
    return folder


def titles(result) -> list[str]:
    return [paper["title"] for paper in as_json(result)]


def search(home: Path, folder: Path, *args: str, check: bool = True):
    return run(home, "--digests", str(folder), "search", "--json", *args, check=check)


def test_cli_search_finds_papers_by_author_counts_links_and_year(home: Path, tmp_path: Path):
    folder = fetched_folder(tmp_path)
    assert sorted(titles(search(home, folder, "author:hinton"))) == ["Forward Forward at Scale",
                                                                     "Sparse Capsules Revisited"]
    assert titles(search(home, folder, 'author:"sara sabour"')) == ["Sparse Capsules Revisited"]
    assert sorted(titles(search(home, folder, "upvotes:>20"))) == ["Forward Forward at Scale",
                                                                   "Sparse Capsules Revisited"]
    assert titles(search(home, folder, "has:code")) == ["Sparse Capsules Revisited"]
    assert titles(search(home, folder, "has:project")) == ["Forward Forward at Scale"]
    assert titles(search(home, folder, "year:2024")) == ["Tiny Transformers"]
    assert titles(search(home, folder, "upvotes:>20 capsules")) == ["Sparse Capsules Revisited"]
    assert "A Page Copy Paper About Llamas" in titles(search(home, folder, "--", "-has:code"))


def test_cli_sort_orders_by_upvotes_comments_and_title(home: Path, tmp_path: Path):
    folder = fetched_folder(tmp_path)
    by_upvotes = titles(search(home, folder, "--sort", "upvotes", ""))
    # most upvoted first; papers without upvotes (the page copy, the quiet paper) after, in date order
    assert by_upvotes == ["Sparse Capsules Revisited", "Forward Forward at Scale", "Tiny Transformers",
                          "Quiet Paper", "A Page Copy Paper About Llamas"]
    assert titles(search(home, folder, "--sort", "comments", ""))[:2] == ["Sparse Capsules Revisited",
                                                                          "Forward Forward at Scale"]
    by_title = titles(search(home, folder, "--sort", "title", ""))
    assert by_title == sorted(by_title, key=str.casefold)
    assert titles(search(home, folder, "--sort", "upvotes", "--limit", "1", "")) == ["Sparse Capsules Revisited"]


def test_a_bad_value_is_one_line_on_stderr_and_no_traceback(home: Path, tmp_path: Path):
    folder = fetched_folder(tmp_path)
    result = search(home, folder, "upvotes:>x", check=False)
    assert result.stderr.count("reader: ") == 1 and "upvotes:>x is not a number or range" in result.stderr


def test_without_fetched_papers_a_notice_says_so(home: Path, tmp_path: Path):
    folder = tmp_path / "digests"
    folder.mkdir()
    write_digest(folder / "2026-11-19.txt", "Nov 19", ["A Page Copy Paper About Llamas"])
    result = search(home, folder, "upvotes:>20", check=False)
    assert result.returncode == 1
    assert "no fetched papers: upvotes: matches only papers from `reader fetch`" in result.stderr
    assert titles(search(home, folder, "year:2026")) == ["A Page Copy Paper About Llamas"]
    by_upvotes = search(home, folder, "--sort", "upvotes", "")
    assert titles(by_upvotes) == ["A Page Copy Paper About Llamas"]
    assert "no fetched papers: by upvotes is the date order" in by_upvotes.stderr


def test_export_and_mark_take_metadata_filters(home: Path, tmp_path: Path):
    folder = fetched_folder(tmp_path)
    run(home, "--digests", str(folder), "mark", "read", "--query", "upvotes:>20")
    assert sorted(titles(search(home, folder, "is:read"))) == ["Forward Forward at Scale",
                                                               "Sparse Capsules Revisited"]
    exported = run(home, "--digests", str(folder), "export", "--format", "json", "--query", "has:code").stdout
    assert [paper["title"] for paper in json.loads(exported)] == ["Sparse Capsules Revisited"]


def test_a_saved_view_and_a_mute_rule_use_upvotes(home: Path, tmp_path: Path):
    folder = fetched_folder(tmp_path)
    library = Library([folder], home / "library")
    library.sync()
    assert parse_rule("upvotes:<5").meta  # a rule with no words, only a metadata filter, is a rule
    muting = match_rules(library, ["upvotes:<5"])
    assert {library.view().papers[pid].title for pid in muting.ids} == {"Tiny Transformers"}
    result = run_saved_view(library, SavedView("low", "upvotes:<5", "all"), frozenset(), frozenset())
    assert [library.view().papers[pid].title for pid in result.ids] == ["Tiny Transformers"]
    library.close()


def test_metadata_is_read_once_and_again_only_after_a_sync(tmp_path: Path, monkeypatch):
    folder = fetched_folder(tmp_path)
    library = Library([folder], tmp_path / "library")
    library.sync()
    reads: list[int] = []
    real = library.catalog.metadata
    monkeypatch.setattr(library.catalog, "metadata", lambda: reads.append(1) or real())
    library.search(library.plan("llamas"))
    assert reads == []  # nothing asks for it: never read
    library.search(library.plan("upvotes:>1"))
    library.search(library.plan("has:code"), sort="upvotes")
    assert reads == [1]
    library.sync()
    library.search(library.plan("has:code"))
    assert reads == [1, 1]
    library.close()
