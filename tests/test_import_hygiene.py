"""reader/core is plain Python: importing it must not pull in Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import reader.core


def test_core_never_imports_textual():
    modules = [f"reader.core.{info.name}" for info in pkgutil.iter_modules(reader.core.__path__)]
    assert "reader.core.library" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_core_sources_do_not_mention_textual_imports():
    for info in pkgutil.iter_modules(reader.core.__path__):
        source = (reader.core.__path__[0] + f"/{info.name}.py")
        text = open(source, encoding="utf-8").read()
        assert "import textual" not in text and "from textual" not in text, source
