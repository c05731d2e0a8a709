"""The reader's behaviour beyond single keys: indexing progress, config problems, digests,
stale searches, the Unread view, other running copies, and query notices."""

from __future__ import annotations

import threading

from reader import paths
from reader.state.store import StateStore, state_path
from reader.tui.app import ReaderApp
from reader.tui.widgets.filter_list import FilterList
from reader.tui.widgets.paper_list import UNREAD_MARK
from reader.tui.widgets.progress_line import ProgressLine
from textual.widgets import Input, Label

from support.app import SIZE, make_app, ready, saved_marks, search, settle, shown_titles, wait_until


async def test_first_start_shows_indexing_progress_then_the_papers(home, fixture_digests):
    app = make_app(fixture_digests)
    release = threading.Event()
    real_sync = app.library.sync

    def slow_sync(progress=None, **kwargs):
        progress("indexing papers", 5, 16)
        release.wait(10)
        return real_sync(progress, **kwargs)

    app.library.sync = slow_sync
    async with app.run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        line = screen.query_one(ProgressLine)
        await wait_until(pilot, lambda: line.has_class("-running"))
        assert str(line.query_one(Label).render()) == "Indexing papers 5/16"
        first_row = screen.paper_list.render_line(1).text
        assert "Indexing papers: 5 of 16" in first_row  # the list says what is happening
        release.set()
        await ready(pilot)
        assert screen.paper_list.row_count == 16 and not line.has_class("-running")


async def test_a_bad_config_file_is_reported_with_file_and_line_and_the_app_still_works(home, fixture_digests):
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('theme = "nord"\nread_on_open = = 2\n', encoding="utf-8")
    app = ReaderApp(sources=[fixture_digests], dirs=paths.user_dirs())  # reads the file itself
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        messages = [str(n.message) for n in pilot.app._notifications]
        assert any(str(config) in m and "line 2" in m for m in messages)
        assert screen.paper_list.row_count == 16


async def test_unknown_command_names_in_keys_are_reported(home, fixture_digests):
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[keys]\nstar_it = "z"\n', encoding="utf-8")
    async with ReaderApp(sources=[fixture_digests], dirs=paths.user_dirs()).run_test(
        size=SIZE, notifications=True
    ) as pilot:
        await ready(pilot)
        assert any("star_it" in str(n.message) for n in pilot.app._notifications)


async def test_choosing_a_digest_narrows_the_list_and_escape_widens_it_again(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        filters = screen.filter_pane.query_one(FilterList)
        row = next(i for i in range(filters.row_count) if filters.row_at(i).label == "Mar 14")
        await pilot.click(filters, offset=(3, row))
        await settle(pilot)
        assert screen.paper_list.row_count == 6
        assert screen.paper_list.border_title == "All · Mar 14 · 6"
        mar_14 = filters.row_at(row).digest_id
        assert all(mar_14 in screen.library_view.papers[pid].digest_ids for pid in screen.paper_list.rows.ids)
        await pilot.press("escape")  # from the filter list back to the papers
        assert pilot.app.focused is screen.paper_list and screen.paper_list.row_count == 6
        await pilot.press("escape")  # on the list, with no search: the digest filter goes
        await settle(pilot)
        assert screen.paper_list.row_count == 16


async def test_enter_on_the_filter_list_applies_the_row_under_the_cursor(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        filters = screen.filter_pane.query_one(FilterList)
        filters.focus()
        await pilot.press("j", "enter")  # All -> Unread
        await settle(pilot)
        assert screen.current_view.value == "unread"
        # Starred, New, For you, over the heading to All digests, Mar 17
        await pilot.press("j", "j", "j", "j", "j", "enter")
        await settle(pilot)
        assert filters.row_at(filters.cursor).label == "Mar 17"
        assert screen.paper_list.row_count == 6


async def test_a_stale_search_result_is_never_shown(home, fixture_digests):
    app = make_app(fixture_digests)
    real_search = app.library.search
    melange_running = threading.Event()

    def search_slowly_for_melange(parsed, *args, **kwargs):
        if "melange" in parsed.text:
            melange_running.set()
            threading.Event().wait(0.8)  # a search that is still running when the user types on
        return real_search(parsed, *args, **kwargs)

    app.library.search = search_slowly_for_melange
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        shown: list[str] = []
        original = screen.show_results

        def recording(listing, view):
            shown.append(listing.parsed.text)
            original(listing, view)

        screen.show_results = recording
        await pilot.press("slash", *"melange")
        await wait_until(pilot, melange_running.is_set)
        screen.filter_pane.query_one("#search", Input).value = "galore"
        await wait_until(pilot, lambda: shown[-1:] == ["galore"])
        await pilot.pause(1.0)  # the melange thread has long finished by now
        await settle(pilot)
        assert shown[-1] == "galore" and "melange" not in shown  # (prefixes typed slowly may show)
        assert shown_titles(screen)[0].startswith("GaLore:")


async def test_in_the_unread_view_a_paper_marked_read_stays_until_the_list_is_refiltered(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("2")
        await settle(pilot)
        papers = screen.paper_list
        first = papers.highlighted
        await pilot.press("x")
        await settle(pilot)
        assert papers.row_count == 16 and papers.rows.ids[0] == first  # still there, no jump
        assert papers.cursor == 1
        assert UNREAD_MARK not in papers.render_line(0).text[:3]  # drawn as read
        assert screen.filters.counts.unread == 15  # counts change at once
        await pilot.press("1", "2")  # refilter
        await settle(pilot)
        assert first not in papers.rows.ids and papers.row_count == 15


async def test_marks_made_by_another_running_copy_show_up(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.rows.ids[2]
        with StateStore(state_path(home / "data", "default")) as other:
            other.set_starred([paper], True)
        await wait_until(pilot, lambda: paper in screen.marks.starred, timeout=6)
        assert screen.filters.counts.starred == 1


async def test_a_query_with_a_problem_says_so_and_still_searches(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await search(pilot, "is:bogus melange")
        status = str(screen.query_one("#status").render()).splitlines()  # the status line
        assert status[0] == "search: is:bogus melange" and status[1].startswith("⚠ unknown filter is:bogus")
        assert shown_titles(screen)[0].startswith("Mélange:")
        await pilot.press("enter")
        await settle(pilot)
        assert any("is:bogus" in str(n.message) for n in pilot.app._notifications)


async def test_star_is_saved_the_moment_it_is_made(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await pilot.press("s")
        assert paper in screen.marks.starred  # shown before the write lands
        await settle(pilot)
        assert saved_marks(home)[1] == frozenset({paper})


async def test_80x24_stays_usable(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert screen.paper_list.region.width >= 70  # stacked: the list gets the full width
        assert screen.detail.region.height >= 8
        await pilot.press("j", "s")
        await settle(pilot)
        assert screen.paper.id == screen.paper_list.highlighted
        assert "★" in screen.paper_list.render_line(1).text
        await pilot.press("f")
        await pilot.pause()
        assert screen._filters_visible()
