"""The statistics screen: its look at 120x36 and 80x24 on fixed data, and a rising term chosen
there searched in the main screen.

Update its pictures after a deliberate change of look with
`pytest --snapshot-update tests/test_statistics_screen.py`.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from reader import paths
from reader.domain.models import SavedView
from reader.library.library import Library
from reader.library.reading_stats import ReadingStats
from reader.state.store import open_state
from reader.tui.reading import statistics
from reader.tui.screens.main import MainScreen
from reader.tui.screens.statistics import StatisticsScreen, counts_content
from textual.widgets import Input, OptionList

from support.app import (
    make_app,
    ready,
    run_from_palette,
    screen_text,
    settle,
    shown_titles,
    shows,
    squeezed,
    text_in,
    wait_until,
)
from support.cli import write_digest

TODAY = date(2025, 7, 2)
HOSTILE_NAME = "[b]loud[/b] [@click=app.quit]x[/]"
BEFORE = ["Graph Networks for Molecules", "Graph Transformers at Scale", "Sparse Attention Kernels",
          "Graph Pooling Revisited", "Reward Models for Agents", "Tabular Learning Baselines"]
WEEK = ["Speculative Decoding with Drafts", "Speculative Sampling Trees", "Draft Models for Speculative Decoding",
        "Diffusion Policies for Robots", "Diffusion Policies in the Wild", "Robots Learn Diffusion Policies",
        "Graph Networks Again"]


def statistics_digests(folder: Path) -> Path:
    """Five digests: four weeks of graph papers, then a week of speculative decoding and
    diffusion policies (dates in the file names, so nothing depends on today)."""
    folder.mkdir()
    for day in ("2025-05-27", "2025-06-03", "2025-06-10", "2025-06-17"):
        write_digest(folder / f"{day}.txt", day, [f"{title} ({day})" for title in BEFORE])
    write_digest(folder / "2025-06-30.txt", "2025-06-30", WEEK)
    return folder


def with_marks(folder: Path, home: Path) -> None:
    """Papers read on three days before TODAY, two starred, a tag, saved views (one named hostilely)."""
    library = Library([folder], paths.index_dir(paths.user_dirs(), [folder]))
    library.sync()
    view = library.view()
    ids = sorted(view.papers, key=lambda pid: view.papers[pid].title)
    library.close()
    now = [datetime(2025, 6, 28, 9, tzinfo=UTC)]
    state, _ = open_state(home / "data", "default")
    state.clock = lambda: now[0]
    for day, count in ((28, 3), (30, 5), (1, 2)):
        now[0] = datetime(2025, 6 if day > 1 else 7, day, 9, tzinfo=UTC)
        state.set_read(ids[:count] if day != 1 else ids[-count:], True)
    state.set_starred(ids[5:7], True)
    state.change_tags_of(ids[:4], add=["graphs"])
    state.save_view(SavedView("Speculative", "speculative"))
    state.save_view(SavedView(HOSTILE_NAME, "graph"))
    state.close()


@pytest.fixture
def app(home, tmp_path, monkeypatch):
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)  # no blinking cursor in pictures
    monkeypatch.setattr(statistics, "today", lambda: TODAY)
    folder = statistics_digests(tmp_path / "digests")
    with_marks(folder, home)
    return make_app(folder)


async def counted(pilot) -> StatisticsScreen:
    await ready(pilot)
    await pilot.press("percent_sign")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, StatisticsScreen) and pilot.app.screen.stats)
    screen = pilot.app.screen
    assert isinstance(screen, StatisticsScreen)
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)
    return screen


def test_statistics_screen_wide(app, snap_compare):
    assert snap_compare(app, terminal_size=(120, 36), run_before=counted)


def test_statistics_screen_at_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=counted)


async def test_choosing_a_rising_term_searches_it(app):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await counted(pilot)
        words = [term.word for term in screen.stats.rising_terms]
        assert "speculative" in words and "graph" not in words
        views = squeezed(text_in(pilot.app, screen.query_one("#view-counts")))
        assert squeezed(HOSTILE_NAME) in views  # the saved view's name as typed, not markup
        at = words.index("speculative")
        await pilot.press(*["down"] * at, "enter")
        main = pilot.app.screen
        assert isinstance(main, MainScreen)
        await wait_until(pilot, lambda: main.search_text == "speculative")
        await settle(pilot)
        assert main.filter_pane.query_one("#search", Input).value == "speculative"
        assert set(shown_titles(main)) == {"Speculative Decoding with Drafts", "Speculative Sampling Trees",
                          "Draft Models for Speculative Decoding"}


async def test_at_80x24_tab_reaches_the_terms_below_the_plots_and_escape_closes(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await counted(pilot)
        assert "Counting" not in screen_text(pilot.app)
        terms = screen.query_one("#rising-list", OptionList)
        assert "speculative" not in screen_text(pilot.app)  # below the plots, the screen scrolls
        await pilot.press("tab")
        await wait_until(pilot, lambda: terms.has_focus and "speculative" in screen_text(pilot.app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert pilot.app.screen.search_text == ""


async def test_the_palette_offers_the_statistics(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await run_from_palette(pilot, "statistics")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, StatisticsScreen))
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert not any(isinstance(screen, StatisticsScreen) for screen in pilot.app.screen_stack)



async def test_counting_shows_until_the_numbers_come_and_a_failure_is_said(app):
    release = asyncio.Event()

    async def slow() -> ReadingStats:
        await release.wait()
        return ReadingStats([], [], [], None)

    async def failing() -> ReadingStats:
        raise RuntimeError("the library is still loading")

    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        pilot.app.push_screen(StatisticsScreen(slow))
        await shows(pilot, "Counting…")
        release.set()
        await shows(pilot, "No rising words")
        await shows(pilot, "No tags yet")
        await pilot.press("escape")
        pilot.app.push_screen(StatisticsScreen(failing))
        await shows(pilot, "Could not count the statistics")
        await wait_until(pilot, lambda: any("still loading" in entry.line for entry in pilot.app.message_log))
        failure = next(entry for entry in pilot.app.message_log if "still loading" in entry.line)
        assert failure.severity == "error"


def test_tag_and_view_names_are_drawn_as_typed_never_as_markup():
    content = counts_content("Tags", {"[b]x[/b]": 2, "[@click=app.quit]q": 1}, "none")
    assert content.plain.splitlines() == ["Tags", "2  [b]x[/b]", "1  [@click=app.quit]q"]
    assert counts_content("Tags", {}, "No tags yet").plain == "Tags\nNo tags yet"
