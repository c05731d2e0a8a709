"""The views of the paper list (All, Unread, Starred, New, For you) and what each keeps."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from enum import Enum

from reader.domain.mark_filter import STARRED, UNREAD


class View(str, Enum):  # noqa: UP042 - a StrEnum would print and format differently
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"
    NEW = "new"  # first appeared in the chosen digest, or never shown before (library.provenance)
    FOR_YOU = "for_you"  # unread papers ranked by likeness to the starred ones (library.for_you)

    # A property named like str.title on purpose: the view's name as the filter pane shows it.
    @property
    def title(self) -> str:  # type: ignore[override]
        return self.value.replace("_", " ").capitalize()


VIEW_STATUSES: Mapping[View, tuple[str, ...]] = {
    View.ALL: (),
    View.UNREAD: (UNREAD,),
    View.STARRED: (STARRED,),
    View.NEW: (),  # a set of ids, not a status: see new_members
    View.FOR_YOU: (UNREAD,),  # and only the ranked papers, in their order (tui.for_you_view)
}


def new_members(
    view: View, digest_id: int | None, new_in: Mapping[int, frozenset[str]], unseen: frozenset[str]
) -> frozenset[str] | None:
    """The ids the New view keeps (None for the other views): the papers that first appeared
    in the chosen digest, or with no digest chosen those the user had not been shown."""
    if view is not View.NEW:
        return None
    if digest_id is None:
        return unseen
    return new_in.get(digest_id, frozenset())


def within(ids: Iterable[str], members: Container[str] | None) -> list[str]:
    """`ids` narrowed to one digest's papers (all of them when members is None), order kept."""
    if members is None:
        return list(ids)
    return [pid for pid in ids if pid in members]
