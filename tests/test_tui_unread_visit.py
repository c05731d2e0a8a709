"""The Unread view keeps the papers read during the visit listed (dimmed) until the view is left or
refreshed, so the list does not jump under the cursor (newsboat #1851); `n` still skips them and
the counts stay true. The rule in plain Python, then in the reader."""

from __future__ import annotations

from functools import partial

from reader.domain.marks import Marks
from reader.domain.views import View
from reader.domain.visit import Visit
from reader.tui.model import ReaderModel
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.main import MainScreen

from support.app import SIZE, make_app, ready, saved_marks, search, settle, wait_until

READ = frozenset({"a"})


# -- the rule ----------------------------------------------------------------------------------


def test_papers_the_user_reads_in_unread_are_kept_those_read_before_are_not():
    visit = Visit().noting(View.UNREAD, READ, READ | {"b", "c"}, ["b", "c"])
    assert visit.kept == {"b", "c"}
    assert visit.listed_read(READ | {"b", "c"}) == READ  # the list treats b and c as unread
    again = visit.noting(View.UNREAD, READ | {"b", "c"}, READ | {"b", "c"}, ["a", "b"])  # read already
    assert again is visit
    unread = visit.noting(View.UNREAD, READ | {"b", "c"}, READ | {"c"}, ["b"])  # unread again: listed anyway
    assert unread.listed_read(READ | {"c"}) == READ


def test_only_the_users_marks_in_the_unread_view_count():
    after = READ | {"b"}
    assert Visit().noting(View.ALL, READ, after, ["b"]).kept == frozenset()
    assert Visit().noting(View.UNREAD, READ, after, None).kept == frozenset()  # loaded, polled, undone


def test_the_list_is_given_the_same_read_set_until_marks_or_visit_change():
    visit = Visit().noting(View.UNREAD, READ, READ | {"b"}, ["b"])
    read = READ | {"b", "z"}
    assert visit.listed_read(read) is visit.listed_read(read)  # the index caches a bitset per set
    assert Visit().listed_read(read) is read  # no visit: the marks' own set


def test_the_model_ends_the_visit_when_the_view_digest_or_tag_changes_or_unread_is_asked_again():
    model = ReaderModel()
    model.set_view(View.UNREAD)

    def read_here(paper_id: str) -> None:
        model.set_marks(model.marks.with_read([paper_id], True), [paper_id])

    read_here("a")
    assert model.listed_read == frozenset() and model.marks.read == {"a"}
    model.set_query("diffusion")  # a search within the visit keeps them
    assert model.listed_read == frozenset()
    refreshed = model.set_view(View.UNREAD)
    assert refreshed.rows and model.listed_read == {"a"}
    leaving = (partial(model.set_digest, 3), partial(model.set_tag, "x"), partial(model.set_view, View.ALL))
    for number, leave in enumerate(leaving):
        model.set_view(View.UNREAD)
        read_here(f"p{number}")
        assert f"p{number}" not in model.listed_read
        leave()
        assert model.listed_read == model.marks.read
    model.set_marks(Marks(frozenset({"q"})))  # another process's mark: not this visit's
    assert model.listed_read == {"q"}


# -- in the reader -----------------------------------------------------------------------------


def listed(screen: MainScreen) -> list[str]:
    return list(screen.paper_list.rows.ids)


async def unread_view(pilot) -> MainScreen:
    screen = await ready(pilot)
    await pilot.press("2")
    await settle(pilot)
    assert screen.model.view is View.UNREAD
    return screen


async def test_papers_read_in_unread_stay_listed_through_searches_until_unread_is_asked_again(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await unread_view(pilot)
        ids = listed(screen)
        total = len(ids)
        await pilot.press("x", "x", "r")  # rows 0 and 1 read and moved on, row 2 read where it is
        await settle(pilot)
        read = {ids[0], ids[1], ids[2]}
        assert saved_marks(home)[0] == read and read <= screen.marks.read  # shown read: dimmed
        word = screen.model.paper_title(ids[0]).split()[0]
        await search(pilot, word)  # a typed search refilters: the paper read stays findable
        assert ids[0] in listed(screen)
        await pilot.press("escape", "escape")  # out of the box, then the search cleared
        await settle(pilot)
        assert listed(screen) == ids
        assert screen.filters.counts.unread == total - 3  # the pane counts the truth
        await pilot.press("2")  # Unread again: its list afresh
        await settle(pilot)
        assert listed(screen) == [pid for pid in ids if pid not in read]


async def test_n_skips_the_papers_read_during_the_visit(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await unread_view(pilot)
        ids = listed(screen)
        await pilot.press("x", "x", "g", "n")
        await settle(pilot)
        assert listed(screen) == ids


async def test_leaving_unread_ends_the_visit(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await unread_view(pilot)
        ids = listed(screen)
        await pilot.press("x", "1", "2")
        await settle(pilot)
        assert listed(screen) == ids[1:]


async def test_mark_all_shown_read_and_bulk_read_keep_the_list_until_refreshed(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await unread_view(pilot)
        ids = listed(screen)
        await pilot.press("v", "v", "semicolon", "r", "escape")  # ;r on rows 0 and 1, then unselected
        await settle(pilot)
        assert saved_marks(home)[0] == {ids[0], ids[1]}
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot)
        assert saved_marks(home)[0] == set(ids)
        await search(pilot, "model")  # a refilter: still every paper of the visit
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert listed(screen) == ids
        await pilot.press("2")
        await settle(pilot)
        assert listed(screen) == [] and screen.filters.counts.unread == 0


async def test_a_paper_read_on_open_stays_listed(home, fixture_digests):
    async with make_app(fixture_digests, read_on_open=0.1).run_test(size=SIZE) as pilot:
        screen = await unread_view(pilot)
        ids = listed(screen)
        await pilot.press("j")
        await wait_until(pilot, lambda: ids[1] in screen.marks.read)
        await search(pilot, "model")
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert listed(screen) == ids
