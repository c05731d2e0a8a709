"""Saved views in the state database and from the command line (`reader search --view`,
`reader views`): real processes, isolated READER_HOME."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from reader.domain.models import SavedView
from reader.domain.views import View
from reader.library.library import Library
from reader.library.mute import match_rules
from reader.library.saved_views import count_saved_views, find_saved_view, view_of
from reader.state.store import StateStore, state_path

FIXTURES = Path(__file__).parent / "fixtures" / "digests"


def run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "READER_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--digests", str(FIXTURES), *args],
        capture_output=True, text=True, env=env, timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def store(home: Path) -> StateStore:
    return StateStore(state_path(home / "data", "default"))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with store(home) as state:
        state.save_view(SavedView("Quant", "quantization", "all"))
        state.save_view(SavedView("Quant unread", "quantization", "unread"))
    return home


def test_search_with_a_saved_view_runs_its_query(home):
    found = json.loads(run(home, "search", "--view", "quant", "--json").stdout)  # case ignored
    titles = {paper["title"] for paper in found}
    assert "Scaling Laws for Floating Point Quantization Training" in titles
    assert len(found) == 2


def test_a_saved_view_keeps_its_view(home):
    first = json.loads(run(home, "search", "--view", "Quant", "--json").stdout)[0]
    run(home, "mark", "read", first["id"])
    unread = json.loads(run(home, "search", "--view", "Quant unread", "--json").stdout)
    assert first["id"] not in {paper["id"] for paper in unread} and len(unread) == 1
    run(home, "mark", "unread", first["id"])


def test_an_unknown_saved_view_is_a_clear_error(home):
    result = run(home, "search", "--view", "nope", check=False)
    assert result.returncode == 2
    assert "no saved view named 'nope'" in result.stderr and "Quant" in result.stderr


def test_search_needs_a_query_or_a_view_not_both(home):
    assert "one of the two" in run(home, "search", check=False).stderr
    assert "one of the two" in run(home, "search", "x", "--view", "Quant", check=False).stderr


def test_views_lists_names_queries_and_counts(home):
    views = json.loads(run(home, "views", "--json").stdout)
    assert views == [
        {"name": "Quant", "query": "quantization", "view": "all", "papers": 2},
        {"name": "Quant unread", "query": "quantization", "view": "unread", "papers": 2},
    ]
    assert "Quant unread" in run(home, "views").stdout


def test_views_with_none_saved_says_how_to_save_one(tmp_path):
    result = run(tmp_path, "views")
    assert result.stdout == "" and "ctrl+s" in result.stderr


def test_saving_replaces_a_view_of_the_same_name_and_rename_keeps_names_unique(tmp_path):
    with store(tmp_path) as state:
        assert state.save_view(SavedView("MoE", "experts")) is False
        assert state.save_view(SavedView("moe", "mixture of experts", "starred")) is True
        assert state.saved_views() == [SavedView("moe", "mixture of experts", "starred")]
        state.save_view(SavedView("Other", "routing"))
        with pytest.raises(ValueError, match="exists already"):
            state.rename_view("Other", "MOE")
        state.rename_view("Other", "Routing")
        assert [view.name for view in state.saved_views()] == ["moe", "Routing"]
        assert state.delete_view("MOE") and not state.delete_view("MOE")


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "bad\x1bname"])
def test_bad_names_are_refused_with_a_reason(tmp_path, name):
    with store(tmp_path) as state, pytest.raises(ValueError):
        state.save_view(SavedView(name, "query"))


def test_a_state_file_from_before_saved_views_gains_the_table(tmp_path):
    path = state_path(tmp_path, "default")
    with store_at(path) as state:
        pass
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE saved_views")
    with store_at(path) as state:
        state.save_view(SavedView("Later", "query"))
        assert state.saved_views() == [SavedView("Later", "query")]


def store_at(path: Path) -> StateStore:
    return StateStore(path)


def test_find_and_view_of_are_forgiving():
    saved = [SavedView("Mixture  of Experts", "moe", "bogus")]
    assert find_saved_view(saved, " mixture of  experts ") is None  # stored names are trimmed on save
    assert find_saved_view([SavedView("Mixture of Experts", "moe")], "mixture  OF experts") is not None
    assert view_of(saved[0]) is View.ALL


def test_a_saved_view_of_a_tag_counts_the_tagged_papers(tmp_path):
    home = tmp_path / "home"
    found = json.loads(run(home, "search", "quantization", "--json").stdout)
    with store(home) as state:
        state.change_tags(found[0]["id"], add=["lowbit"])
        state.save_view(SavedView("Low bit", "tag:lowbit", "all"))
    assert json.loads(run(home, "views", "--json").stdout)[0]["papers"] == 1
    assert [paper["id"] for paper in json.loads(run(home, "search", "--view", "low bit", "--json").stdout)] == [
        found[0]["id"]
    ]


def test_saved_view_counts_leave_muted_papers_out(tmp_path):
    library = Library([FIXTURES], tmp_path / "cache")
    try:
        library.sync()
        saved = [SavedView("Quant", "quantization", "all")]
        muted = match_rules(library, ["title:floating"]).ids
        assert count_saved_views(library, saved, frozenset(), frozenset()) == {"Quant": 2}
        assert count_saved_views(library, saved, frozenset(), frozenset(), muted=muted) == {"Quant": 1}
    finally:
        library.close()


def test_views_counts_as_many_papers_as_the_view_lists_with_mute_rules(tmp_path):
    home = tmp_path / "home"
    with store(home) as state:
        state.save_view(SavedView("Quant", "quantization", "all"))
        state.add_mute_rule("title:floating")
    listed = json.loads(run(home, "search", "--view", "Quant", "--json").stdout)
    assert len(listed) == 1
    assert json.loads(run(home, "views", "--json").stdout)[0]["papers"] == 1
    assert json.loads(run(home, "views", "--json", "--include-muted").stdout)[0]["papers"] == 2
