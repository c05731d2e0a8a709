"""The user's marks follow a paper whose id changed.

A paper's id comes from its cleaned title. When the text clean-up improves (an invisible
character dropped, `\\times` read as `×`), some titles key differently and their papers get
new ids. The library notes which old id became which new one (`Library.renamed_ids`, kept
in the catalog), and each profile's read and star marks, tags and notes follow once
(`StateStore.follow_renamed_ids`): the CLI and the app call `follow_renamed_ids` after a sync.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.library.library import Library
    from reader.state.store import StateStore


@dataclass(frozen=True)
class FollowedRenames:
    papers: int = 0  # papers whose new id gained a mark, tag or note
    renamed: tuple[tuple[str, str], ...] = ()  # (old id, new id) applied now, in order

    @property
    def notice(self) -> str | None:
        if not self.papers:
            return None
        noun = "paper" if self.papers == 1 else "papers"
        return f"kept your marks on {self.papers} {noun} whose titles are now cleaned up differently"

    def carry(self, ids: frozenset[str]) -> frozenset[str]:
        """`ids` (e.g. the papers already shown) with the new id of each renamed one in it."""
        if not self.renamed:
            return ids
        found = set(ids)
        for old, new in self.renamed:
            if old in found:
                found.add(new)
        return frozenset(found)


def follow_renamed_ids(library: Library, state: StateStore) -> FollowedRenames:
    """Apply the library's renames to this profile's state (cheap when done before: one read).
    An old id still listed by a digest, or renamed to several papers, keeps its marks too."""
    renames = library.renamed_ids()
    if not renames:
        return FollowedRenames()
    targets = Counter(old for old, _, _ in renames)
    keep = {old for old, _, listed in renames if listed or targets[old] > 1}
    papers, applied = state.follow_renamed_ids([(old, new) for old, new, _ in renames], keep)
    return FollowedRenames(papers, tuple(applied))
