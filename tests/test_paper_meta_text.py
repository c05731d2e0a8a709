"""How metadata reads as text, and which links a paper offers (pure: no app, no files)."""

from __future__ import annotations

from datetime import date

import pytest
from reader.domain.links import clipboard_text, listed_links, paper_links
from reader.domain.models import Paper
from reader.domain.paper_meta import PaperMeta
from reader.domain.paper_meta_text import byline, counts_line, meta_lines

META = PaperMeta(
    arxiv_id="2611.01234v2", authors=("Ada Lovelace", "Alan Turing"), upvotes=1234, comments=1,
    github="https://github.com/a/b", github_stars=7, project="https://a.github.io/b",
    published=date(2026, 11, 18), keywords=("decoding", "speed"),
)


def paper(meta: PaperMeta | None, links: tuple[str, ...] = ()) -> Paper:
    return Paper("p1", "A Title", "An abstract.", links, (), meta)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, ""),
        (1, "A1"),
        (6, "A1, A2, A3, A4, A5, A6"),
        (7, "A1, A2, A3, A4, A5, A6 … and 1 more"),
        (40, "A1, A2, A3, A4, A5, A6 … and 34 more"),
    ],
)
def test_the_byline_names_six_authors_then_says_how_many_more(count, expected):
    assert byline([f"A{n}" for n in range(1, count + 1)]) == expected


def test_the_counts_line_says_only_what_is_known():
    assert counts_line(META) == "▲ 1,234 · 1 comment · GitHub ★ 7"
    assert counts_line(PaperMeta(comments=3)) == "3 comments"
    assert counts_line(PaperMeta(upvotes=0, github_stars=12000)) == "▲ 0 · GitHub ★ 12,000"
    assert counts_line(PaperMeta()) == ""


def test_meta_lines_in_order_and_none_for_a_page_copy():
    assert [(line.kind, line.label + line.text) for line in meta_lines(META)] == [
        ("authors", "Ada Lovelace, Alan Turing"),
        ("arxiv", "arXiv 2611.01234v2"),
        ("published", "published 2026-11-18"),
        ("counts", "▲ 1,234 · 1 comment · GitHub ★ 7"),
        ("keywords", "keywords decoding, speed"),
    ]
    assert [line.kind for line in meta_lines(PaperMeta(upvotes=3))] == ["counts"]
    assert meta_lines(None) == []


def test_links_from_the_arxiv_id_then_code_project_and_the_abstract_each_once():
    links = paper_links(paper(META, ("https://github.com/a/b/", "https://example.org/x", "https://arxiv.org/abs/2611.01234v2")))
    assert links == [
        ("arXiv abstract", "https://arxiv.org/abs/2611.01234v2"),
        ("PDF", "https://arxiv.org/pdf/2611.01234v2"),
        ("Hugging Face paper page", "https://huggingface.co/papers/2611.01234"),
        ("GitHub", "https://github.com/a/b"),
        ("Project page", "https://a.github.io/b"),
        ("example.org", "https://example.org/x"),
    ]


def test_a_page_copy_lists_its_abstract_links_bare_and_numbered_as_the_chooser_offers_them():
    page_copy = paper(None, ("https://example.org/x", "ftp://old.example/file", "https://example.org/x/"))
    assert paper_links(page_copy) == [("example.org", "https://example.org/x")]
    assert listed_links(page_copy) == [("", "https://example.org/x")]
    assert paper_links(paper(PaperMeta(upvotes=3))) == []


def test_copy_takes_the_arxiv_abstract_when_known():
    urls = [url for _, url in paper_links(paper(META, ("https://example.org/x",)))]
    assert clipboard_text("A Title", urls) == "A Title\nhttps://arxiv.org/abs/2611.01234v2"
