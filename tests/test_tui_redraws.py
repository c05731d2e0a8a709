"""A key redraws what it changed and nothing else: a star or a read mark redraws its row and
the counts that changed, a moving cursor redraws two rows and the detail follows it once it
rests. Counted (rows drawn, papers loaded), never timed."""

from __future__ import annotations

import gc
from collections import Counter

import pytest
from reader.tui import idle_gc
from reader.tui.screens import main
from reader.tui.widgets.filter_list import FilterList
from reader.tui.widgets.paper_list import STAR_MARK, UNREAD_MARK, PaperList

from support.app import SIZE, detail_text, make_app, ready, settle, wait_until


class DrawnRows:
    """Counts the rows a list draws (by row index) from when it is installed."""

    def __init__(self, monkeypatch, list_class: type) -> None:
        self.rows: Counter[int] = Counter()
        render_row = list_class.render_row

        def counted(widget, index, width, cursor):
            self.rows[index] += 1
            return render_row(widget, index, width, cursor)

        monkeypatch.setattr(list_class, "render_row", counted)

    def clear(self) -> None:
        self.rows.clear()


def filter_row(screen, label: str) -> tuple[int, str]:
    filters = screen.filter_pane.query_one(FilterList)
    for index in range(filters.row_count):
        row = filters.row_at(index)
        if row.kind == "view" and row.label == label:
            return index, row.count
    raise AssertionError(f"no view row {label!r}")


def row_text(screen, index: int) -> str:
    papers = screen.paper_list
    return papers.render_line(index * papers.row_height - round(papers.scroll_offset.y)).text


async def test_a_star_redraws_its_row_and_the_starred_count_only(home, fixture_digests, monkeypatch):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        starred_row, before = filter_row(screen, "Starred")
        papers, filters = DrawnRows(monkeypatch, PaperList), DrawnRows(monkeypatch, FilterList)
        await pilot.press("s")
        await settle(pilot)
        paper = screen.paper_list.highlighted
        assert paper in screen.model.marks.starred
        assert set(papers.rows) == {2}, "only the starred paper's row is drawn again"
        assert set(filters.rows) == {starred_row}, "only the Starred count is drawn again"
        assert filter_row(screen, "Starred")[1] == str(int(before) + 1)
        assert STAR_MARK in row_text(screen, 2) and "starred" in detail_text(screen)
        papers.clear()
        await pilot.press("u")  # the undo redraws the same row, back as it was
        await settle(pilot)
        assert paper not in screen.model.marks.starred and set(papers.rows) == {2}
        assert STAR_MARK not in row_text(screen, 2) and "starred" not in detail_text(screen)
        assert filter_row(screen, "Starred")[1] == before


async def test_read_and_next_redraws_the_row_left_once_its_mark_is_saved(home, fixture_digests, monkeypatch):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        _, unread_before = filter_row(screen, "Unread")
        assert UNREAD_MARK in row_text(screen, 0)
        papers = DrawnRows(monkeypatch, PaperList)
        await pilot.press("x")
        await settle(pilot)
        assert screen.paper_list.cursor == 1
        assert set(papers.rows) == {0, 1}, "the row left (now read) and the cursor's row"
        assert UNREAD_MARK not in row_text(screen, 0) and UNREAD_MARK in row_text(screen, 1)
        assert filter_row(screen, "Unread")[1] == str(int(unread_before) - 1)


async def test_moving_quickly_loads_the_detail_of_the_paper_the_cursor_rests_on(home, fixture_digests, monkeypatch):
    monkeypatch.setattr(main, "DETAIL_DELAY", 3.0)  # longer than ten key presses take, however loaded
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        loaded: list[str] = []
        library = screen.library
        paper = library.paper

        def counted(paper_id):
            loaded.append(paper_id)
            return paper(paper_id)

        monkeypatch.setattr(library, "paper", counted)
        papers = DrawnRows(monkeypatch, PaperList)
        first = screen.paper.id
        await pilot.press(*"j" * 10)
        resting = screen.paper_list.highlighted
        assert screen.paper_list.cursor == 10 and screen.paper.id == first  # not yet: still moving
        await wait_until(pilot, lambda: screen.paper is not None and screen.paper.id == resting)
        await settle(pilot)
        assert set(loaded) == {resting}, f"only the resting paper is loaded (and its similar papers): {loaded}"
        # Only the rows the cursor passed are drawn again (two moves in one frame draw the row
        # between them no more), never the rest of the list; the first and last always.
        drawn = set(papers.rows)
        assert {0, 10} <= drawn <= set(range(11)), f"only the rows passed are drawn: {papers.rows}"
        assert screen.paper.title in detail_text(screen)
        assert screen.detail.border_title == "11 of 16"


@pytest.mark.parametrize("key", ["r", "s"])
async def test_marks_on_rows_scrolled_away_show_when_they_come_back(home, fixture_digests, key):
    async with make_app(fixture_digests).run_test(size=(120, 12)) as pilot:
        screen = await ready(pilot)
        first = screen.paper_list.highlighted
        await pilot.press("j", "k", "G", "g")  # row 0 drawn with and without the cursor, then away
        await settle(pilot)
        await pilot.press(key, "G")  # marked, then the cursor goes to the end: row 0 out of sight
        await settle(pilot)
        assert 0 not in screen.paper_list.rows_on_screen()
        await pilot.press("g", "j")
        await settle(pilot)
        marks = screen.model.marks
        assert (first in marks.read) if key == "r" else (first in marks.starred)
        text = row_text(screen, 0)
        assert (UNREAD_MARK not in text) if key == "r" else (STAR_MARK in text)


# -- full garbage collections wait for a pause in the keys -------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_full_collection_waits_until_the_keys_pause(monkeypatch):
    clock = Clock()
    collected: list[int] = []
    threshold = gc.get_threshold()[2]
    monkeypatch.setattr(idle_gc.gc, "get_count", lambda: (0, 0, threshold + 1))  # Python would collect now
    monkeypatch.setattr(idle_gc.gc, "collect", lambda *generation: collected.append(1) or 0)
    before = gc.get_threshold()
    collector = idle_gc.IdleCollector(clock)
    collector.start()
    try:
        assert gc.get_threshold()[2] == idle_gc.NEVER  # Python no longer starts one mid-key
        clock.now += idle_gc.SPACING_SECONDS
        collector.input()
        clock.now += idle_gc.IDLE_SECONDS / 2
        assert not collector.tick() and not collected  # a key came just now
        clock.now += idle_gc.IDLE_SECONDS
        assert collector.tick() and collected == [1]  # the user paused
        clock.now += idle_gc.IDLE_SECONDS
        assert not collector.tick()  # not again straight away
    finally:
        collector.stop()
    assert gc.get_threshold() == before


def test_an_overdue_collection_runs_between_keys(monkeypatch):
    clock = Clock()
    collected: list[int] = []
    threshold = gc.get_threshold()[2]
    piled = [threshold * idle_gc.OVERDUE - 1]
    monkeypatch.setattr(idle_gc.gc, "get_count", lambda: (0, 0, piled[0]))
    monkeypatch.setattr(idle_gc.gc, "collect", lambda *generation: collected.append(1) or 0)
    collector = idle_gc.IdleCollector(clock)
    collector.start()
    try:
        clock.now += idle_gc.SPACING_SECONDS
        collector.input()  # keys keep coming
        assert not collector.tick() and not collected
        piled[0] += 1  # garbage must not pile up without bound while the user types
        collector.input()
        assert collector.tick() and collected == [1]
    finally:
        collector.stop()


async def test_keys_tell_the_collector_the_user_is_busy(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert gc.get_threshold()[2] == idle_gc.NEVER
        before = screen._collector._last_input
        await pilot.press("j")
        assert screen._collector._last_input > before
    assert gc.get_threshold()[2] != idle_gc.NEVER  # given back when the reader closes
