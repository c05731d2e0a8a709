"""How many keys a triage takes, on a 100-paper digest, with the real keys in the reader, checked in
the marks saved on disk (issue 13: "A 100-paper digest can be triaged (each paper read or starred)
with at most 110 keys, and with selection a 'star these 5, read the rest' pass takes at most 15
keys"). Only key presses are counted: waiting for the reader to draw them is not the user's work."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.synthetic import write_corpus
from reader.tui.screens.bulk import BulkKeyScreen
from reader.tui.screens.main import MainScreen

from support.app import SIZE, make_app, ready, saved_marks, settle, wait_until

PAPERS = 100


@pytest.fixture
def digest(tmp_path) -> Path:
    """One digest of 100 papers, the only one the reader is given."""
    folder = tmp_path / "digest"
    assert len(write_corpus(folder, PAPERS)) == 1
    return folder


class Keys:
    """Presses keys as the user does, one at a time, and counts them."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.pressed = 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.pressed += 1
            await self.pilot.press(key)

    async def bulk(self, key: str) -> None:
        """`;` then `key`: the second waits for the prefix to be taken, as a person sees it."""
        await self.press("semicolon")
        await wait_until(self.pilot, lambda: isinstance(self.pilot.app.screen, BulkKeyScreen))
        await self.press(key)
        await wait_until(self.pilot, lambda: isinstance(self.pilot.app.screen, MainScreen))


async def the_digest(pilot) -> tuple[MainScreen, list[str]]:
    screen = await ready(pilot)
    ids = list(screen.paper_list.rows.ids)
    assert len(ids) == PAPERS and screen.paper_list.cursor == 0
    return screen, ids


def assert_triaged(home: Path, ids: list[str], starred: set[str]) -> None:
    """On disk: the starred papers starred and unread, every other paper read and not starred."""
    read, saved_starred = saved_marks(home)
    assert saved_starred == starred
    assert read == set(ids) - starred
    assert read | saved_starred == set(ids)  # every paper triaged


async def test_a_hundred_paper_digest_is_triaged_one_key_a_paper_and_two_for_a_star(home, digest):
    to_star = {3, 17, 42, 58, 90}  # anywhere in the digest
    async with make_app(digest).run_test(size=SIZE) as pilot:
        screen, ids = await the_digest(pilot)
        keys = Keys(pilot)
        for row in range(PAPERS):
            assert screen.paper_list.cursor == row
            if row in to_star:
                await keys.press("s", "j")  # starred, left unread for later
            else:
                await keys.press("x")  # read, and on to the next
        await settle(pilot)
        assert_triaged(home, ids, {ids[row] for row in to_star})
        assert keys.pressed == 105 <= 110


async def test_star_these_five_read_the_rest_in_thirteen_keys_with_the_selection(home, digest):
    async with make_app(digest).run_test(size=SIZE) as pilot:
        screen, ids = await the_digest(pilot)
        keys = Keys(pilot)
        await keys.press("v", "v", "v", "v", "v")  # the first five selected; the cursor on the sixth
        await keys.bulk("s")  # starred
        await keys.press("escape")  # the selection cleared
        await keys.press("v", "G", "V")  # from the sixth to the last selected
        await keys.bulk("r")  # read
        await settle(pilot)
        assert len(screen.model.selection) == PAPERS - 5
        assert_triaged(home, ids, set(ids[:5]))
        assert keys.pressed == 13 <= 15


async def test_star_five_anywhere_on_screen_read_the_rest_in_five_keys_and_ten_clicks(home, digest):
    """Five papers apart from each other cost their cursor moves by key; with the mouse they do not."""
    async with make_app(digest).run_test(size=SIZE) as pilot:
        screen, ids = await the_digest(pilot)
        papers = screen.paper_list
        top = papers.content_region.y - papers.region.y
        visible = papers.scrollable_content_region.height // papers.row_height
        rows = [1, 6, 12, 19, visible - 2]
        assert len(set(rows)) == 5 and all(0 < row < visible for row in rows)
        keys, clicks = Keys(pilot), 0

        async def ctrl_click_each() -> int:
            for row in rows:
                await pilot.click("#papers", offset=(5, top + row * papers.row_height), control=True)
            return len(rows)

        clicks += await ctrl_click_each()  # the five selected
        await keys.bulk("s")  # starred
        await keys.press("asterisk")  # every paper selected ...
        clicks += await ctrl_click_each()  # ... but the five
        await keys.bulk("r")  # read
        await settle(pilot)
        assert_triaged(home, ids, {ids[row] for row in rows})
        assert (keys.pressed, clicks) == (5, 10)
