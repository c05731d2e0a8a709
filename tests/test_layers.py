"""The package layout is a contract: lower layers never reach up, siblings never reach sideways.

Layers, lowest first:
  system (files, locks, the OS) < paths (where things live) < domain (plain records and rules)
  < ingest | search | state (siblings, which meet only through domain)
  < library (puts them together) < tui (the terminal app) < cli (the command, which may open the app).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import reader

PACKAGE_ROOT = Path(reader.__file__).parent
LAYER = {
    "__init__": 0, "system": 0, "paths": 1, "domain": 2, "ingest": 3, "search": 3, "state": 3,
    "library": 4, "tui": 5, "cli": 6, "__main__": 7,
}
MAX_LINES = 400


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE_ROOT.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE_ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(["reader", *parts])] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    """Every reader module this one imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    wanted: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            wanted.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            wanted.add(base)
            wanted.update(f"{base}.{alias.name}" for alias in node.names)
    return {target for target in wanted if target in _modules() and target != name}


def _top(name: str) -> str:
    return name.split(".")[1] if "." in name else "__init__"


def _graph() -> dict[str, set[str]]:
    return {name: _imports(name, path) for name, path in _modules().items()}


def test_every_package_has_a_layer():
    assert {_top(name) for name in _modules()} <= set(LAYER)


def test_lower_layers_never_import_higher_ones_or_siblings():
    wrong = []
    for name, targets in _graph().items():
        for target in targets:
            source_top, target_top = _top(name), _top(target)
            if source_top != target_top and target_top != "__init__" and LAYER[target_top] >= LAYER[source_top]:
                wrong.append(f"{name} -> {target}")
    assert sorted(wrong) == []


def test_there_are_no_import_cycles():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_module_is_over_the_size_limit():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: size for name, size in sizes.items() if size > MAX_LINES} == {}


def test_only_the_terminal_app_imports_textual():
    others = sorted(name for name in _modules() if _top(name) != "tui")
    for name in others:
        text = _modules()[name].read_text(encoding="utf-8")
        assert "import textual" not in text and "from textual" not in text, name
    script = (
        "import importlib, sys\n"
        f"for name in {others!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
