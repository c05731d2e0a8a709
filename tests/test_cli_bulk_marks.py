"""`reader mark ACTION --query Q`: every paper a search finds, marked in one undo step."""

from __future__ import annotations

import pytest

from support.cli import as_json, run, stats


@pytest.fixture
def home(tmp_path, default_seeds_index):
    return default_seeds_index.copy_into(tmp_path / "home")


def ids_of(home, query: str) -> set[str]:
    found = run(home, "search", query, "--json", "--limit", "1000", check=False)
    assert found.returncode in (0, 1), found.stderr  # 1: no paper matches, as grep
    return {hit["id"] for hit in as_json(found)}


def test_a_digest_but_its_starred_papers_is_marked_read_and_one_undo_takes_it_back(home):
    in_digest = ids_of(home, 'digest:"Mar 14"')
    assert len(in_digest) == 106
    kept = sorted(in_digest)[0]
    run(home, "mark", "star", kept)

    marked = run(home, "mark", "read", "--query", 'digest:"Mar 14" NOT is:starred')
    assert marked.stdout.strip() == "marked read 105 papers"
    assert ids_of(home, "is:read") == in_digest - {kept}
    assert stats(run(home, "stats", "--json"))["unread"] == 383 - 105

    assert "undid: mark 105 papers read" in run(home, "undo").stdout
    assert ids_of(home, "is:read") == set()
    assert ids_of(home, "is:starred") == {kept}  # the earlier star is its own undo step


def test_a_query_matching_nothing_marks_nothing_and_says_so(home):
    result = run(home, "mark", "star", "--query", "zzzqqqxxy", check=False)
    assert result.returncode == 1
    assert "nothing marked" in result.stdout
    assert ids_of(home, "is:starred") == set()
    assert "nothing to undo" in run(home, "undo").stdout


def test_ids_and_a_query_together_are_refused(home):
    some_id = sorted(ids_of(home, "melange"))[0]
    result = run(home, "mark", "read", some_id, "--query", "melange", check=False)
    assert result.returncode == 2
    assert "one of the two" in result.stderr
    neither = run(home, "mark", "read", check=False)
    assert neither.returncode == 2
    assert ids_of(home, "is:read") == set()
