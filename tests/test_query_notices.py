"""Queries that cannot be read as typed: each gets one line saying what was done with it."""

from __future__ import annotations

import pytest
from reader.search.query import parse_query


def finished(text: str):
    return parse_query(text + " ")  # as after a space, or from a script: nothing half-typed


@pytest.mark.parametrize(
    ("query", "said"),
    [
        (
            "(( AND",
            [
                (
                    'in the query: 2 unclosed "(" (closed at the end) and AND without a word on each side (left out); '
                    "no words left to search for"
                )
            ],
        ),
        ("NOT", ["in the query: NOT without a word after it (left out); no words left to search for"]),
        ("a:b:c )", ['in the query: an unmatched ")" (left out); no words left to search for', "a is not a field"]),
    ],
)
def test_a_query_of_operators_and_brackets_says_it_has_nothing_to_search(query, said):
    parsed = finished(query)
    assert parsed.query is None  # nothing to search: the filters alone decide, as with an empty box
    assert len(parsed.notices) == len(said)
    for notice, start in zip(parsed.notices, said, strict=True):
        assert notice.startswith(start) and "\n" not in notice


def test_an_unknown_field_is_named_with_the_fields_there_are_and_searched_as_words():
    parsed = finished("foo:bar")
    (notice,) = parsed.notices
    assert notice.startswith("foo is not a field (fields: title:, abstract:;")
    assert "foo:bar was searched as plain words" in notice
    assert parsed.query is not None


@pytest.mark.parametrize("query", ["a:b:c )", "a:b:c", "x:y )", "a:b c:d"])
def test_an_unknown_field_with_no_words_left_is_not_said_to_be_searched(query):
    parsed = finished(query)
    assert parsed.query is None
    assert any("no words" in notice for notice in parsed.notices)
    assert not any("was searched as plain words" in notice for notice in parsed.notices)
    assert any(notice.startswith(f"{query[0]} is not a field") for notice in parsed.notices)


def test_an_unclosed_quote_is_dropped_and_its_words_searched_one_by_one():
    parsed = finished('"unclosed phrase')
    assert parsed.notices == ("in the query: an unclosed quote (its words are searched one by one)",)
    assert parsed.query == finished("unclosed phrase").query


@pytest.mark.parametrize(
    ("broken", "meant"),
    [("llm OR", "llm"), ("((llm)", "llm"), ("llm)", "llm"), ("x AND OR vlm", "x OR vlm"), ("NOT", "")],
)
def test_the_readable_rest_of_a_broken_query_is_searched(broken, meant):
    assert finished(broken).notices
    assert finished(broken).query == finished(meant).query


def test_a_group_or_phrase_being_typed_keeps_its_field_and_the_last_word_as_prefix():
    group = parse_query("title:(diffusion vid")
    assert group.notices == ('in the query: an unclosed "(" (closed at the end)',)
    assert group.query == parse_query("title:(diffusion (vid OR vid*)) ").query
    phrase = parse_query('abstract:"mixture of')
    assert phrase.notices == ("in the query: an unclosed quote (its words are searched one by one)",)
    assert phrase.query == parse_query("abstract:mixture (of OR of*) ").query


def test_only_common_or_one_letter_words_say_there_is_nothing_to_search():
    assert finished("the a").notices == (
        "no words to search for in 'the a' (one-letter and very common words are skipped)",
    )


@pytest.mark.parametrize(
    "query",
    [
        "diffusion video",
        '"mixture of experts"',
        "title:llm abstract:lora",
        "quant* gausian~",
        "llm OR vlm",
        "llm NOT survey",
        "NOT survey",
        "(llm OR vlm) AND video",
        "title:(diffusion video)",
        "https://github.com/x/y",
        "ratio 3:1",
        'is:unread digest:"Mar 14" tag:moe note:baseline',
        "",
    ],
)
def test_well_formed_queries_get_no_notice(query):
    assert finished(query).notices == ()
    assert parse_query(query).notices == ()  # nor while the last word is being typed
