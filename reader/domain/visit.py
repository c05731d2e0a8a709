"""A visit to the Unread view: the papers read during it stay listed until it ends.

Reading a paper in the Unread view would drop it from the list at the next search (a typed
query, a tag or mark changed elsewhere, a sync, an undo), and the rows would jump under the
cursor. So the papers the user reads (by any key, by bulk, by read-on-open) while the view is
Unread are kept: the list treats them as unread (the rows show them read, dimmed) until the
visit ends, when the view, digest or tag changes or the user asks for Unread again to refresh
it (newsboat's #1851). `n` still skips them: it asks the true marks. The counts ask them too.
Plain values: each change returns a new Visit.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from reader.domain.views import View


@dataclass(frozen=True)
class Visit:
    kept: frozenset[str] = frozenset()  # read during this visit, still listed
    # the read set handed to the last listing, per read set: the fast index caches a bitset per
    # set object, so the same marks and visit must give the same object
    _memo: dict[int, tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def noting(
        self, view: View, before: frozenset[str], after: frozenset[str], changed: Collection[str] | None
    ) -> Visit:
        """The read marks went from `before` to `after`; `changed` names the papers the user
        marked (None: marks loaded, polled from another process or undone, not read here)."""
        if view is not View.UNREAD or not changed:
            return self
        read_now = frozenset(pid for pid in changed if pid in after and pid not in before)
        return Visit(self.kept | read_now) if read_now - self.kept else self

    def listed_read(self, read: frozenset[str]) -> frozenset[str]:
        """The read papers the list leaves out: all but those read during this visit."""
        if not self.kept:
            return read
        known = self._memo.get(id(read))
        if known is not None and known[0] is read:
            return known[1]
        listed = read - self.kept
        self._memo.clear()  # only the newest read set is asked for again
        self._memo[id(read)] = (read, listed)
        return listed
