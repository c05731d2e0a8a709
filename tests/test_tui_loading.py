"""The library view is frozen for the garbage collector once, after the first load: views
replaced later (a sync that changed something, a mute rule) stay collectable."""

from __future__ import annotations

import gc

from reader.tui.reading import loading


def test_the_first_view_is_frozen_and_later_ones_are_not(monkeypatch):
    frozen = []
    monkeypatch.setattr(loading, "_gc_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    for _ in range(3):
        loading.freeze_once()
    assert frozen == [True]
