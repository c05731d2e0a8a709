"""The selection with the mouse: a click moves the cursor, ctrl+click (or alt+click) selects or
unselects the paper clicked, shift+click selects from the anchor to it, as v and V do. A selecting
click leaves the cursor where it is, so the paper is neither opened nor read on open."""

from __future__ import annotations

from reader.tui.screens.main import MainScreen

from support.app import SIZE, make_app, ready, saved_marks, settle, wait_until


def chosen(screen: MainScreen) -> set[str]:
    return set(screen.model.selection.ids)


def row(screen: MainScreen, index: int) -> tuple[int, int]:
    """Where row `index` of the paper list is, from the list's corner (inside its border)."""
    papers = screen.paper_list
    return (5, papers.content_region.y - papers.region.y + index * papers.row_height - round(papers.scroll_offset.y))


async def test_a_plain_click_still_moves_the_cursor_and_selects_nothing(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.click("#papers", offset=row(screen, 3))
        await settle(pilot)
        assert screen.paper_list.cursor == 3 and chosen(screen) == set()


async def test_ctrl_click_selects_and_unselects_the_paper_clicked_and_the_cursor_stays(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.click("#papers", offset=row(screen, 2), control=True)
        await pilot.click("#papers", offset=row(screen, 4), control=True)
        await settle(pilot)
        assert chosen(screen) == {ids[2], ids[4]} and screen.paper_list.cursor == 0
        assert str(screen.paper_list.border_title).endswith("· 2 selected")
        await pilot.click("#papers", offset=row(screen, 2), control=True)
        await settle(pilot)
        assert chosen(screen) == {ids[4]}


async def test_alt_click_selects_like_ctrl_click(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.click("#papers", offset=row(screen, 1), meta=True)
        await settle(pilot)
        assert chosen(screen) == {ids[1]} and screen.paper_list.cursor == 0


async def test_shift_click_selects_from_the_anchor_to_the_paper_clicked_and_bulk_keys_act_on_it(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.click("#papers", offset=row(screen, 5), control=True)  # the anchor
        await pilot.click("#papers", offset=row(screen, 2), shift=True)  # upwards, like V
        await settle(pilot)
        assert chosen(screen) == set(ids[2:6]) and screen.paper_list.cursor == 0
        await pilot.press("semicolon", "s")
        await settle(pilot)
        assert saved_marks(home) == (frozenset(), set(ids[2:6]))


async def test_shift_click_with_no_anchor_selects_the_paper_clicked(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        ids = list(screen.paper_list.rows.ids)
        await pilot.click("#papers", offset=row(screen, 3), shift=True)
        await pilot.click("#papers", offset=row(screen, 6), shift=True)
        await settle(pilot)
        assert chosen(screen) == set(ids[3:7])


async def test_a_selecting_click_opens_nothing_so_reads_nothing(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=0.1).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        first = screen.paper_list.highlighted
        await pilot.click("#papers", offset=row(screen, 3), control=True)
        await pilot.click("#papers", offset=row(screen, 5), shift=True)
        await pilot.pause(0.6)  # six times the delay: long enough to read it, were it opened
        await settle(pilot)
        assert len(chosen(screen)) == 3 and screen.model.selected == first
        assert saved_marks(home) == (frozenset(), frozenset())


async def test_a_modified_click_on_the_filter_pane_is_a_plain_click(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        filter_list = screen.filter_pane.query_one("FilterList")
        unread_row = next(i for i in range(filter_list.row_count) if filter_list.row_at(i).label == "Unread")
        await pilot.click(filter_list, offset=(3, unread_row - filter_list.scroll_offset.y), control=True)
        await wait_until(pilot, lambda: screen.current_view.value == "unread")
        assert chosen(screen) == set()
