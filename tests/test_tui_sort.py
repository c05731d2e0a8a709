"""Sorting the list with S, as a user does: the order changes, the title says which, each view
keeps its own, also after a restart; metadata filters in the search box."""

from __future__ import annotations

import json
from pathlib import Path

from reader import paths
from reader.domain.config import Config
from reader.domain.models import SavedView
from reader.ingest.catalog import Catalog
from reader.state.store import StateStore, state_path
from reader.tui.app import ReaderApp
from reader.tui.widgets.status_line import StatusLine

from support.app import SIZE, make_app, ready, search, settle, shown_titles, text_in, wait_until

DAY = "daily-papers-2026-11-20.json"
ABSTRACT = "We study a thing carefully. It works on a benchmark of reasonable size."


def entry(title: str, upvotes: int | None, comments: int) -> dict:
    return {
        "paper": {"id": f"2611.{abs(hash(title)) % 10000:05d}", "title": title, "summary": ABSTRACT,
                  "authors": [{"name": "Geoffrey Hinton"}], "upvotes": upvotes},
        "title": title, "numComments": comments,
    }


# In the digest's (date) order: a few upvotes, many, none, some.
ENTRIES = [entry("Bravo Paper", 5, 7), entry("Alpha Paper", 90, 1), entry("Delta Paper", None, 0),
           entry("Charlie Paper", 40, 3)]
BY_DATE = ["Bravo Paper", "Alpha Paper", "Delta Paper", "Charlie Paper"]
BY_UPVOTES = ["Alpha Paper", "Charlie Paper", "Bravo Paper", "Delta Paper"]
BY_COMMENTS = ["Bravo Paper", "Charlie Paper", "Alpha Paper", "Delta Paper"]
BY_TITLE = ["Alpha Paper", "Bravo Paper", "Charlie Paper", "Delta Paper"]


def fetched(tmp_path: Path) -> Path:
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / DAY).write_text(json.dumps(ENTRIES), encoding="utf-8")
    return folder


def title(screen) -> str:
    return str(screen.paper_list.border_title)


async def sort_once(pilot, screen) -> None:
    await pilot.press("S")
    await settle(pilot)


async def test_s_cycles_the_order_and_the_title_says_which(home, tmp_path):
    async with make_app(fetched(tmp_path)).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert shown_titles(screen) == BY_DATE and title(screen) == "All · 4"
        expected = [(BY_UPVOTES, "by upvotes"), (BY_COMMENTS, "by comments"), (BY_TITLE, "by title"),
                    (BY_DATE, "by date (relevance needs words to search)"), (BY_UPVOTES, "by upvotes")]
        for order, said in expected:
            await sort_once(pilot, screen)
            assert shown_titles(screen) == order
            assert title(screen) == f"All · 4 · {said}"


async def test_with_words_relevance_ranks_and_date_follows(home, tmp_path):
    async with make_app(fetched(tmp_path)).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "paper")
        await pilot.press("escape")  # back to the list; the query stays
        await settle(pilot)
        await sort_once(pilot, screen)  # the default with words is relevance: next is date
        assert title(screen).endswith("· by date") and shown_titles(screen) == BY_DATE
        await sort_once(pilot, screen)
        assert shown_titles(screen) == BY_UPVOTES


async def test_each_view_keeps_its_sort_and_a_restart_keeps_it_too(home, tmp_path):
    folder = fetched(tmp_path)
    async with make_app(folder).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await sort_once(pilot, screen)
        assert shown_titles(screen) == BY_UPVOTES
        await pilot.press("2")  # Unread: never sorted, the default order
        await settle(pilot)
        assert shown_titles(screen) == BY_DATE and "by" not in title(screen)
        await sort_once(pilot, screen)
        await sort_once(pilot, screen)
        assert shown_titles(screen) == BY_COMMENTS
        await pilot.press("1")
        await settle(pilot)
        assert shown_titles(screen) == BY_UPVOTES and title(screen).endswith("· by upvotes")
        await pilot.press("q")
        await pilot.pause()
    async with make_app(folder).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_until(pilot, lambda: shown_titles(screen) == BY_UPVOTES)
        assert title(screen).endswith("· by upvotes")
        await pilot.press("2")
        await settle(pilot)
        assert shown_titles(screen) == BY_COMMENTS and title(screen).endswith("· by comments")


async def test_metadata_filters_in_the_search_box(home, tmp_path):
    async with make_app(fetched(tmp_path)).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "upvotes:>20")
        assert sorted(shown_titles(screen)) == ["Alpha Paper", "Charlie Paper"]



async def test_a_bad_author_value_shows_as_plain_text(home, tmp_path):
    async with make_app(fetched(tmp_path)).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "author:[/] [bold]")
        status = screen.query_one("#status", StatusLine)
        await wait_until(pilot, lambda: "author:[/] has no name" in text_in(pilot.app, status))
        assert "[bold]" in text_in(pilot.app, status)  # typed text, never read as markup


async def test_a_saved_view_keeps_its_own_sort(home, tmp_path):
    with StateStore(state_path(home / "data", "default")) as state:
        state.save_view(SavedView("Popular", "upvotes:>1", "all"))
    async with make_app(fetched(tmp_path)).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "upvotes:>1")
        await pilot.press("escape")
        await settle(pilot)
        assert screen.model.active_saved_view() == "Popular"
        assert shown_titles(screen) == ["Bravo Paper", "Alpha Paper", "Charlie Paper"]
        await sort_once(pilot, screen)
        assert shown_titles(screen) == ["Alpha Paper", "Charlie Paper", "Bravo Paper"]
        await pilot.press("escape")  # the search goes: All, never sorted
        await settle(pilot)
        assert screen.search_text == "" and shown_titles(screen) == BY_DATE and "by" not in title(screen)


async def test_start_up_reads_no_metadata_until_a_sort_needs_it(home, tmp_path, monkeypatch):
    reads: list[int] = []
    real = Catalog.metadata
    monkeypatch.setattr(Catalog, "metadata", lambda catalog: reads.append(1) or real(catalog))
    app = ReaderApp(sources=[fetched(tmp_path)], dirs=paths.user_dirs(), config=Config(list_upvotes=False))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert reads == []
        await sort_once(pilot, screen)
        await sort_once(pilot, screen)
        assert shown_titles(screen) == BY_COMMENTS and reads == [1]  # read once, kept


async def test_upvotes_on_the_rows_and_a_sort_share_one_read_of_the_metadata(home, tmp_path, monkeypatch):
    reads: list[int] = []
    real = Catalog.metadata
    monkeypatch.setattr(Catalog, "metadata", lambda catalog: reads.append(1) or real(catalog))
    async with make_app(fetched(tmp_path)).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_until(pilot, lambda: reads == [1])  # the rows' upvotes, read after the first paint
        await sort_once(pilot, screen)
        await sort_once(pilot, screen)
        assert shown_titles(screen) == BY_COMMENTS and reads == [1]
