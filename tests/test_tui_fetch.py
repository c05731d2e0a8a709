"""`R` in the reader: Daily Papers fetched from a server on 127.0.0.1 show without a restart."""

from __future__ import annotations

import pytest
from reader import paths
from reader.domain.config import Config
from reader.ingest.fetch_days import utc_today
from reader.tui.app import ReaderApp

from support.app import SIZE, ready, settle, shown_titles, wait_until
from support.hf_server import daily_papers_server, make_entries, make_entry, seed_title, status_reply


@pytest.fixture
def server(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with daily_papers_server() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.endpoint)
        yield running


def said(pilot) -> str:
    """Every notice of the session, as the message log (L) keeps them."""
    return "\n".join(entry.text for entry in pilot.app.message_log)


def reader_app() -> ReaderApp:
    """The reader as `reader` opens it: the bundled seeds and the user's digest folder."""
    return ReaderApp(dirs=paths.user_dirs(), config=Config(read_on_open=None))


async def test_r_fetches_today_and_the_new_papers_show_in_new(seeded_home, server):
    today = utc_today().isoformat()
    server.days[today] = [*make_entries(today, 3), make_entry(seed_title(), today, 77, upvotes=50)]
    async with reader_app().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        papers_before = len(screen.model.library_view.papers)
        await pilot.press("R")
        await wait_until(pilot, lambda: "3 new papers" in said(pilot))
        assert f"{today}: 4 papers" in said(pilot)
        assert len(screen.model.library_view.papers) == papers_before + 3  # the seed paper merged into one
        assert (paths.user_dirs().digests / f"daily-papers-{today}.json").is_file()
        await pilot.press("4")
        await settle(pilot)
        assert {f"Fetched Paper {today} Number {n}" for n in (1, 2, 3)} <= set(shown_titles(screen))


async def test_r_again_asks_only_for_the_newest_day_and_says_when_nothing_is_new(seeded_home, server):
    today = utc_today().isoformat()
    server.days[today] = make_entries(today, 2)
    async with reader_app().run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("R")
        await wait_until(pilot, lambda: "2 new papers" in said(pilot))
        await pilot.press("R")  # today is not over: fetched again, with nothing new
        await wait_until(pilot, lambda: len(server.requests) == 2)
        await wait_until(pilot, lambda: "0 new papers" in said(pilot))
        assert [request.params.get("date") for request in server.requests] == [today, today]
        assert len(list(paths.user_dirs().digests.glob("*.json"))) == 1


async def test_a_failed_fetch_is_one_notice_and_the_list_stays(seeded_home, server):
    today = utc_today().isoformat()
    server.fail(today, *[status_reply(404)])
    async with reader_app().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        titles = shown_titles(screen)
        await pilot.press("R")
        await wait_until(pilot, lambda: "404" in said(pilot))
        assert shown_titles(screen) == titles
        assert not list(paths.user_dirs().digests.glob("*.json"))
        assert "Traceback" not in said(pilot)
