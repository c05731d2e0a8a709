"""The papers selected for a bulk action (NeoMutt's tagged messages, aerc's marked ones).

`v` selects or unselects one paper and makes it the anchor, `V` selects every paper from the
anchor to the cursor, `*` every paper listed; a bulk action then applies to the selection in
list order, or to the current paper when nothing is selected. A new list keeps the selected
papers it still lists. Plain values: each change returns a new Selection.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    ids: frozenset[str] = frozenset()
    anchor: str | None = None  # the paper `v` selected last: where `V` extends from

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self.ids

    def toggled(self, paper_id: str) -> Selection:
        """`v`: unselect a selected paper, else select it and make it the anchor."""
        if paper_id in self.ids:
            return Selection(self.ids - {paper_id}, self.anchor)
        return Selection(self.ids | {paper_id}, paper_id)

    def extended(self, listed: Sequence[str], cursor: int) -> Selection:
        """`V`: add every paper from the anchor to the cursor (both included). Without an
        anchor in the list, the paper under the cursor is selected and becomes the anchor."""
        if not 0 <= cursor < len(listed):
            return self
        here = listed[cursor]
        try:
            start = list(listed).index(self.anchor) if self.anchor is not None else -1
        except ValueError:
            start = -1
        if start < 0:
            return Selection(self.ids | {here}, here)
        low, high = min(start, cursor), max(start, cursor)
        return Selection(self.ids | frozenset(listed[low : high + 1]), self.anchor)

    def with_all(self, listed: Sequence[str]) -> Selection:
        """`*`: every paper listed."""
        return Selection(self.ids | frozenset(listed), self.anchor)

    def kept(self, listed: Collection[str]) -> Selection:
        """The selection once the list shows `listed`: the papers it no longer lists leave it."""
        if not self.ids:
            return self
        shown = listed if isinstance(listed, (set, frozenset)) else frozenset(listed)
        ids = frozenset(paper_id for paper_id in self.ids if paper_id in shown)
        return Selection(ids, self.anchor if self.anchor in ids else None)

    def targets(self, listed: Sequence[str], current: str | None) -> list[str]:
        """What a bulk action applies to: the selection in list order, else the current paper."""
        if self.ids:
            in_order = [paper_id for paper_id in listed if paper_id in self.ids]
            return in_order + sorted(self.ids.difference(in_order))
        return [current] if current is not None else []
