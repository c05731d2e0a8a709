"""A mark is drawn only once it is on disk: while another copy holds the state file's write
lock, the screen says it is waiting and shows no mark the file does not have."""

from __future__ import annotations

import sqlite3

from reader.state.store import state_path

from support.app import SIZE, detail_text, make_app, ready, settle, wait_until

STAR = "★"


def hold_write_lock(home) -> sqlite3.Connection:
    """Another process's view of the file: a connection holding BEGIN IMMEDIATE."""
    other = sqlite3.connect(state_path(home / "data", "default"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def starred_on_disk(home) -> frozenset[str]:
    """What the file holds, read as another process would (no write lock needed)."""
    uri = f"file:{state_path(home / 'data', 'default')}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        return frozenset(row[0] for row in conn.execute("SELECT paper_id FROM marks WHERE starred = 1"))


def messages(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def screen_claims_star(screen, paper: str) -> bool:
    row = list(screen.paper_list.rows.ids).index(paper)
    return (
        paper in screen.marks.starred
        or STAR in screen.paper_list.render_line(row - screen.paper_list.scroll_offset.y).text[:4]
        or screen.filters.counts.starred > 0
    )


async def test_a_star_waiting_for_the_lock_is_not_shown_until_it_is_on_disk(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        other = hold_write_lock(home)
        try:
            await pilot.press("s")
            for moment in (0.05, 0.3, 1.0, 2.5):  # seconds since the key, roughly
                await pilot.pause(moment)
                assert starred_on_disk(home) == frozenset()  # not on disk yet…
                assert not screen_claims_star(screen, paper)  # …so not on screen either
            assert "Waiting for another reader to release the state file" in messages(pilot.app)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await wait_until(pilot, lambda: paper in screen.marks.starred, timeout=5)
        assert starred_on_disk(home) == frozenset({paper})
        await settle(pilot)
        assert STAR in screen.paper_list.render_line(0).text[:4]
        assert screen.filters.counts.starred == 1
        assert "the other reader released the state file" in messages(pilot.app)


async def test_a_star_that_could_not_be_saved_is_reported_and_not_shown_and_can_be_retried(
    home, fixture_digests
):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        pilot.app.state.busy_timeout = 0.5  # give up soon (10 s by default)
        paper = screen.paper_list.highlighted
        other = hold_write_lock(home)
        try:
            await pilot.press("s")
            await wait_until(pilot, lambda: "Not saved" in messages(pilot.app), timeout=5)
            assert "kept the state file" in messages(pilot.app)
            assert not screen_claims_star(screen, paper)
            assert starred_on_disk(home) == frozenset()
        finally:
            other.execute("ROLLBACK")
            other.close()
        await pilot.press("s")  # the retry the message offers
        await wait_until(pilot, lambda: paper in screen.marks.starred, timeout=5)
        assert starred_on_disk(home) == frozenset({paper})


async def test_two_presses_while_waiting_toggle_twice(home, fixture_digests):
    """What the user meant counts: s, s while the file is locked ends unstarred, as typed."""
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        other = hold_write_lock(home)
        try:
            await pilot.press("s")
            await pilot.pause(0.1)
            await pilot.press("s")
            await pilot.pause(0.1)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(pilot)
        assert starred_on_disk(home) == frozenset()
        assert screen.marks.starred == frozenset()


async def test_an_uncontended_star_shows_at_once(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await pilot.press("s")
        await settle(pilot)  # the write done and one refresh: no retry, no timer in between
        assert paper in screen.marks.starred
        assert starred_on_disk(home) == frozenset({paper})


async def test_a_note_waiting_for_the_lock_is_shown_only_once_saved(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        other = hold_write_lock(home)
        try:
            await pilot.press("N", *"kept for later", "ctrl+s")
            await pilot.pause(0.5)
            assert "kept for later" not in detail_text(screen)
            assert "Note saved" not in messages(pilot.app)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await wait_until(pilot, lambda: "kept for later" in detail_text(screen), timeout=5)
        # the notice is posted with the note drawn and lands a message-loop turn later
        await wait_until(pilot, lambda: "Note saved" in messages(pilot.app), timeout=5)
