"""Where the list's cursor goes: to the next or previous unread paper, or on after a mark."""

from __future__ import annotations

from collections.abc import Container, Sequence


def step_unread(ids: Sequence[str], start: int, read_ids: Container[str], step: int = 1) -> int | None:
    """Index of the next (step=1) or previous (step=-1) unread paper after `start`; None if none."""
    index = start + step
    while 0 <= index < len(ids):
        if ids[index] not in read_ids:
            return index
        index += step
    return None


def after_mark(index: int, count: int) -> int:
    """Where the cursor goes after "mark read and next": the next row, or stay on the last."""
    return max(0, min(index + 1, count - 1))
