"""View 5, For you: the unread papers ranked by the starred ones, with why, as a user drives it."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader.tui.widgets.filter_list import FilterList

from support.app import SIZE, detail_text, make_app, ready, search, settle, shown_titles, tag, text_in, wait_until

DECODING = [
    ("Speculative Decoding with Draft Trees",
     "Speculative decoding drafts tokens with a small draft model and verifies them in one pass."),
    ("Faster Drafts for Speculative Decoding",
     "We make the draft model cheaper: speculative decoding accepts more drafted tokens."),
    ("Self-Speculative Decoding Without a Draft Model",
     "The model drafts its own tokens; speculative decoding then verifies the draft."),
    ("Tree Verification in Speculative Decoding",
     "Verifying a tree of draft tokens raises the acceptance rate of speculative decoding."),
]
PROTEINS = [
    ("Protein Folding with Attention",
     "We predict protein structure from sequence; folding is learned from residue contacts."),
    ("Protein Design by Inverse Folding",
     "Inverse folding designs protein sequences for a target structure of residues."),
    ("Residue Contacts for Protein Structure",
     "Residue contact maps constrain the protein structure; folding follows them."),
    ("Protein Language Models Fold",
     "A protein language model predicts the folding of residues from the protein sequence."),
]
OTHERS = [
    ("A Survey of Benchmarks", "We list benchmarks and what each one measures, with their licences."),
    ("Crowdsourced Labels", "Workers label examples; we study their agreement and the cost of each label."),
]


@pytest.fixture
def digests(tmp_path) -> Path:
    folder = tmp_path / "digests"
    folder.mkdir()
    papers = [DECODING[0], PROTEINS[0], OTHERS[0], DECODING[1], PROTEINS[1], DECODING[2], PROTEINS[2], OTHERS[1],
              DECODING[3], PROTEINS[3]]
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
    (folder / "2026-01-01.txt").write_text(f"Jan 1\n\n{body}", encoding="utf-8")
    return folder


def titles_of(papers) -> set[str]:
    return {title for title, _ in papers}


async def go_to(pilot, screen, title: str) -> None:
    screen.paper_list.set_cursor(shown_titles(screen).index(title), by_user=True)
    await wait_until(pilot, lambda: screen.paper is not None and screen.paper.title == title)


async def toggle_stars(pilot, screen, papers) -> None:
    for title, _ in papers:
        await go_to(pilot, screen, title)
        await pilot.press("s")
        await settle(pilot)


def filter_row(screen, kind: str, label: str):
    filters = screen.filter_pane.query_one(FilterList)
    for index in range(filters.row_count):
        row = filters.row_at(index)
        if row.kind == kind and row.label == label:
            return index, row
    raise AssertionError(f"no {kind} row {label!r} in the filter pane")


async def ranked(pilot, screen) -> list[str]:
    await wait_until(pilot, lambda: screen.paper_list.row_count > 0)
    await settle(pilot)
    return shown_titles(screen)


async def test_5_without_stars_says_what_to_do(home, digests):
    async with make_app(digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert filter_row(screen, "view", "For you")
        await pilot.press("5")
        await settle(pilot)
        assert screen.current_view.value == "for_you"
        assert screen.paper_list.row_count == 0
        assert "Star a few papers to rank the rest by them." in text_in(pilot.app, screen.paper_list)


async def test_5_ranks_unread_papers_like_the_starred_ones_and_says_why(home, digests):
    async with make_app(digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await toggle_stars(pilot, screen, DECODING[:2])
        await pilot.press("5")
        shown = await ranked(pilot, screen)
        assert set(shown[:2]) == titles_of(DECODING[2:])  # the starred papers' topic first
        assert not set(shown) & titles_of(DECODING[:2])  # not the starred papers themselves
        assert screen.paper_list.border_title.startswith("For you · ")
        await wait_until(pilot, lambda: screen.paper is not None and screen.paper.title == shown[0])
        await wait_until(pilot, lambda: "because: " in detail_text(screen))
        because = detail_text(screen).split("because: ", 1)[1].splitlines()[0]
        assert "speculative" in because and "decoding" in because
        await pilot.press("1")
        await settle(pilot)
        await go_to(pilot, screen, shown[0])
        assert "because: " not in detail_text(screen)  # only For you says why


async def test_a_star_changed_reranks_when_5_is_shown_again_not_at_once(home, digests):
    async with make_app(digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await toggle_stars(pilot, screen, DECODING[:2])
        await pilot.press("5")
        await ranked(pilot, screen)
        ranked_by = screen.for_you.ranked_by
        await pilot.press("s")  # a star in For you: nothing is ranked again yet
        await settle(pilot)
        assert screen.for_you.ranked_by is ranked_by
        await pilot.press("1")
        await settle(pilot)
        await toggle_stars(pilot, screen, DECODING[:2] + PROTEINS[:2])  # decoding unstarred, proteins starred
        await pilot.press("5")
        await wait_until(pilot, lambda: screen.for_you.ranked_by is not ranked_by)
        shown = await ranked(pilot, screen)
        assert set(shown[:2]) == titles_of(PROTEINS[2:])
        assert titles_of(DECODING[:2]) <= set(shown)  # unstarred: no longer seeds, ranked like the rest


async def test_a_tag_chosen_in_for_you_ranks_by_its_papers(home, digests):
    async with make_app(digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await toggle_stars(pilot, screen, DECODING[:1])
        for title, _ in PROTEINS[:2]:
            await go_to(pilot, screen, title)
            await tag(pilot, "folding")
        await pilot.press("5")
        assert (await ranked(pilot, screen))[0] in titles_of(DECODING)
        index, _ = filter_row(screen, "tag", "#folding")
        screen.filter_pane.query_one(FilterList).choose(index)
        await wait_until(pilot, lambda: screen.for_you.ranked_by is not None and screen.for_you.ranked_by.tag)
        shown = await ranked(pilot, screen)
        assert set(shown[:2]) == titles_of(PROTEINS[2:])
        assert not set(shown) & titles_of(PROTEINS[:2])  # the tag's papers rank the rest


async def test_the_next_session_opens_on_for_you_ranked_by_the_saved_stars(home, digests):
    async with make_app(digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await toggle_stars(pilot, screen, DECODING[:2])
        await pilot.press("5")
        first = await ranked(pilot, screen)
        await pilot.press("q")
        await pilot.pause()
    async with make_app(digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.current_view.value == "for_you"
        assert await ranked(pilot, screen) == first


async def test_a_search_in_for_you_keeps_the_ranked_papers_it_matches_in_their_order(home, digests):
    async with make_app(digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await toggle_stars(pilot, screen, DECODING[:2])
        await pilot.press("5")
        first = await ranked(pilot, screen)
        await search(pilot, "protein")
        shown = shown_titles(screen)
        assert shown and set(shown) <= titles_of(PROTEINS)
        assert shown == [title for title in first if title in shown]  # the ranking's order, not by date
