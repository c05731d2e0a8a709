"""The detail pane and the list rows of fetched papers: authors, counts, links, upvotes; digest
text shown as typed; page copies as before."""

from __future__ import annotations

from reader import paths
from reader.domain.config import Config
from reader.tui.app import ReaderApp

from support.app import SIZE, make_app, ready, search, settle, squeezed, text_in, wait_until
from support.fetched import entry, write_fetched

HOSTILE_AUTHOR = "[/] [bold]x"
HOSTILE_KEYWORD = "[@click=app.quit]boom[/]"


def fetched_folder(fixture_digests):
    write_fetched(fixture_digests, [
        entry("Speculative Decoding for Everyone"),
        entry("Zanzibar Markup Trials", "2611.07777", authors=[{"name": HOSTILE_AUTHOR}],
              ai_keywords=[HOSTILE_KEYWORD], upvotes=7),
    ])
    return fixture_digests


async def detail_of(pilot, query: str, title_has: str | None = None) -> str:
    screen = await search(pilot, query)
    await pilot.press("escape")
    await wait_until(pilot, lambda: screen.paper is not None and (title_has or query) in screen.paper.title)
    await settle(pilot)
    return text_in(pilot.app, screen.detail)


async def test_the_detail_shows_authors_shortened_counts_and_labelled_links(home, fixture_digests):
    async with make_app(fetched_folder(fixture_digests)).run_test(size=SIZE) as pilot:
        await ready(pilot)
        shown = squeezed(await detail_of(pilot, "Speculative"))
        byline = ", ".join(f"Author Number{n}" for n in range(1, 7)) + " … and 3 more"
        assert squeezed(byline) in shown and "Number7" not in shown
        assert squeezed("arXiv 2611.01234") in shown and squeezed("published 2026-11-18") in shown
        assert squeezed("▲ 42 · 3 comments · GitHub ★ 120") in shown
        assert squeezed("keywords decoding, speed") in shown
        assert squeezed("[1] arXiv abstract  https://arxiv.org/abs/2611.01234") in shown
        assert squeezed("[3] Hugging Face paper page  https://huggingface.co/papers/2611.01234") in shown
        assert squeezed("[6] example.org  https://example.org/extra") in shown


async def test_digest_text_in_the_detail_is_shown_as_typed(home, fixture_digests):
    async with make_app(fetched_folder(fixture_digests)).run_test(size=SIZE) as pilot:
        await ready(pilot)
        shown = await detail_of(pilot, "Zanzibar")
        assert HOSTILE_AUTHOR in shown
        assert HOSTILE_KEYWORD in squeezed(shown)
        assert pilot.app.is_running


async def test_a_page_copy_detail_has_no_metadata(home, fixture_digests):
    async with make_app(fetched_folder(fixture_digests)).run_test(size=SIZE) as pilot:
        await ready(pilot)
        shown = await detail_of(pilot, "melange", "lange")
        assert "arXiv" not in shown and "▲" not in shown and "keywords" not in shown
        assert "[1]https://github.com/tyler-griggs/melange-release" in squeezed(shown)


def row_text(screen, title_start: str) -> str:
    rows = screen.paper_list.rows
    index = next(i for i, pid in enumerate(rows.ids) if rows.papers[pid].title.startswith(title_start))
    return screen.paper_list.render_row(index, 100, False).text


async def test_list_rows_show_upvotes_of_fetched_papers_only(home, fixture_digests):
    async with make_app(fetched_folder(fixture_digests)).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_until(pilot, lambda: "▲  42" in row_text(screen, "Speculative"))
        assert "▲   7" in row_text(screen, "Zanzibar")
        copy_title = next(s.title for s in screen.library_view.papers.values() if "lange:" in s.title)
        assert "▲" not in row_text(screen, copy_title)


async def test_the_setting_turns_the_upvotes_off(home, fixture_digests):
    app = ReaderApp(sources=[fetched_folder(fixture_digests)], dirs=paths.user_dirs(),
                    config=Config(list_upvotes=False))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await settle(pilot)
        assert "▲" not in row_text(screen, "Speculative")
