"""The list's orders (reader.library.sorting) and the choice each view keeps (reader.tui.sort_state)."""

from __future__ import annotations

import pytest
from reader.domain.paper_meta import PaperMeta
from reader.domain.views import View
from reader.library.sorting import SORT_KEYS, effective_sort, sort_ids
from reader.tui.sort_state import SortChoices, sort_title, view_key

DATE_ORDER = ["a", "b", "c", "d", "e"]
POSITIONS = {pid: number for number, pid in enumerate(DATE_ORDER)}
META = {
    "a": PaperMeta(upvotes=3, comments=None),
    "b": PaperMeta(upvotes=10, comments=2),
    "c": PaperMeta(upvotes=None, comments=2),
    "d": PaperMeta(upvotes=10, comments=5),
}  # e: a page copy, no metadata
TITLES = {"a": "zeta", "b": "eclair", "c": "alpha", "d": "beta", "e": "delta"}


def never():
    raise AssertionError("not needed for this order")


def ordered(ids, key, in_date_order=False, metadata=lambda: META, titles=lambda: TITLES):
    return sort_ids(ids, key, lambda: POSITIONS, metadata, titles, in_date_order)


@pytest.mark.parametrize(
    ("key", "has_words", "used"),
    [(None, True, "relevance"), (None, False, "date"), ("relevance", False, "date"), ("relevance", True, "relevance"),
     ("upvotes", False, "upvotes"), ("title", True, "title"), ("bogus", False, "date")],
)
def test_relevance_needs_words_and_the_default_follows_them(key, has_words, used):
    assert effective_sort(key, has_words) == used


def test_counts_sort_most_first_unknown_last_ties_in_date_order():
    ranked = ["e", "d", "c", "b", "a"]  # e.g. by relevance
    assert ordered(ranked, "upvotes") == ["b", "d", "a", "c", "e"]  # b and d tie at 10: date order
    assert ordered(ranked, "comments") == ["d", "b", "c", "a", "e"]


def test_date_title_and_relevance():
    ranked = ["e", "d", "gone", "c", "b", "a"]
    assert ordered(ranked, "date", metadata=never, titles=never) == ["a", "b", "c", "d", "e", "gone"]
    assert ordered(ranked, "title", metadata=never) == ["c", "d", "e", "b", "a", "gone"]
    assert ordered(ranked, "relevance", metadata=never, titles=never) == ranked


def test_ids_already_in_date_order_are_not_sorted_by_date_again():
    assert sort_ids(DATE_ORDER, "date", never, never, never, in_date_order=True) == DATE_ORDER


def test_a_view_cycles_through_every_order_and_keeps_its_own():
    choices = SortChoices()
    key = view_key(View.ALL, None)
    assert choices.chosen(key) is None
    seen = [choices.cycle(key, has_words=True) for _ in SORT_KEYS]  # from relevance, the default with words
    assert seen == ["date", "upvotes", "comments", "title", "relevance"]
    assert choices.chosen(view_key(View.UNREAD, None)) is None
    assert view_key(View.ALL, "Good ones") == "saved:Good ones" != key
    assert choices.cycle(key, has_words=False) == "upvotes"  # relevance without words lists by date


def test_the_setting_reads_back_and_a_damaged_one_is_no_choice():
    choices = SortChoices({"all": "upvotes"})
    assert SortChoices.from_json(choices.to_json()).chosen("all") == "upvotes"
    assert SortChoices.from_json("junk").chosen("all") is None
    assert SortChoices.from_json({"all": "sideways", "new": 3}).to_json() == {}


def test_the_title_names_the_order_only_once_chosen():
    assert sort_title(None, "date") == ""
    assert sort_title("upvotes", "upvotes") == "by upvotes"
    assert sort_title("relevance", "date") == "by date (relevance needs words to search)"
