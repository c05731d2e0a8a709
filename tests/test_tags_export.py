"""Tags and notes in every export format, and through `reader export` / `reader search`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from reader.domain.annotations import Annotations
from reader.domain.models import Appearance, Paper
from reader.library.export import export_papers
from reader.state.store import StateStore, state_path

from support.cli import run

PAPER = Paper(
    "p1",
    "Sparse Experts",
    "An abstract.",
    ("https://arxiv.org/abs/1",),
    (Appearance(1, "Mar 14", date(2026, 3, 14), "d.txt", 1),),
)
OTHER = Paper("p2", "Plain Paper", "Nothing.", (), ())
NOTE = "Beats the *dense* baseline {maybe}\n# not a heading\n\x1b[31mred"
ANNOTATIONS = Annotations({"p1": ("moe", "rl")}, {"p1": NOTE})


def export(fmt: str) -> str:
    return export_papers([PAPER, OTHER], {}, fmt, ANNOTATIONS)


def test_json_carries_tags_and_the_note_as_text():
    first, second = json.loads(export("json"))
    assert first["tags"] == ["moe", "rl"]
    assert first["note"].startswith("Beats the *dense* baseline {maybe}\n# not a heading\n")
    assert "\x1b" not in first["note"]  # no control byte, whatever the state file holds
    assert second["tags"] == [] and second["note"] is None


def test_csv_has_tags_and_note_columns():
    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert rows[0]["tags"] == "moe; rl"
    assert rows[0]["note"].startswith("Beats the *dense* baseline") and "\x1b" not in rows[0]["note"]
    assert rows[1]["tags"] == rows[1]["note"] == ""


def test_markdown_lists_tags_and_quotes_the_note_escaped():
    text = export("md")
    assert "  - Tags: moe, rl" in text
    assert "    > Beats the \\*dense\\* baseline {maybe}" in text
    assert "    > \\# not a heading" in text
    assert "\x1b" not in text


def test_bibtex_gives_keywords_and_annote_with_balanced_braces():
    entry = export("bibtex").split("\n\n")[0]
    assert "keywords = {moe, rl}" in entry
    assert r"annote = {Beats the *dense* baseline \textbraceleft{}maybe\textbraceright{} \# not a heading" in entry
    assert "\x1b" not in entry
    assert "note = {Seen in: Mar 14}" in entry
    second = export("bibtex").split("\n\n")[1]
    assert "keywords" not in second and "annote" not in second


def test_without_annotations_a_paper_has_no_tags_and_no_note():
    record = json.loads(export_papers([PAPER], {}, "json"))[0]
    assert (record["tags"], record["note"]) == ([], None)
    assert "keywords" not in export_papers([PAPER], {}, "bibtex")


# -- the command line --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tagged_home(tmp_path_factory, default_seeds_index):
    home = default_seeds_index.copy_into(tmp_path_factory.mktemp("home"))
    hits = json.loads(run(home, "search", "quantized", "--json", "--limit", "2").stdout)
    first, second = hits[0]["id"], hits[1]["id"]
    with StateStore(state_path(home / "data", "default")) as state:
        state.change_tags(first, ["moe"])
        state.set_note(second, "zygomorphic reminder")
    return home, first, second


def test_reader_export_includes_tags_and_notes(tagged_home, tmp_path):
    home, first, second = tagged_home
    out = tmp_path / "tagged.json"
    run(home, "export", "--format", "json", "--query", "tag:moe", "-o", str(out))
    [record] = json.loads(out.read_text())
    assert record["id"] == first and record["tags"] == ["moe"]
    bib = run(home, "export", "--format", "bibtex", "--query", "note:zygomorphic").stdout
    assert "annote = {zygomorphic reminder}" in bib


def test_reader_search_finds_note_words_and_tags(tagged_home):
    home, first, second = tagged_home
    assert [hit["id"] for hit in json.loads(run(home, "search", "zygomorphic", "--json").stdout)] == [second]
    assert [hit["id"] for hit in json.loads(run(home, "search", "tag:moe", "--json").stdout)] == [first]


def test_reader_show_prints_tags_and_the_note(tagged_home):
    home, first, second = tagged_home
    assert "tags: #moe" in run(home, "show", first).stdout
    shown = json.loads(run(home, "show", second, "--json").stdout)
    assert shown["note"] == "zygomorphic reminder" and shown["tags"] == []
