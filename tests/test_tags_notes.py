"""Tags and notes: normalising, the state database with undo, and search (tag:, note:, plain words)."""

from __future__ import annotations

import sqlite3

import pytest
from reader.domain.annotations import Annotations
from reader.domain.tags import (
    TagEdit,
    apply_tag_edit,
    complete_tag,
    normalise_note,
    normalise_tag,
    parse_tag_edit,
    tag_counts,
    tags_label,
)
from reader.library.library import Library
from reader.search.notes import merge_note_hits
from reader.search.query import parse_query
from reader.state.store import JOURNAL_LIMIT, StateStore

# In no abstract or title of the seeds (checked below), so only a note can find it.
NOTE_WORD = "zygomorphic"


# -- typing tags -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "tag"),
    [
        ("MoE", "moe"),
        ("  Long Context ", "long-context"),
        ("[bold]x[/bold]", "boldx/bold"),
        ("rl\x1b[31m", "rl"),
        ("--", ""),
        ("Évaluation", "évaluation"),
        ("a" * 60, "a" * 40),
    ],
)
def test_tags_are_lowercase_words_without_spaces_or_markup(typed, tag):
    assert normalise_tag(typed) == tag


def test_a_tag_edit_adds_plain_words_and_removes_minus_words():
    edit = parse_tag_edit("MoE -survey, +rl;efficient  -- [")
    assert edit == TagEdit(("moe", "rl", "efficient"), ("survey",), ("--", "["))
    assert apply_tag_edit(("survey", "vision"), edit) == ("efficient", "moe", "rl", "vision")
    assert not parse_tag_edit("  , ")


def test_the_last_mention_of_a_tag_wins():
    assert parse_tag_edit("moe -moe") == TagEdit((), ("moe",))
    assert parse_tag_edit("-moe moe") == TagEdit(("moe",), ())


def test_completion_finishes_the_last_word_from_known_tags():
    known = ["moe", "mixture", "survey", "scaling"]
    assert complete_tag("rl mo", known) == "rl moe"
    assert complete_tag("rl -su", known) == "rl -survey"
    assert complete_tag("S", known) == "scaling"
    assert complete_tag("moe", known) is None  # already whole
    assert complete_tag("rl ", known) is None
    assert complete_tag("zz", known) is None


def test_tag_counts_and_the_compact_row_label():
    counts = tag_counts({"a": ("moe", "rl"), "b": ("moe",), "c": ("agents",)})
    assert list(counts.items()) == [("moe", 2), ("agents", 1), ("rl", 1)]
    assert tags_label(["moe", "rl", "x", "y"]) == "#moe #rl #x #y"
    assert tags_label(["moe", "rl", "x", "y"], width=12) == "#moe #rl +2"
    assert tags_label(["efficiency", "quantization"], width=14) == "#efficiency +1"
    assert tags_label(["quantization"], width=8) == "#quanti…"
    assert tags_label([]) == ""


def test_notes_lose_controls_and_outer_blank_space():
    assert normalise_note("  first\r\nsecond\x1b[2J\x07 \n\n") == "first\nsecond"


# -- the state database ------------------------------------------------------------------------


@pytest.fixture
def state(tmp_path):
    store = StateStore(tmp_path / "state.sqlite3")
    yield store
    store.close()


def test_tags_are_saved_and_each_action_is_undone_on_its_own(state):
    assert state.change_tags("p1", ["MoE", "rl"]) == (("moe", "rl"), ())
    assert state.change_tags("p1", ["agents"], ["moe"]) == (("agents",), ("moe",))
    assert state.all_tags() == {"p1": ("agents", "rl")}
    assert state.change_tags("p1", ["rl"], ["nothing"]) == ((), ())  # no change, no journal entry
    undone = state.undo()
    assert undone.paper_ids == ("p1",) and "+agents -moe" in undone.description
    assert state.all_tags() == {"p1": ("moe", "rl")}
    state.undo()
    assert state.all_tags() == {}
    assert state.undo() is None


def test_a_note_is_saved_replaced_deleted_by_emptying_and_undone(state):
    assert state.set_note("p1", "first thoughts")
    assert state.set_note("p1", "second thoughts")
    assert not state.set_note("p1", "second thoughts  ")
    assert state.set_note("p1", "   ")  # empty: deleted
    assert state.all_notes() == {}
    assert state.undo().description == "delete a note"
    assert state.all_notes() == {"p1": "second thoughts"}
    assert state.undo().description == "edit a note"
    assert state.all_notes() == {"p1": "first thoughts"}
    assert state.undo().description == "add a note"
    assert state.all_notes() == {}


def test_tags_notes_and_marks_share_one_undo_order(state):
    state.set_read(["p1"], True)
    state.change_tags("p1", ["moe"])
    state.set_note("p1", "look again")
    state.undo()
    assert state.all_notes() == {} and state.all_tags() == {"p1": ("moe",)} and state.mark("p1").read
    state.undo()
    assert state.all_tags() == {} and state.mark("p1").read
    state.undo()
    assert not state.mark("p1").read


def test_a_too_long_note_is_refused_before_any_write(state):
    with pytest.raises(ValueError, match="too long"):
        state.set_note("p1", "x" * 20_001)
    assert state.all_notes() == {} and not state.can_undo()


def test_the_tag_and_note_journal_is_pruned_with_the_rest(state):
    for number in range(JOURNAL_LIMIT + 5):
        state.change_tags("p1", [f"t{number}"])
    db = sqlite3.connect(state.path)
    try:
        assert db.execute("SELECT count(*) FROM tag_changes").fetchone()[0] == JOURNAL_LIMIT
    finally:
        db.close()


def test_an_existing_state_file_gains_the_new_tables(tmp_path):
    path = tmp_path / "state.sqlite3"
    StateStore(path).close()
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE tags; DROP TABLE notes; DROP TABLE tag_changes; DROP TABLE note_changes;")
    db.execute("INSERT INTO marks (paper_id, read) VALUES ('p1', 1)")
    db.commit()
    db.close()
    with StateStore(path) as store:
        assert store.read_ids() == {"p1"}
        store.change_tags("p1", ["kept"])
        assert store.all_tags() == {"p1": ("kept",)}


# -- search ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_library(tmp_path_factory, seeds_index):
    index = seeds_index.copy_index(tmp_path_factory.mktemp("seeds") / "index")
    library = Library([seeds_index.digests], index)
    library.sync()
    yield library
    library.close()


def first_hit(library: Library, query: str) -> str:
    return library.search(parse_query(query)).ids[0]


def test_a_word_only_in_a_note_finds_that_paper(seeds_library):
    pid = first_hit(seeds_library, "quantized")
    assert seeds_library.search(parse_query(NOTE_WORD)).ids == []  # in no title or abstract
    annotations = Annotations({}, {pid: f"Compare with the {NOTE_WORD.capitalize()} baseline."})
    assert seeds_library.search(parse_query(NOTE_WORD), annotations=annotations).ids == [pid]
    # the same analysis as the index: case, accents and word endings do not matter
    assert seeds_library.search(parse_query("baselines"), annotations=annotations).ids[0] == pid
    assert seeds_library.search(parse_query(NOTE_WORD[:6]), annotations=annotations).ids == [pid]  # typing


def test_note_words_and_abstract_words_combine_in_one_query(seeds_library):
    pid = first_hit(seeds_library, "quantized")
    annotations = Annotations({}, {pid: NOTE_WORD})
    assert seeds_library.search(parse_query(f"quantized {NOTE_WORD}"), annotations=annotations).ids == [pid]
    excluded = seeds_library.search(parse_query(f"quantized NOT {NOTE_WORD}"), annotations=annotations).ids
    assert pid not in excluded and excluded


def test_note_hits_come_first_and_index_hits_keep_their_order(seeds_library):
    plain = seeds_library.search(parse_query("quantized")).ids
    other = first_hit(seeds_library, "agents")
    annotations = Annotations({}, {other: "quantized someday"})
    ids = seeds_library.search(parse_query("quantized"), annotations=annotations).ids
    assert ids == [other] + plain


def test_note_hits_obey_the_status_and_tag_filters(seeds_library):
    pid = first_hit(seeds_library, "agents")
    annotations = Annotations({pid: ("moe",)}, {pid: NOTE_WORD})
    assert seeds_library.search(parse_query(f"{NOTE_WORD} is:read"), annotations=annotations).ids == []
    found = seeds_library.search(parse_query(f"{NOTE_WORD} is:read"), frozenset({pid}), annotations=annotations)
    assert found.ids == [pid]
    assert seeds_library.search(parse_query(f"{NOTE_WORD} tag:other"), annotations=annotations).ids == []


def test_tag_and_note_filters_select_papers_as_id_sets(seeds_library):
    ids = seeds_library.search(parse_query("quantized")).ids[:3]
    annotations = Annotations(
        {ids[0]: ("moe", "survey"), ids[1]: ("moe",), ids[2]: ("mobile",)},
        {ids[1]: "A strong Baseline to beat"},
    )

    def found(query: str) -> set[str]:
        return set(seeds_library.search(parse_query(query), annotations=annotations).ids)

    assert found("tag:moe") == {ids[0], ids[1]}
    assert found("tag:MoE tag:survey") == {ids[0]}
    assert found("tag:mo*") == set(ids)
    assert found("note:baseline") == {ids[1]}
    assert found('note:"strong baselines"') == {ids[1]}
    assert found("tag:moe quantized") == {ids[0], ids[1]}
    result = seeds_library.search(parse_query("tag:nothing"), annotations=annotations)
    assert result.ids == [] and "no paper is tagged 'nothing'" in result.notices


def test_a_tag_filter_keeps_the_date_order_without_words(seeds_library):
    order = seeds_library.view().order
    chosen = [order[5], order[1], order[40]]
    annotations = Annotations({pid: ("later",) for pid in chosen}, {})
    found = seeds_library.search(parse_query("tag:later"), annotations=annotations)
    assert found.ids == [order[1], order[5], order[40]]


def test_annotation_snapshots_derive_sets_once_and_patch_after_undo():
    snapshot = Annotations({"a": ("moe",), "b": ("moe", "rl")}, {"a": "note"})
    assert snapshot.ids_with_tag("moe") is snapshot.ids_with_tag("MOE")
    assert snapshot.counts == {"moe": 2, "rl": 1}
    changed = snapshot.with_tags("a", ()).with_note("b", "new")
    assert changed.tags == {"b": ("moe", "rl")} and changed.notes == {"a": "note", "b": "new"}
    fresh = Annotations({"a": ("moe",)}, {"a": "note"})
    patched = changed.patched(fresh, ["a", "b"])
    assert patched.tags == {"a": ("moe",)} and patched.notes == {"a": "note"}


def test_merging_note_hits_respects_the_limit():
    ids, scores = merge_note_hits(["x", "n1", "y"], {"x": 3.0, "n1": 2.0, "y": 1.0}, ["n1", "n2"], ["n2"], limit=2)
    assert ids == ["n2", "x"]  # n1's note index did not match: dropped
    assert scores["n2"] > scores["x"]


def test_a_half_typed_word_keeps_the_chosen_tag_and_the_view(seeds_library):
    from reader.domain.views import View
    from reader.search.highlight import with_view
    from reader.search.notes import with_tag

    hits = seeds_library.search(parse_query("quantized")).ids
    annotations = Annotations({pid: ("q",) for pid in hits[:4]}, {})
    read = frozenset(hits[:1])
    parsed = with_tag(with_view(parse_query("quantiz"), View.UNREAD), "q")
    assert parsed.typing
    found = seeds_library.search(parsed, read, annotations=annotations).ids
    assert set(found) == set(hits[1:4])
