"""Typed search without a fixed pause: each key searches at once unless a search is still
running; a search made stale by a newer key is dropped before it starts, or told to stop,
and its rows never draw. The cursor follows the finished word, not a half-typed one."""

from __future__ import annotations

import threading
import time

import pytest
from reader.domain.cancel import CancelToken, SearchCancelled
from reader.domain.views import View
from reader.library.library import Library
from reader.search.facets import facet_counts
from reader.tui.search_pacing import TypingCursor

from support.app import SIZE, make_app, ready, settle, shown_titles, wait_until

HELD = "m"  # the first search while typing "melange"


class HeldSearches:
    """Library.search blocks on HELD until released; counts the texts searched. With `obey`,
    the held search stops when it is cancelled."""

    def __init__(self, monkeypatch, obey: bool) -> None:
        self.searched: list[str] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        real = Library.search

        def search(library, parsed, *args, cancel=None, **kwargs):
            self.searched.append(parsed.raw)
            if parsed.raw == HELD:
                self.holding.set()
                deadline = time.monotonic() + 30
                while not self.release.is_set() and time.monotonic() < deadline:
                    if obey and cancel is not None:
                        cancel.check()
                    time.sleep(0.005)
            return real(library, parsed, *args, cancel=cancel, **kwargs)

        monkeypatch.setattr(Library, "search", search)


async def type_melange(pilot, screen, held: HeldSearches) -> list[str]:
    """Type "melange" while the first search is held; returns the texts whose rows showed."""
    shown: list[str] = []
    original = screen.show_results

    def recording(listing, view):
        shown.append(listing.parsed.raw)
        original(listing, view)

    screen.show_results = recording
    await pilot.press("slash", "m")
    await wait_until(pilot, held.holding.is_set)
    await pilot.press(*"elange")
    return shown


async def test_keys_typed_during_a_search_start_one_search_for_the_final_text(home, fixture_digests, monkeypatch):
    held = HeldSearches(monkeypatch, obey=False)
    try:
        async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
            screen = await ready(pilot)
            screen._pacer.grace = 60.0  # the stale search is waited for however long it takes
            held.searched.clear()
            shown = await type_melange(pilot, screen, held)
            await pilot.pause(0.2)
            assert held.searched == ["m"]  # "me" ... "melange" wait for their turn
            held.release.set()
            await wait_until(pilot, lambda: shown[-1:] == ["melange"], timeout=10)
            await settle(pilot)
            # "m" started at once; "me" ... "melang" came while it ran: dropped before they
            # started; "melange" started once "m" had ended.
            assert held.searched == ["m", "melange"]
            assert shown == ["melange"]  # "m" was stale when it ended: its rows never drew
            assert shown_titles(screen) and all("Mélange" in title for title in shown_titles(screen))
    finally:
        held.release.set()


async def test_a_stale_search_stops_when_cancelled_and_the_next_starts_at_once(home, fixture_digests, monkeypatch):
    held = HeldSearches(monkeypatch, obey=True)
    try:
        async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
            screen = await ready(pilot)
            screen._pacer.grace = 60.0  # only the stale search's stopping lets the next start
            shown = await type_melange(pilot, screen, held)
            await wait_until(pilot, lambda: shown[-1:] == ["melange"], timeout=10)
            assert not held.release.is_set() and "m" not in shown
    finally:
        held.release.set()


async def test_a_stale_search_that_ignores_its_cancellation_never_draws(home, fixture_digests, monkeypatch):
    held = HeldSearches(monkeypatch, obey=False)
    try:
        async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
            screen = await ready(pilot)
            held.searched.clear()
            shown = await type_melange(pilot, screen, held)
            # The newer search does not wait for the stuck one: it runs on another thread.
            await wait_until(pilot, lambda: shown[-1:] == ["melange"], timeout=10)
            assert not held.release.is_set()
            held.release.set()  # the stale "m" ends now: its rows must not replace these
            await pilot.pause(0.2)
            await settle(pilot)
            assert "m" not in shown and shown[-1] == "melange"
            assert all("Mélange" in title for title in shown_titles(screen))
    finally:
        held.release.set()


async def test_quick_typing_searches_at_most_once_per_key_and_shows_the_final_text(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        searched: list[str] = []
        real = screen.library.search

        def counted(parsed, *args, **kwargs):
            searched.append(parsed.raw)
            return real(parsed, *args, **kwargs)

        screen.library.search = counted
        await pilot.press("slash", *"galore")
        await wait_until(pilot, lambda: screen.search_text == "galore")
        await settle(pilot)
        assert 1 <= len(searched) <= 6 and searched[-1] == "galore"
        assert shown_titles(screen)[0].startswith("GaLore:")


def test_typing_keeps_the_paper_the_user_was_on_not_the_top_hit_of_a_half_typed_word():
    cursor = TypingCursor()
    assert cursor.kept("mine", typed=True) == "mine"
    cursor.shown("mine", landed="top-of-mo", typed=True)  # "mo" did not list "mine"
    assert cursor.kept("top-of-mo", typed=True) == "mine"  # "model": back to the user's paper
    cursor.shown("top-of-mo", landed="top-of-mod", typed=True)
    assert cursor.kept("top-of-mod", typed=True) == "mine"
    # the user moves to a paper between keys: typing on keeps that one
    cursor.shown("chosen", landed="chosen", typed=True)
    assert cursor.kept("chosen", typed=True) == "chosen"
    # anything but a key (a view, a mark) keeps the selection as it is
    assert cursor.kept("chosen", typed=False) == "chosen"
    cursor.shown("chosen", landed="other", typed=False)
    assert cursor.kept("other", typed=True) == "other"


def test_counting_the_hits_per_digest_stops_once_a_newer_search_cancels_it():
    members = {number: frozenset({f"p{number}"}) for number in range(1000)}
    token = CancelToken()
    assert facet_counts(["p1", "p2"], View.ALL, None, members, frozenset(), frozenset(), token).digests[1] == 1
    token.cancel()
    with pytest.raises(SearchCancelled):
        facet_counts(["p1", "p2"], View.ALL, None, members, frozenset(), frozenset(), token)
