"""First appearances, new / seen-before counts, papers new to the user, mute rules (core)."""

from __future__ import annotations

import sqlite3

import pytest
from reader.domain.counts import tally
from reader.domain.marks import Marks
from reader.domain.views import View, new_members
from reader.library.library import Library
from reader.library.mute import BadRule, match_rules, parse_rule, without_muted
from reader.library.provenance import new_to_user, provenance, to_record
from reader.search.similar import similar_papers
from reader.state.store import StateStore

from support.views import small_view

CHEAPLY = "Cheaply Evaluating Inference Efficiency Metrics for Autoregressive Transformer APIs"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, seeds_index):
    library = Library([seeds_index.digests], seeds_index.copy_index(tmp_path_factory.mktemp("cache") / "index"))
    library.sync()
    yield library
    library.close()


def test_first_appearance_is_the_oldest_dated_digest():
    found = provenance(small_view())
    assert found.first_digest == {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    assert found.new_in[2] == frozenset("cd")


def test_new_and_seen_before_add_up_to_the_entries_even_with_a_repeat():
    news = provenance(small_view()).news
    assert (news[1].new, news[1].seen_before) == (2, 1)  # c was in Mar 14 first
    assert (news[2].new, news[2].seen_before) == (2, 1)  # d listed twice: new once
    assert (news[3].new, news[3].seen_before) == (1, 1)
    assert all(item.entries == info.entries for info, item in zip(small_view().digests, news.values(), strict=True))


def test_mar_14_of_the_seeds_splits_its_106_entries(seeds):
    view = seeds.view()
    [mar_14] = view.match_digests("Mar 14")
    news = provenance(view).news[mar_14.id]
    assert mar_14.entries == 106
    assert news.new + news.seen_before == 106
    assert news.seen_before > 0 and news.new > 0
    # every seed digest adds up, and each paper is new in exactly one digest
    found = provenance(view)
    assert all(found.news[info.id].entries == info.entries for info in view.digests)
    assert sum(item.new for item in found.news.values()) == len(view.papers)


def test_the_cheaply_paper_lists_four_appearances_with_dates(seeds):
    pid = next(pid for pid, summary in seeds.view().papers.items() if summary.title == CHEAPLY)
    paper = seeds.paper(pid)
    assert len(paper.appearances) == 4
    assert all(appearance.date is not None for appearance in paper.appearances)
    assert provenance(seeds.view()).first_digest[pid] == paper.appearances[-1].digest_id  # the oldest


def test_the_new_view_keeps_first_appearances_or_papers_never_shown():
    found = provenance(small_view())
    unseen = new_to_user(small_view(), {"a", "b"})
    assert unseen == frozenset("cde")
    assert new_members(View.NEW, None, found.new_in, unseen) == frozenset("cde")
    assert new_members(View.NEW, 1, found.new_in, unseen) == frozenset("ab")
    assert new_members(View.ALL, 1, found.new_in, unseen) is None
    assert to_record(small_view(), {"a", "b"}) == ["c", "d", "e"]


def test_known_papers_are_remembered_once_with_their_first_time(tmp_path):
    with StateStore(tmp_path / "state.sqlite3") as state:
        assert state.known_ids() == frozenset()  # a new database: everything is new
        assert state.record_known(["a", "b"]) == 2
        first = state._db().execute("SELECT first_seen FROM known WHERE paper_id = 'a'").fetchone()[0]
        assert state.record_known(["a", "c"]) == 1
        assert state.known_ids() == frozenset("abc")
        assert state._db().execute("SELECT first_seen FROM known WHERE paper_id = 'a'").fetchone()[0] == first
        assert not state.can_undo()  # being shown is not an action to undo


def test_a_version_1_state_file_gains_the_new_tables_and_keeps_its_marks(tmp_path):
    path = tmp_path / "state.sqlite3"
    with StateStore(path) as state:
        state.set_read(["x"], True)
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE known; DROP TABLE mute_rules;")
    db.close()
    with StateStore(path) as state:
        assert state.read_ids() == {"x"}
        state.add_mute_rule("title:survey")
        assert state.mute_rules() == ["title:survey"]


def test_mute_rules_are_saved_and_undone(tmp_path):
    with StateStore(tmp_path / "state.sqlite3") as state:
        assert state.add_mute_rule(" title:survey ")
        assert not state.add_mute_rule("title:survey")  # already there: no second journal entry
        state.set_starred(["p"], True)
        assert state.remove_mute_rule("title:survey") and state.mute_rules() == []
        result = state.undo()
        assert result.mute_rules == ("title:survey",) and result.paper_ids == ()
        assert state.mute_rules() == ["title:survey"]
        assert state.undo().paper_ids == ("p",)  # the star, in between
        assert state.undo().description == "mute title:survey"
        assert state.mute_rules() == []
        with pytest.raises(ValueError):
            state.add_mute_rule("  ")


@pytest.mark.parametrize("text", ["", "is:read", "is:starred title:x"])
def test_a_mute_rule_needs_words(text):
    with pytest.raises(BadRule):
        parse_rule(text)


def test_a_mute_rule_matches_whole_words_and_hides_papers_from_views_and_counts(seeds):
    view = seeds.view()
    muting = match_rules(seeds, ["title:survey", "is:read"])
    hidden = muting.hidden_by["title:survey"]
    assert hidden and all("survey" in view.papers[pid].title.lower() for pid in hidden)
    assert muting.hidden_by["is:read"] == frozenset()  # a bad stored rule hides nothing
    assert parse_rule("title:surv").query is not None
    assert match_rules(seeds, ["title:surv"]).ids == frozenset()  # not a prefix
    visible = without_muted(view, muting.ids)
    assert len(visible.papers) == len(view.papers) - len(hidden)
    assert not hidden & set(visible.order)
    assert tally(visible, Marks()).counts.total == len(view.papers) - len(hidden)
    assert all(not (ids & hidden) for ids in visible.papers_in_digest.values())


def test_similar_papers_leave_out_the_paper_itself_and_muted_ones(seeds):
    pid = next(pid for pid, summary in seeds.view().papers.items() if summary.title == CHEAPLY)
    found = similar_papers(seeds, pid)
    assert len(found) == 5 and pid not in {item.id for item in found}
    muted = frozenset(item.id for item in found[:2])
    again = similar_papers(seeds, pid, excluded=muted)
    assert len(again) == 5 and not muted & {item.id for item in again}
    assert [item.id for item in again[:3]] == [item.id for item in found[2:]]
