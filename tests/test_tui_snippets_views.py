"""Snippets in the list, live facet counts and saved views in the running app (Pilot)."""

from __future__ import annotations

from reader.domain.models import SavedView
from reader.state.store import StateStore, state_path
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.view_name import ViewNameScreen
from reader.tui.widgets.filter_list import FilterList
from textual.widgets import Input

from support.app import SIZE, make_app, ready, run_from_palette, search, settle, wait_until


def list_lines(screen: MainScreen) -> list[str]:
    papers = screen.paper_list
    return [papers.render_line(y).text for y in range(papers.scrollable_content_region.height)]


def filter_rows(screen: MainScreen) -> list[tuple[str, str, str]]:
    filters = screen.query_one(FilterList)
    return [(row.kind, row.label, row.count) for row in (filters.row_at(i) for i in range(filters.row_count))]


def saved_views(home) -> list[SavedView]:
    with StateStore(state_path(home / "data", "default")) as state:
        return state.saved_views()


def save_views(home, *views: SavedView) -> None:
    with StateStore(state_path(home / "data", "default")) as state:
        for view in views:
            state.save_view(view)


# -- snippets ---------------------------------------------------------------------------------


async def test_with_a_query_each_row_has_a_second_line_with_the_matching_fragment(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.paper_list.row_height == 1
        await search(pilot, "quantization")
        await pilot.press("escape")
        await settle(pilot)
        lines = list_lines(screen)
        assert screen.paper_list.row_height == 2 and screen.paper_list.row_count == 2
        titles = sorted([lines[0], lines[2]])
        assert "Augmenting Hessians" in titles[0] and "Scaling Laws" in titles[1]
        assert "quantization" in lines[1].lower() and lines[1].startswith("     ")
        assert lines[1].rstrip().endswith("…")  # one line, cut to the width
        assert "quantization" in lines[3].lower()
        await pilot.press("escape")  # clear the search: one line a row again
        await settle(pilot)
        assert screen.paper_list.row_height == 1 and screen.search_text == ""


async def test_two_line_rows_move_page_click_and_scroll_per_paper(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(120, 14)) as pilot:
        screen = await ready(pilot)
        await search(pilot, "model")
        await pilot.press("escape")
        await settle(pilot)
        papers = screen.paper_list
        count = papers.row_count
        assert papers.row_height == 2 and count > 6
        await pilot.press("j")
        assert papers.cursor == 1 and screen.selected == papers.rows.ids[1]
        await pilot.press("G")
        await settle(pilot)
        assert papers.cursor == count - 1
        bottom = round(papers.scroll_offset.y) + papers.scrollable_content_region.height
        assert bottom >= count * 2  # both lines of the last paper are in view
        await pilot.press("g", "pagedown")
        visible_rows = papers.scrollable_content_region.height // 2
        assert papers.cursor == visible_rows - 1
        await pilot.press("g")
        await settle(pilot)
        # the second line of the third paper belongs to the third paper
        await pilot.click(papers, offset=(10, 5 + papers.region.y - papers.region.y))
        await settle(pilot)
        assert papers.cursor == 2 and screen.selected == papers.rows.ids[2]


async def test_snippets_of_rows_scrolled_into_view_are_loaded(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(120, 14)) as pilot:
        screen = await ready(pilot)
        await search(pilot, "model")
        await pilot.press("escape", "G")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        lines = list_lines(screen)
        last_snippet = lines[-1] if lines[-1].strip() else lines[-2]
        assert "model" in last_snippet.lower()


# -- facet counts -----------------------------------------------------------------------------


async def test_views_and_digests_show_the_query_hits_while_it_is_active(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        before = filter_rows(screen)
        assert ("view", "All", "16") in before
        await search(pilot, "quantization")
        rows = filter_rows(screen)
        assert ("view", "All", "2 of 16") in rows
        assert ("view", "Unread", "2 of 16") in rows and ("view", "Starred", "0 of 0") in rows
        assert ("digest", "Mar 14", "2 of 6") in rows and ("digest", "Mar 17", "0 of 6") in rows
        await pilot.press("escape", "s")  # star one
        await settle(pilot)
        await pilot.press("slash", "end", "space")  # the next result counts it
        await wait_until(pilot, lambda: screen.search_text == "quantization ")
        await pilot.pause(0.3)
        await settle(pilot)
        assert ("view", "Starred", "1 of 1") in filter_rows(screen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert ("view", "All", "16") in filter_rows(screen)


# -- saved views ------------------------------------------------------------------------------


async def test_ctrl_s_saves_the_search_under_a_typed_name(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "quantization")
        await pilot.press("escape", "2", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ViewNameScreen))
        name_box = pilot.app.screen.query_one(Input)
        assert name_box.value == "quantization"  # the query is offered as the name
        name_box.value = ""
        await pilot.press(*"Quant", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot)
        await pilot.pause(0.1)
        await settle(pilot)
        assert saved_views(home) == [SavedView("Quant", "quantization", "unread")]
        rows = filter_rows(screen)
        assert ("heading", "Saved", "") in rows and ("saved", "Quant", "2") in rows


async def test_ctrl_s_without_a_search_explains_and_saves_nothing(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert isinstance(pilot.app.screen, MainScreen)
        assert any("a saved view keeps a search" in str(n.message) for n in pilot.app._notifications)
        assert saved_views(home) == []


async def test_a_bad_name_is_explained_in_the_dialog_and_escape_cancels(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await search(pilot, "model")
        await pilot.press("escape", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ViewNameScreen))
        pilot.app.screen.query_one(Input).value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ViewNameScreen)
        assert "needs a name" in str(pilot.app.screen.query_one("#view-name-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen) and saved_views(home) == []


async def test_choosing_a_saved_view_applies_its_search_and_view(home, fixture_digests):
    save_views(home, SavedView("Quant starred", "quantization", "starred"), SavedView("Quant", "quantization"))
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_until(pilot, lambda: ("saved", "Quant", "2") in filter_rows(screen))
        assert ("saved", "Quant starred", "0") in filter_rows(screen)
        filters = screen.query_one(FilterList)
        filters.focus()
        filters.set_cursor(next(i for i, row in enumerate(filter_rows(screen)) if row[:2] == ("saved", "Quant")))
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.search_text == "quantization")
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.current_view.value == "all" and screen.paper_list.row_count == 2
        assert screen.focused is screen.paper_list
        assert screen.query_one("#search", Input).value == "quantization"
        await pilot.press("s")  # marks change: the saved views are recounted
        await wait_until(pilot, lambda: ("saved", "Quant starred", "1") in filter_rows(screen))


async def test_the_palette_renames_and_deletes_saved_views(home, fixture_digests):
    save_views(home, SavedView("Quant", "quantization"))
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_until(pilot, lambda: bool(screen.saved_views))
        await run_from_palette(pilot, "rename quant")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ViewNameScreen))
        pilot.app.screen.query_one(Input).value = "Low precision"
        await pilot.press("enter")
        await wait_until(pilot, lambda: [v.name for v in screen.saved_views] == ["Low precision"])
        assert saved_views(home) == [SavedView("Low precision", "quantization")]
        await run_from_palette(pilot, "delete low")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.saved_views == ())
        await settle(pilot)
        assert saved_views(home) == []
        assert not any(kind == "saved" for kind, _, _ in filter_rows(screen))


async def test_ctrl_s_works_from_the_search_box(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "melange")
        assert isinstance(screen.focused, Input)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ViewNameScreen))
        await pilot.press("enter")  # the offered name: the query
        await wait_until(pilot, lambda: [v.name for v in screen.saved_views] == ["melange"])
        assert saved_views(home) == [SavedView("melange", "melange", "all")]
        # the filter pane is rebuilt after the next frame, so a key's rows draw first
        await wait_until(pilot, lambda: screen.query_one(FilterList).data.saved_active == "melange")
