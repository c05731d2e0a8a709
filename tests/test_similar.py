"""`reader similar` and `reader digests` provenance counts, as a user runs them."""

from __future__ import annotations

import pytest

from support.cli import as_json, run

CHEAPLY = "Cheaply Evaluating Inference Efficiency Metrics for Autoregressive Transformer APIs"


@pytest.fixture(scope="module")
def home(tmp_path_factory, default_seeds_index):
    return default_seeds_index.copy_into(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def cheaply(home):
    [hit] = as_json(run(home, "search", f'title:"{CHEAPLY}"', "--json"))
    return hit


def test_similar_lists_five_other_papers_on_the_topic(home, cheaply):
    found = as_json(run(home, "similar", cheaply["id"], "--json"))
    assert len(found) == 5
    assert cheaply["id"] not in {paper["id"] for paper in found}
    assert [paper["score"] for paper in found] == sorted((paper["score"] for paper in found), reverse=True)
    assert set(found[0]) >= {"id", "title", "score", "digests", "read", "starred"}
    assert any("inference" in paper["title"].lower() for paper in found)


def test_similar_takes_a_limit_and_a_prefix_and_prints_titles(home, cheaply):
    assert len(as_json(run(home, "similar", cheaply["id"][:6], "--limit", "2", "--json"))) == 2
    text = run(home, "similar", cheaply["id"], "--limit", "3").stdout.splitlines()
    assert text[0] == f"like: {CHEAPLY}" and len(text) == 4


def test_similar_with_an_unknown_id_says_so(home):
    result = run(home, "similar", "zzzzzzzz", check=False)
    assert result.returncode == 2 and "no paper with id 'zzzzzzzz'" in result.stderr
    assert run(home, "similar", "x", "--limit", "0", check=False).returncode == 2


def test_digests_split_entries_into_new_and_seen_before(home):
    digests = {d["label"]: d for d in as_json(run(home, "digests", "--json"))}
    mar_14 = digests["Mar 14"]
    assert mar_14["entries"] == 106 and mar_14["new"] + mar_14["seen_before"] == 106
    assert mar_14["seen_before"] > 0
    assert all(d["new"] + d["seen_before"] == d["entries"] for d in digests.values())
    assert "seen before" in run(home, "digests").stdout
