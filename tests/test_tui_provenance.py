"""New papers, provenance counts, similar papers and mute rules, as a user drives them."""

from __future__ import annotations

from reader.state.store import StateStore, state_path
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.mute import MuteScreen
from reader.tui.widgets.filter_list import FilterList
from reader.tui.widgets.similar_list import SimilarList

from support.app import SIZE, make_app, ready, run_from_palette, search, settle, shown_titles, wait_until

CHEAPLY = "Cheaply Evaluating Inference Efficiency Metrics for Autoregressive Transformer APIs"


def saved(home, read):
    with StateStore(state_path(home / "data", "default")) as state:
        return read(state)


def filter_row(screen, kind: str, label: str | None = None, digest_id: int | None = None):
    filters = screen.filter_pane.query_one(FilterList)
    for index in range(filters.row_count):
        row = filters.row_at(index)
        if row.kind != kind:
            continue
        if (label is None or row.label == label) and (digest_id is None or row.digest_id == digest_id):
            return index, row
    raise AssertionError(f"no {kind} row {label!r} in the filter pane")


def detail_text(screen) -> str:
    return str(screen.detail.query_one("#detail-body").render())


async def test_4_shows_new_papers_and_they_stay_new_only_for_the_first_session(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert screen.current_view.value == "new"
        assert screen.paper_list.row_count == 16  # a first session: everything is new
        assert screen.paper_list.border_title == "New · 16"
        assert filter_row(screen, "view", "New")[1].count == "16"
        await pilot.press("q")
        await pilot.pause()
    assert len(saved(home, StateStore.known_ids)) == 16  # remembered as shown
    (fixture_digests / "2025-03-18.txt").write_text(
        (fixture_digests / "2025-03-17.txt").read_text(encoding="utf-8").replace("Mar 17", "Mar 18")
        + "\nA Paper Nobody Listed Before\n\nIts abstract says little, on purpose, with some words.\n",
        encoding="utf-8",
    )
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.current_view.value == "new"  # the session came back
        await wait_until(pilot, lambda: shown_titles(screen) == ["A Paper Nobody Listed Before"])
        assert filter_row(screen, "view", "All")[1].count == "17"
        assert filter_row(screen, "view", "New")[1].count == "1"
        await settle(pilot)  # recorded as shown by now, and still New for this session
        assert saved(home, lambda state: len(state.known_ids())) == 17
        assert shown_titles(screen) == ["A Paper Nobody Listed Before"]
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.library_view is not None and screen._provenance is not None)
        await settle(pilot)
        assert screen.current_view.value == "new" and screen.paper_list.row_count == 0
        assert "Nothing new here" in screen.paper_list.render_line(1).text


async def test_4_with_a_digest_chosen_shows_what_first_appeared_there(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        filters = screen.filter_pane.query_one(FilterList)
        index, mar_14 = filter_row(screen, "digest", "Mar 14")
        await pilot.click(filters, offset=(3, index))
        await pilot.press("4")
        await settle(pilot)
        assert screen.paper_list.row_count == 5  # Mélange was in Mar 11 first
        assert not any(title.startswith("Mélange") for title in shown_titles(screen))
        assert filter_row(screen, "view", "New")[1].count == "5"
        assert filter_row(screen, "digest-news", digest_id=mar_14.digest_id)[1].label == "5 new · 1 seen"


async def test_the_seeds_mar_14_shows_new_and_seen_before_adding_up_to_106(home, seed_digests):
    async with make_app(seed_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        _, mar_14 = filter_row(screen, "digest", "Mar 14")
        info = screen.library_view.digest(mar_14.digest_id)
        index, news = filter_row(screen, "digest-news", digest_id=mar_14.digest_id)
        new, seen = (int(part.split()[0]) for part in news.label.split(" · "))
        assert info.entries == 106 and new + seen == 106 and seen > 0
        filters = screen.filter_pane.query_one(FilterList)
        filters.focus()
        filters.set_cursor(index - 1)
        await pilot.press("j")  # the counts line is not a stop for the cursor
        assert filters.row_at(filters.cursor).kind == "digest"


async def test_the_detail_pane_lists_every_appearance_with_its_date(home, seed_digests):
    async with make_app(seed_digests).run_test(size=SIZE) as pilot:
        screen = await search(pilot, f'title:"{CHEAPLY}"')
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.paper is not None and screen.paper.title == CHEAPLY)
        await pilot.pause()
        text = detail_text(screen)
        assert "seen in 4 digests: Aug 7 2026, Mar 17 2026, Mar 14 2026, Mar 11 2026" in text


async def test_enter_twice_picks_a_similar_paper_and_jumps_to_it(home, seed_digests):
    async with make_app(seed_digests).run_test(size=SIZE) as pilot:
        screen = await search(pilot, f'title:"{CHEAPLY}"')
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(screen.similar) == 5)
        similar = screen.detail.query_one(SimilarList)
        assert similar.display and CHEAPLY not in [item.title for item in screen.similar]
        assert screen.similar[1].title[:20] in similar.render_line(1).text
        target = screen.similar[1].id
        await pilot.press("enter", "enter")
        assert pilot.app.focused is similar
        await pilot.press("j", "enter")  # the second one: not in the searched list
        await settle(pilot)
        await wait_until(pilot, lambda: screen.selected == target)
        assert screen.search_text == "" and screen.current_view.value == "all" and screen.digest_id is None
        assert screen.paper_list.highlighted == target and pilot.app.focused is screen.paper_list


async def test_M_mutes_a_search_H_shows_muted_papers_and_u_undoes(home, seed_digests):
    async with make_app(seed_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        total = screen.paper_list.row_count
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MuteScreen))
        await pilot.press(*"title:survey", "enter")
        await wait_until(pilot, lambda: screen.paper_list.row_count < total)
        await settle(pilot)
        hidden = total - screen.paper_list.row_count
        assert not any("survey" in title.lower() for title in shown_titles(screen))
        assert saved(home, StateStore.mute_rules) == ["title:survey"]
        assert filter_row(screen, "mute", "title:survey")[1].count == str(hidden)
        assert filter_row(screen, "view", "All")[1].count == f"{total - hidden:,}"  # counts drop them too
        await pilot.press("H")
        await settle(pilot)
        assert screen.paper_list.row_count == total
        await pilot.press("H")
        await settle(pilot)
        assert screen.paper_list.row_count == total - hidden
        await pilot.press("u")
        await wait_until(pilot, lambda: screen.paper_list.row_count == total)
        assert saved(home, StateStore.mute_rules) == []


async def test_M_explains_a_rule_that_cannot_mute_and_escape_cancels(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MuteScreen))
        await pilot.press(*"is:read", "enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, MuteScreen)
        assert "is: filters cannot mute" in str(dialog.query_one("#mute-problem").render())
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen and screen.paper_list.row_count == 16
        assert saved(home, StateStore.mute_rules) == []


async def test_enter_on_a_mute_rule_offers_to_delete_it(home, fixture_digests):
    with StateStore(state_path(home / "data", "default")) as state:
        state.add_mute_rule("title:melange")
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.paper_list.row_count == 15
        filters = screen.filter_pane.query_one(FilterList)
        index, rule = filter_row(screen, "mute", "title:melange")
        assert rule.count == "1"
        filters.focus()
        filters.set_cursor(index)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.paper_list.row_count == 16)
        assert saved(home, StateStore.mute_rules) == []


async def test_the_palette_deletes_a_mute_rule(home, fixture_digests):
    with StateStore(state_path(home / "data", "default")) as state:
        state.add_mute_rule("title:melange")
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await run_from_palette(pilot, "delete mute rule")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.paper_list.row_count == 16)
        assert saved(home, StateStore.mute_rules) == []
