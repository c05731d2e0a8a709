"""The names of Textual's built-in themes, for checking a config file's `theme` outside the app."""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES


def builtin_theme_names() -> frozenset[str]:
    return frozenset(BUILTIN_THEMES)
