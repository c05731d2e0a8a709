"""Hostile digests in the app: a rejected digest says why, a forging file name stays one line,
and titles full of invisible characters leave the pane borders where they belong (tmux)."""

from __future__ import annotations

import shutil

import pytest
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.filter_list import FilterList
from rich.cells import cell_len

from support.app import make_app, wait_until
from support.tmux import start

ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."
SIZE = (120, 36)


async def test_a_rejected_digest_says_why_instead_of_no_digests_yet(home, tmp_path):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    async with make_app(binary).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        await wait_until(pilot, lambda: "binary" in screen.paper_list.rows.empty_text)
        expected = f"No papers: {binary}:1: binary file (NUL bytes); skipped."
        assert screen.paper_list.rows.empty_text == expected
        assert screen.detail_placeholder == expected
        assert screen.paper_list.render_line(1).text.startswith("  No papers: ")


async def test_a_file_name_with_a_newline_is_one_escaped_label(home, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a\n\x1b\u202eb.txt").write_text(f"Named Paper\n\n{ABSTRACT}\n", encoding="utf-8")
    async with make_app(folder).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        filters = screen.query_one(FilterList)

        def shown() -> str:
            return "\n".join(filters.render_line(y).text for y in range(filters.size.height))

        await wait_until(pilot, lambda: "   a\\n\\x1b\\u202eb  " in shown())
        assert "\x1b" not in shown() and "\u202e" not in shown()  # nothing raw reaches the terminal


def border_columns(line: str) -> list[int]:
    """The terminal columns of the pane borders on a captured line (wide characters take two)."""
    return [cell_len(line[:index]) for index, char in enumerate(line) if char == "│"]


INVISIBLE_TITLES = [
    "Hangul\u3164Filler Paper",
    "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 Paper",
    "Zero\u200bWidth\u200dJoin\u2060Paper\ufeff",
    "Thumbs \U0001f44d\U0001f3fd Paper",
    "Heart \u2764\ufe0f Paper",
    "Tag \U000e0041\U000e0042 Paper",
    "Marks \u200e\u200f\u061c Paper",
    "Plain Paper Title",
]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_titles_with_invisible_characters_keep_the_pane_borders_aligned(tmp_path):
    digest = tmp_path / "2026-01-05.txt"
    digest.write_text(
        "Jan 5\n\n" + "".join(f"{title}\n\n{ABSTRACT}\n\n" for title in INVISIBLE_TITLES), encoding="utf-8"
    )
    terminal = start(tmp_path / "home", "reader-invisible", "--digests", str(digest))
    try:
        terminal.wait_for("Plain Paper Title")
        terminal.wait_for("We propose")  # the detail pane fills a moment later: the first abstract
        rows = [line for line in terminal.screen().splitlines() if "│" in line]
        assert len(rows) > len(INVISIBLE_TITLES)
        # Side by side (wide) or stacked (narrow), every row has its pane borders in the
        # columns of the plain title's row, and fills the terminal's width exactly.
        plain = next(line for line in rows if "Plain Paper Title" in line)
        for line in rows:
            assert border_columns(line) == border_columns(plain), "\n".join(rows)
            assert cell_len(line) == cell_len(plain), line
        terminal.keys("q")
    finally:
        terminal.close()


async def test_a_long_rejection_wraps_within_the_list_pane(home, tmp_path):
    folder = tmp_path / "a_folder_with_a_long_name_for_digests"
    folder.mkdir()
    binary = folder / "some_binary_file_with_a_long_name.txt"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    async with make_app(binary).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await wait_until(pilot, lambda: "binary" in screen.paper_list.rows.empty_text)
        await pilot.pause()
        papers = screen.paper_list
        room = papers.scrollable_content_region.width
        lines = [papers.render_line(y).text.rstrip() for y in range(papers.size.height)]
        assert all(len(line) <= room for line in lines)
        shown = "".join("".join(lines).split())  # a long path is folded mid-name
        assert shown == "".join(f"No papers: {binary}:1: binary file (NUL bytes); skipped.".split())
