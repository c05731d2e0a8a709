"""Every worker names itself.

Without a description, Textual builds one on the UI thread from the repr of the worker's
arguments: for a listing or a bulk change of 100,000 ids that is a visible stall on each key.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import reader

TUI = Path(reader.__file__).parent / "tui"


def work_decorators_without_description() -> list[str]:
    missing = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                named = call.func if call else decorator
                if isinstance(named, ast.Name) and named.id == "work":
                    if call is None or not any(keyword.arg == "description" for keyword in call.keywords):
                        missing.append(f"{path.relative_to(TUI)}:{node.lineno} {node.name}")
    return missing


def test_every_worker_has_a_description() -> None:
    assert work_decorators_without_description() == []


def test_the_check_finds_a_worker_without_one(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "screen.py").write_text("@work(group='x')\nasync def job(self): ...\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "TUI", tmp_path)
    assert work_decorators_without_description() == ["screen.py:2 job"]
