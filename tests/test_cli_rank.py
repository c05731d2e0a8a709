"""`reader rank`: the unread papers ranked by the starred (or one tag's) papers, with reasons."""

from __future__ import annotations

import pytest
from reader.state.store import StateStore, state_path

from support.cli import as_json, run
from support.seeds import user_dirs


@pytest.fixture
def home(tmp_path, default_seeds_index):
    return default_seeds_index.copy_into(tmp_path / "home")


def ids_of(home, query: str, limit: int) -> list[str]:
    return [hit["id"] for hit in as_json(run(home, "search", query, "--limit", str(limit), "--json"))]


def titles(records) -> list[str]:
    return [record["title"].lower() for record in records]


def test_rank_without_stars_says_what_to_do_and_exits_1(home):
    result = run(home, "rank", "--json", check=False)
    assert result.returncode == 1 and result.stdout.strip() == "[]"
    assert "Star a few papers to rank the rest by them." in result.stderr


def test_rank_lists_papers_like_the_starred_ones_with_reasons(home):
    starred = ids_of(home, "title:code", 4)
    run(home, "mark", "star", *starred)
    read = ids_of(home, "title:code", 6)[4:]
    run(home, "mark", "read", *read)
    ranked = as_json(run(home, "rank", "--limit", "10", "--json"))
    assert len(ranked) == 10
    ranked_ids = {record["id"] for record in ranked}
    assert not ranked_ids & set(starred) and not ranked_ids & set(read)  # not the seeds, not read
    assert sum("code" in title for title in titles(ranked)) >= 5  # the starred papers' topic first
    assert [record["score"] for record in ranked] == sorted((record["score"] for record in ranked), reverse=True)
    assert all(1 <= len(record["because"]) <= 5 for record in ranked)
    assert any("code" in record["because"] for record in ranked)
    assert all(not record["read"] and not record["starred"] for record in ranked)
    text = run(home, "rank", "--limit", "2").stdout.splitlines()
    assert len(text) == 4 and text[1].strip().startswith("because: ") and text[1].endswith(", …")


def test_unstarred_papers_stop_counting(home):
    code = ids_of(home, "title:code", 4)
    run(home, "mark", "star", *code)
    before = as_json(run(home, "rank", "--limit", "30", "--json"))
    assert not {record["id"] for record in before} & set(code)
    run(home, "mark", "unstar", *code[:2])
    after = [record["id"] for record in as_json(run(home, "rank", "--limit", "200", "--json"))]
    assert set(code[:2]) <= set(after)  # no longer seeds: ranked like the other unread papers
    assert not set(code[2:]) & set(after)
    assert after[:30] != [record["id"] for record in before]


def test_rank_by_a_tag(home):
    scaling = ids_of(home, "title:scaling", 5)
    tag_papers(home, scaling[:4], "scaling")
    run(home, "mark", "star", scaling[4])  # a starred paper not tagged: ranked with the others
    ranked = as_json(run(home, "rank", "--tag", "scaling", "--limit", "10", "--json"))
    every = as_json(run(home, "rank", "--tag", "scaling", "--limit", "200", "--json"))
    assert [record["starred"] for record in every if record["id"] == scaling[4]] == [True]
    assert sum("scal" in title for title in titles(ranked)) >= 4
    assert not {record["id"] for record in ranked} & set(scaling[:4])
    missing = run(home, "rank", "--tag", "nothing-here", check=False)
    assert missing.returncode == 1 and "No papers tagged #nothing-here" in missing.stderr


def tag_papers(home, ids: list[str], tag: str) -> None:
    with StateStore(state_path(user_dirs(home).data, "default")) as state:
        for pid in ids:
            state.change_tags(pid, [tag])
