"""`reader show` of a fetched paper: authors, arXiv id, counts and the numbered, labelled links."""

from __future__ import annotations

from pathlib import Path

from support.cli import paper_id, run
from support.fetched import entry, write_fetched


def test_show_prints_the_metadata_and_the_links_numbered(home: Path, tmp_path: Path):
    folder = tmp_path / "digests"
    folder.mkdir()
    write_fetched(folder, [entry("Speculative Decoding for Everyone", authors=[{"name": "[/] [bold]x"}])])
    pid = paper_id(home, folder, "speculative")
    lines = run(home, "--digests", str(folder), "show", pid).stdout.splitlines()
    assert lines[3:8] == [
        "[/] [bold]x",
        "arXiv 2611.01234",
        "published 2026-11-18",
        "▲ 42 · 3 comments · GitHub ★ 120",
        "keywords decoding, speed",
    ]
    assert lines[-6:] == [
        "[1] arXiv abstract  https://arxiv.org/abs/2611.01234",
        "[2] PDF  https://arxiv.org/pdf/2611.01234",
        "[3] Hugging Face paper page  https://huggingface.co/papers/2611.01234",
        "[4] GitHub  https://github.com/a/b",
        "[5] Project page  https://a.github.io/b",
        "[6] example.org  https://example.org/extra",
    ]
