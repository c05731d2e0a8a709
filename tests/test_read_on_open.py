"""Read-on-open marks only the papers the user moved to and looked at (core.triage.ReadClock).

Each test runs the real app with a short read_on_open delay (DELAY) and waits well beyond it,
then checks the marks shown and the marks saved.
"""

from __future__ import annotations

from reader.tui.screens.help import HelpScreen

from support.app import SIZE, make_app, ready, saved_marks, search, settle, wait_until

DELAY = 0.3
BEYOND = 1.0  # seconds: more than three times the delay
SLOW_DELAY = 1.0
BEYOND_SLOW_DELAY = 2.5


async def wait_beyond_the_delay(pilot) -> None:
    await pilot.pause(BEYOND)
    await settle(pilot)


def nothing_read(home, screen) -> bool:
    return not screen.marks.read and not saved_marks(home)[0]


# -- the app ------------------------------------------------------------------------------


async def test_the_first_row_at_launch_is_not_read(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=DELAY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.paper_list.highlighted is not None
        await wait_beyond_the_delay(pilot)
        assert nothing_read(home, screen)


async def test_j_onto_a_paper_reads_it_after_the_delay(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=DELAY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        first = screen.paper_list.highlighted
        await pilot.press("j")
        second = screen.paper_list.highlighted
        await wait_beyond_the_delay(pilot)
        assert saved_marks(home)[0] == frozenset({second}) and first not in screen.marks.read


async def test_enter_or_a_click_opens_the_paper_under_the_cursor(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=DELAY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        first = screen.paper_list.highlighted
        await pilot.press("enter")  # "read the paper": the detail takes the focus
        await wait_beyond_the_delay(pilot)
        assert saved_marks(home)[0] == frozenset({first})
        await pilot.press("escape")
        await pilot.click("#papers", offset=(5, 3))
        clicked = screen.paper_list.highlighted
        await wait_beyond_the_delay(pilot)
        assert saved_marks(home)[0] == frozenset({first, clicked})


async def test_typing_a_search_reads_none_of_its_hits(home, seed_digests):
    async with make_app(seed_digests, read_on_open=DELAY).run_test(size=SIZE) as pilot:
        screen = await search(pilot, "speculative")
        await wait_beyond_the_delay(pilot)
        await pilot.press("ctrl+u")  # clear the box
        await wait_beyond_the_delay(pilot)
        await pilot.press(*"diffusion")
        await wait_until(pilot, lambda: screen.search_text == "diffusion")
        await wait_beyond_the_delay(pilot)
        assert screen.paper_list.highlighted is not None
        assert nothing_read(home, screen)
        await pilot.press("escape")  # back in the list, on the top hit nobody moved to
        await wait_beyond_the_delay(pilot)
        assert nothing_read(home, screen)


async def test_a_paper_reached_from_similar_papers_is_not_read(home, seed_digests):
    async with make_app(seed_digests, read_on_open=SLOW_DELAY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_until(pilot, lambda: len(screen.similar) == 5)
        target = screen.similar[1].id
        await pilot.press("enter", "enter", "j", "enter")  # the detail, its similar papers, the second one
        await wait_until(pilot, lambda: screen.selected == target)
        assert pilot.app.focused is screen.paper_list
        await pilot.pause(BEYOND_SLOW_DELAY)
        await settle(pilot)
        assert target not in screen.marks.read and target not in saved_marks(home)[0]


async def test_a_dialog_or_the_search_box_stops_the_clock_and_coming_back_restarts_it(home, fixture_digests):
    # A longer delay: the move and the key that leaves must both land within it, even on a busy machine.
    async with make_app(fixture_digests, read_on_open=SLOW_DELAY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        await pilot.pause(BEYOND_SLOW_DELAY)
        await settle(pilot)
        assert nothing_read(home, screen)
        await pilot.press("escape")  # back on the same paper: it counts from now
        await pilot.pause(BEYOND_SLOW_DELAY)
        await settle(pilot)
        second = screen.paper_list.highlighted
        assert saved_marks(home)[0] == frozenset({second})
        await pilot.press("j", "slash")
        await pilot.pause(BEYOND_SLOW_DELAY)
        await settle(pilot)
        third = screen.paper_list.highlighted
        assert third not in screen.marks.read and third not in saved_marks(home)[0]


async def test_set_unread_by_hand_stays_unread_until_moved_onto_again(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=DELAY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j")
        paper = screen.paper_list.highlighted
        await wait_beyond_the_delay(pilot)
        assert paper in saved_marks(home)[0]
        await pilot.press("r")
        await wait_beyond_the_delay(pilot)
        assert paper not in saved_marks(home)[0]
        await pilot.press("question_mark")  # a dialog and back is no new move
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_beyond_the_delay(pilot)
        assert paper not in saved_marks(home)[0]
        await pilot.press("k", "j")  # opened again, deliberately
        await wait_beyond_the_delay(pilot)
        assert paper in saved_marks(home)[0]


async def test_an_undone_read_stays_unread_after_a_restart(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=DELAY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j")
        paper = screen.paper_list.highlighted
        await wait_until(pilot, lambda: paper in screen.marks.read)
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert paper not in saved_marks(home)[0]
        await wait_beyond_the_delay(pilot)
        assert paper not in saved_marks(home)[0]
        await pilot.press("q")
        await pilot.pause()
    async with make_app(fixture_digests, read_on_open=DELAY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.paper_list.highlighted == paper  # the session comes back on it
        await wait_beyond_the_delay(pilot)
        assert nothing_read(home, screen)
