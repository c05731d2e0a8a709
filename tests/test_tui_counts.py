"""The filter pane's numbers agree with what choosing a row lists, dialogs show their whole
text, and a tag typed one way and kept another says so: driven through Pilot."""

from __future__ import annotations

from reader.state.store import StateStore, state_path
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.tags import TagScreen
from reader.tui.screens.view_name import ViewNameScreen
from reader.tui.widgets.filter_list import FilterList

from support.app import SIZE, make_app, ready, search, settle, tag, wait_until

NARROW = (80, 24)


def row(screen, kind: str, label: str | None = None, digest_id: int | None = None):
    filters = screen.filter_pane.query_one(FilterList)
    for index in range(filters.row_count):
        found = filters.row_at(index)
        if found.kind == kind and label in (None, found.label) and digest_id in (None, found.digest_id):
            return index, found
    raise AssertionError(f"no {kind} row {label!r} in the filter pane")


def news_under(screen, label: str) -> tuple[str, int, int]:
    """A digest's `unread/total`, and the new and seen counts on the line under it."""
    _, digest = row(screen, "digest", label)
    _, news = row(screen, "digest-news", digest_id=digest.digest_id)
    new, seen = (int(part.split()[0]) for part in news.label.split(" · "))
    return digest.count, new, seen


def shown_text(widget) -> str:
    """What the widget draws inside its container (a wider text is cut at the container's
    edge), its lines joined with spaces, so a wrapped text reads whole."""
    room = min(widget.region.right, widget.parent.content_region.right) - widget.region.x
    lines = (widget.render_line(y).text[:room].strip() for y in range(widget.size.height))
    return " ".join(line for line in lines if line)


def notices(pilot) -> list[str]:
    return [str(notice.message) for notice in pilot.app._notifications]


# -- Any tag ----------------------------------------------------------------------------------


async def test_any_tag_counts_the_tagged_papers_and_lists_them(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        first = screen.paper_list.highlighted
        await tag(pilot, "moe rl")
        await pilot.press("j")
        second = screen.paper_list.highlighted
        await tag(pilot, "moe survey")
        index, any_tag = row(screen, "all-tags")
        assert any_tag.label == "Any tag" and any_tag.count == "2"  # two papers, three tags
        screen.filter_pane.query_one(FilterList).choose(index)
        await settle(pilot)
        assert set(screen.paper_list.rows.ids) == {first, second}
        assert screen.paper_list.border_title == "All · any tag · 2"
        screen.filter_pane.query_one(FilterList).choose(index)  # chosen again: every paper
        await settle(pilot)
        assert screen.tag is None and screen.paper_list.row_count == 16


# -- New during a search ----------------------------------------------------------------------


async def test_new_shows_its_hits_during_a_search_like_the_other_views(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert row(screen, "view", "New")[1].count == "16"  # a first session: all new
        await search(pilot, "quantization")
        assert row(screen, "view", "All")[1].count == "2 of 16"
        assert row(screen, "view", "New")[1].count == "2 of 16"
        await pilot.press("escape")
        index, _ = row(screen, "digest", "Mar 14")
        screen.filter_pane.query_one(FilterList).choose(index)
        await settle(pilot)
        # New in a digest: what first appeared there (5 of its 6: Mélange was in Mar 11 first)
        assert row(screen, "view", "New")[1].count == "2 of 5"
        await pilot.press("escape")  # search cleared: plain counts again
        await settle(pilot)
        assert row(screen, "view", "New")[1].count == "5"


# -- hits after a mark ------------------------------------------------------------------------


async def test_the_hit_counts_follow_a_star_and_a_read_during_a_search(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "quantization")
        await pilot.press("escape")
        assert row(screen, "view", "Unread")[1].count == "2 of 16"
        assert row(screen, "view", "Starred")[1].count == "0 of 0"
        await pilot.press("s")  # the top hit starred
        await settle(pilot)
        assert row(screen, "view", "Starred")[1].count == "1 of 1"
        await pilot.press("r")  # ... and read
        await settle(pilot)
        assert row(screen, "view", "Unread")[1].count == "1 of 15"


async def test_the_hit_counts_follow_a_paper_read_on_open_during_a_search(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=0.3).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await search(pilot, "quantization")
        await pilot.press("escape")
        assert row(screen, "view", "Unread")[1].count == "2 of 16"
        await pilot.press("j")  # the second hit, looked at for longer than the delay
        await pilot.pause(0.6)
        await settle(pilot)
        assert row(screen, "view", "Unread")[1].count == "1 of 15"


# -- a digest's numbers with muted papers ----------------------------------------------------


async def test_a_digest_row_counts_the_same_papers_with_a_mute_rule(home, fixture_digests):
    with StateStore(state_path(home / "data", "default")) as state:
        state.add_mute_rule("title:melange")  # Mélange: new in Mar 11, seen again in Mar 14
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.paper_list.row_count == 15
        assert news_under(screen, "Mar 14") == ("5/5", 5, 0)
        assert news_under(screen, "Mar 11") == ("5/5", 5, 0)
        await pilot.press("H")  # muted papers shown: counted everywhere in the row
        await settle(pilot)
        assert news_under(screen, "Mar 14") == ("6/6", 5, 1)
        assert news_under(screen, "Mar 11") == ("6/6", 6, 0)


# -- whole texts in dialogs -------------------------------------------------------------------


async def test_the_save_view_dialog_shows_its_whole_text_at_80_columns(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=NARROW) as pilot:
        await ready(pilot)
        await search(pilot, "quantization training")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ViewNameScreen))
        await pilot.pause()
        detail = pilot.app.screen.query_one("#view-name-detail")
        assert shown_text(detail).endswith("listed under Saved in the filter pane.")


async def test_a_long_question_wraps_in_the_confirm_dialog(home, fixture_digests):
    rule = '"instruction tuning" benchmark evaluation of large language models for long context'
    with StateStore(state_path(home / "data", "default")) as state:
        state.add_mute_rule(rule)
    async with make_app(fixture_digests).run_test(size=NARROW) as pilot:
        screen = await ready(pilot)
        await pilot.press("f")  # the filter pane, folded away at 80 columns
        await settle(pilot)
        index, _ = row(screen, "mute", rule)
        screen.filter_pane.query_one(FilterList).choose(index)  # enter on a rule: delete it?
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.pause()
        question = pilot.app.screen.query_one("#confirm-question")
        assert shown_text(question) == f"Delete the mute rule {rule}?"
        assert question.size.height == 2
        await pilot.press("n")


# -- tags kept in another form ----------------------------------------------------------------


async def test_a_tag_changed_by_normalising_says_what_it_became(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"Bad!Tag ok")
        preview = shown_text(pilot.app.screen.query_one("#tags-preview"))
        assert "After: #badtag #ok" in preview and "`Bad!Tag` saved as `badtag`" in preview
        await pilot.press("enter")
        await settle(pilot)
        assert "Tag `Bad!Tag` saved as `badtag`" in notices(pilot)
        assert screen.annotations.tags[screen.paper_list.highlighted] == ("badtag", "ok")
        await tag(pilot, "plain")  # typed as kept: nothing to say
        assert not any("plain" in notice for notice in notices(pilot))
