"""`o` on a paper with several links offers a chooser; with one it opens at once; `y` copies
the arXiv abstract of a fetched paper."""

from __future__ import annotations

from reader.tui.screens.link_chooser import LinkChooserScreen
from reader.tui.screens.main import MainScreen

from support.app import SIZE, make_app, ready, search, settle, text_in, wait_until
from support.fetched import entry, write_fetched


def one_link_entry() -> dict:
    lonely = entry("Lonely Link Paper", arxiv_id="not an id", githubRepo=None, summary="Nothing to follow.")
    lonely.pop("projectPage")
    lonely["paper"]["projectPage"] = "https://lonely.example.org"
    return lonely


async def open_chooser(pilot, monkeypatch, query: str) -> tuple[MainScreen, list[str]]:
    opened: list[str] = []
    monkeypatch.setattr(pilot.app, "open_url", lambda url, **_: opened.append(url))
    screen = await search(pilot, query)
    await pilot.press("escape")
    await wait_until(pilot, lambda: screen.paper is not None and query in screen.paper.title)
    await pilot.press("o")
    await settle(pilot)
    return screen, opened


async def test_o_with_several_links_offers_them_and_a_number_picks_one(home, fixture_digests, monkeypatch):
    write_fetched(fixture_digests, [entry("Speculative Decoding for Everyone"), one_link_entry()])
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen, opened = await open_chooser(pilot, monkeypatch, "Speculative")
        chooser = pilot.app.screen
        assert isinstance(chooser, LinkChooserScreen) and opened == []
        shown = text_in(pilot.app, chooser.query_one("#link-chooser-links"))
        assert "1  arXiv abstract" in shown and "https://huggingface.co/papers/2611.01234" in shown
        await pilot.press("2")
        await settle(pilot)
        assert opened == ["https://arxiv.org/pdf/2611.01234"] and pilot.app.screen is screen

        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LinkChooserScreen))
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert opened[-1] == "https://github.com/a/b"

        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LinkChooserScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert len(opened) == 2 and pilot.app.screen is screen


async def test_o_with_one_link_opens_it_at_once(home, fixture_digests, monkeypatch):
    write_fetched(fixture_digests, [one_link_entry()])
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen, opened = await open_chooser(pilot, monkeypatch, "Lonely")
        assert opened == ["https://lonely.example.org"] and pilot.app.screen is screen


async def test_y_copies_the_title_and_the_arxiv_abstract(home, fixture_digests, monkeypatch):
    write_fetched(fixture_digests, [entry("Speculative Decoding for Everyone")])
    copied: list[str] = []
    app = make_app(fixture_digests)
    monkeypatch.setattr(app, "copy_text", lambda text, what: copied.append(text))  # no clipboard tool run
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "Speculative")
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.paper is not None and "Speculative" in screen.paper.title)
        await pilot.press("y")
        await settle(pilot)
        assert copied == ["Speculative Decoding for Everyone\nhttps://arxiv.org/abs/2611.01234"]


async def test_the_chooser_shows_a_hostile_title_as_typed(home, fixture_digests, monkeypatch):
    write_fetched(fixture_digests, [entry("Quokka [/] [bold]x [@click=app.quit]go")])
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_chooser(pilot, monkeypatch, "Quokka")
        chooser = pilot.app.screen
        assert isinstance(chooser, LinkChooserScreen)
        assert "Quokka [/] [bold]x [@click=app.quit]go" in text_in(pilot.app, chooser.query_one("#link-chooser-title"))
        await pilot.click("#link-chooser-title")
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.is_running and isinstance(pilot.app.screen, MainScreen)
