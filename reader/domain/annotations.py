"""The user's tags and notes in memory: what search, the filter pane and exports read.

A snapshot (`Annotations`) is built from the state database and replaced whole after a
change, so the id sets it derives are computed once per change and can be cached by
identity. Notes are few, so plain words are matched against them with a small Whoosh
index in memory (`NoteIndex`) using the same analysis as the paper index (accents folded,
stop words dropped, stemmed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from reader.domain.tags import ANY_TAG, tag_counts, tag_key

V = TypeVar("V")


@dataclass(frozen=True, eq=False)  # compared by identity: a new snapshot is a change
class Annotations:
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # paper id -> sorted tags
    notes: Mapping[str, str] = field(default_factory=dict)  # paper id -> note

    @classmethod
    def load(cls, state) -> Annotations:
        """Read from a StateStore (on the state thread)."""
        return cls(state.all_tags(), state.all_notes())

    def with_tags(self, paper_id: str, tags: Iterable[str]) -> Annotations:
        changed = dict(self.tags)
        tags = tuple(sorted(tags))
        if tags:
            changed[paper_id] = tags
        else:
            changed.pop(paper_id, None)
        return Annotations(changed, self.notes)

    def with_note(self, paper_id: str, note: str) -> Annotations:
        changed = dict(self.notes)
        if note:
            changed[paper_id] = note
        else:
            changed.pop(paper_id, None)
        return Annotations(self.tags, changed)

    def patched(self, fresh: Annotations, paper_ids: Iterable[str]) -> Annotations:
        """These papers' tags and notes replaced by those in `fresh` (after an undo)."""
        tags, notes = dict(self.tags), dict(self.notes)
        for pid in paper_ids:
            _replace(tags, fresh.tags, pid)
            _replace(notes, fresh.notes, pid)
        return Annotations(tags, notes)

    @cached_property
    def counts(self) -> dict[str, int]:
        """tag -> papers carrying it, most used first."""
        return tag_counts(self.tags)

    @cached_property
    def _by_tag(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for pid, tags in self.tags.items():
            for tag in tags:
                found.setdefault(tag_key(tag), set()).add(pid)
        return {key: frozenset(ids) for key, ids in found.items()}

    @cached_property
    def _tagged_ids(self) -> frozenset[str]:
        return frozenset(pid for pid, tags in self.tags.items() if tags)

    @property
    def tagged(self) -> int:
        """How many papers carry any tag (the filter pane's "Any tag")."""
        return len(self._tagged_ids)

    def ids_with_tag(self, tag: str) -> frozenset[str]:
        """Papers carrying `tag`; `prefix*` matches every tag starting with prefix, so
        `*` (ANY_TAG) matches every tagged paper.

        The same set object is returned for the same tag, so search caches keyed by
        identity keep working between searches."""
        if tag == ANY_TAG:
            return self._tagged_ids
        if tag.endswith("*"):
            prefix = tag_key(tag[:-1])
            sets = [ids for key, ids in self._by_tag.items() if key.startswith(prefix)]
            return frozenset().union(*sets) if sets else frozenset()
        return self._by_tag.get(tag_key(tag), frozenset())


def _replace(mine: dict[str, V], theirs: Mapping[str, V], pid: str) -> None:
    if pid in theirs:
        mine[pid] = theirs[pid]
    else:
        mine.pop(pid, None)


def same_annotations(first: Annotations, second: Annotations) -> bool:
    """Equal contents (a poll re-reads them; an equal copy must not redraw the screen)."""
    return first.tags == second.tags and first.notes == second.notes
