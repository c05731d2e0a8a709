"""The rule "text from users and digests is never markup" holds by construction: the places
where Textual would parse a string as markup get plain Content or a literal of ours."""

from __future__ import annotations

import ast
from pathlib import Path

import reader.tui

TUI = Path(reader.tui.__path__[0])
# Content built without parsing: the plain helpers, Content itself, and functions of ours that
# assemble Content from those.
SAFE_CALLS = {"plain", "plain_line", "matched", "Content", "status_content", "help_content", "log_content", "_describe"}


def sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(TUI.rglob("*.py"))]


def call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return ""


def is_safe(value: ast.AST) -> bool:
    """A literal written here, or Content built without parsing."""
    constant = isinstance(value, ast.Constant) and isinstance(value.value, (str, type(None)))
    return constant or call_name(value) in SAFE_CALLS


def test_borders_get_plain_content_or_a_literal():
    bad = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    border = isinstance(target, ast.Attribute) and target.attr in ("border_title", "border_subtitle")
                    if border and not is_safe(node.value):
                        bad.append(f"{path.name}:{node.lineno}")
    assert bad == []


def test_labels_and_statics_never_parse_text_as_markup():
    bad = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if call_name(node) in ("Label", "Static") and isinstance(node, ast.Call):
                markup_off = any(
                    k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
                    for k in node.keywords
                )
                if node.args and not is_safe(node.args[0]) and not markup_off:
                    bad.append(f"{path.name}:{node.lineno}")
    assert bad == []


def test_palette_hits_are_made_in_one_place_and_nothing_parses_markup():
    makers, parsers = set(), []
    for path, tree in sources():
        for node in ast.walk(tree):
            if call_name(node) in ("Hit", "DiscoveryHit"):
                makers.add(path.name)
            if isinstance(node, ast.Attribute) and (
                node.attr in ("from_markup", "render_str")
                or node.attr == "highlight" and isinstance(node.value, ast.Name) and node.value.id == "matcher"
            ):
                parsers.append(f"{path.name}:{node.lineno}")
    assert makers == {"commands.py"}
    assert parsers == []
