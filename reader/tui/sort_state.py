"""The sort each view lists its papers in: chosen with a key (cycle_sort), remembered per view
(All, Unread, Starred, New, or a saved view by name) for the session and, as a setting, across
restarts. The orders themselves are reader.library.sorting's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reader.domain.views import View
from reader.library.sorting import DATE, RELEVANCE, SORT_KEYS, effective_sort

SORT_SETTING = "sort_by_view"  # {view key: sort key} in the state store's settings


def view_key(view: View, saved_view: str | None) -> str:
    """What remembers a sort: the saved view on screen, else the view."""
    return f"saved:{saved_view}" if saved_view is not None else view.value


class SortChoices:
    """The sort chosen in each view; a view never sorted lists in the default order (by
    relevance with words, by date without) and says nothing about it."""

    def __init__(self, chosen: Mapping[str, str] | None = None) -> None:
        self._chosen = {key: sort for key, sort in (chosen or {}).items() if sort in SORT_KEYS}

    def chosen(self, key: str) -> str | None:
        return self._chosen.get(key)

    def cycle(self, key: str, has_words: bool) -> str:
        """The next order after the one the view is listed in now; chosen for the view."""
        shown = effective_sort(self.chosen(key), has_words)
        following = SORT_KEYS[(SORT_KEYS.index(shown) + 1) % len(SORT_KEYS)]
        self._chosen[key] = following
        return following

    def to_json(self) -> dict[str, str]:
        return dict(self._chosen)

    @classmethod
    def from_json(cls, value: Any) -> SortChoices:
        """The setting as saved; anything else (a damaged or newer value) is no choice."""
        if not isinstance(value, dict):
            return cls()
        return cls({key: sort for key, sort in value.items() if isinstance(key, str) and isinstance(sort, str)})


def sort_title(chosen: str | None, used: str) -> str:
    """The list title's word on the order: nothing for the default; says so when relevance was
    chosen but, with no words to rank by, the papers are by date."""
    if chosen is None or not used:
        return ""
    if chosen == RELEVANCE and used == DATE:
        return "by date (relevance needs words to search)"
    return f"by {used}"
