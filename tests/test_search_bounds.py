"""Fuzzy words are bounded in the query plan, and a search can be abandoned (core).

Work is checked by counting (similar words looked up, terms in the plan), never by the clock.
"""

from __future__ import annotations

import time

import pytest
from reader.domain.cancel import CancelToken, SearchCancelled
from reader.library.library import Library
from reader.library.mute import match_rules
from reader.search.fuzzy import (
    MAX_EDIT_DISTANCE,
    MAX_FUZZY_TERMS,
    MAX_FUZZY_WORDS,
    Vocabulary,
    edit_distance,
    expand_fuzzy,
)
from reader.search.query import parse_query
from whoosh.query import FuzzyTerm, Term


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, seeds_index):
    index = seeds_index.copy_index(tmp_path_factory.mktemp("bounds") / "cache")
    library = Library([seeds_index.digests], index)
    library.sync()
    yield library
    library.close()


def leaves(query):
    if query.is_leaf():
        yield query
        return
    for child in query.children():
        yield from leaves(child)


class CountingVocabulary(Vocabulary):
    def __init__(self, terms):
        super().__init__(terms)
        self.looked_up: list[str] = []

    def similar(self, text, maxdist, prefixlength=0):
        self.looked_up.append(text)
        return super().similar(text, maxdist, prefixlength)


def test_an_edit_distance_over_two_is_cut_to_two_and_said():
    parsed = parse_query("mo~9 ")
    fuzzy = [leaf for leaf in leaves(parsed.query) if isinstance(leaf, FuzzyTerm)]
    assert fuzzy and all(leaf.maxdist == MAX_EDIT_DISTANCE == 2 for leaf in fuzzy)
    assert parsed.notices == ("fuzzy words allow at most 2 edits: mo~9 searched as mo~2",)
    assert parse_query("mo~2 ").notices == ()


def test_edit_distance_counts_insertions_deletions_substitutions_and_swaps():
    assert edit_distance("gausian", "gaussian", 2) == 1
    assert edit_distance("modle", "model", 2) == 1  # two neighbours swapped
    assert edit_distance("mo", "mod", 2) == 1
    assert edit_distance("mo", "model", 2) == 3  # more than the limit: limit + 1
    assert edit_distance("transformer", "transformr", 1) == 1


def test_fuzzy_words_share_one_budget_of_similar_words():
    """50 fuzzy words, each with hundreds of near words: a bounded number is looked up and
    the plan holds a bounded number of terms (about 24 s per search before the bound)."""
    vocabulary = CountingVocabulary([f"word{number}" for number in range(1000)] + ["words", "ward"])
    parsed = parse_query(" ".join(f"word{number}~2" for number in range(50)) + " ")
    expanded, notices = expand_fuzzy(parsed.query, vocabulary)
    words = {leaf.text for leaf in leaves(expanded)}
    assert not any(isinstance(leaf, FuzzyTerm) for leaf in leaves(expanded))
    assert len(vocabulary.looked_up) <= MAX_FUZZY_WORDS
    assert len(words) <= MAX_FUZZY_TERMS + 50  # each fuzzy word also matches itself as typed
    assert {f"word{number}" for number in range(50)} <= words
    assert notices and "at most 64 similar words" in notices[0]


def test_a_short_word_at_distance_two_keeps_the_closest_words():
    known = ["mo", "mob", "mod", "moe"] + [f"m{a}{b}" for a in "abcdefghij" for b in "klmnopqrst"]
    expanded, notices = expand_fuzzy(parse_query("title:mo~2 ").query, Vocabulary(known))
    words = [leaf.text for leaf in leaves(expanded)]
    one_edit = {word for word in known if edit_distance("mo", word, 2) == 1}  # mob ... and mao ...
    assert words[0] == "mo" and set(words[1 : 1 + len(one_edit)]) == one_edit
    assert len(words) == 1 + MAX_FUZZY_TERMS and notices


def test_both_engines_run_the_same_bounded_plan(seeds):
    """Fuzzy words reach the engines as plain terms: the fast evaluator answers (it has no
    fuzzy support) and Whoosh finds the same papers."""
    query, notices = expand_fuzzy(parse_query("gausian~ splatting ").query, seeds.index.vocabulary(Vocabulary))
    assert not notices and not any(isinstance(leaf, FuzzyTerm) for leaf in leaves(query))
    fast = seeds.fast.search(query, None, seeds.view().order)
    assert fast is not None and fast.ids
    assert set(fast.ids) == {hit.id for hit in seeds.index.search(query)}
    titles = [seeds.paper(pid).title for pid in seeds.search(parse_query("gausian~ splatting")).ids]
    assert any("Gaussian" in title for title in titles)


def test_a_fuzzy_search_says_when_it_was_cut(seeds):
    result = seeds.search(parse_query("mo~9 "))
    assert "fuzzy words allow at most 2 edits: mo~9 searched as mo~2" in result.notices
    many = seeds.search(parse_query(" ".join(f"word{number}~2" for number in range(50)) + " "))
    assert any("similar words" in notice for notice in many.notices)


@pytest.mark.parametrize("fast_loaded", [True, False])
def test_a_cancelled_search_stops(seeds, monkeypatch, fast_loaded):
    token = CancelToken()
    token.cancel()
    if not fast_loaded:  # Whoosh answers: its collector checks the token
        monkeypatch.setattr(seeds.fast, "_snapshot", None)
    assert seeds.search(parse_query("model "), cancel=CancelToken()).ids == seeds.search(parse_query("model ")).ids
    with pytest.raises(SearchCancelled):
        seeds.search(parse_query("model "), cancel=token)
    with pytest.raises(SearchCancelled):
        seeds.search(parse_query("modle~ "), cancel=token)


def test_the_fast_evaluator_checks_between_terms(seeds):
    checks = []
    query = parse_query("model vision language ").query
    assert seeds.fast.search(query, None, seeds.view().order, cancel=lambda: checks.append(1)) is not None
    assert len(checks) >= len([leaf for leaf in leaves(query) if isinstance(leaf, Term)])


def test_a_slow_mute_rule_is_stopped_and_named(seeds, monkeypatch):
    real = seeds.search

    def search(parsed, *args, cancel=None, **kwargs):
        while "endless" in parsed.raw:  # an evaluation that would run for minutes
            cancel.check()
            time.sleep(0.01)
        return real(parsed, *args, cancel=cancel, **kwargs)

    monkeypatch.setattr(seeds, "search", search)
    muting = match_rules(seeds, ["title:survey", "endless words"], time_limit=0.2)
    assert muting.hidden_by["endless words"] == frozenset()
    assert muting.hidden_by["title:survey"]  # the other rules still hide their papers
    assert len(muting.notices) == 1 and "endless words" in muting.notices[0]
