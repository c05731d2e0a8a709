"""A query the reader keeps (saved view, mute rule) is one every machine's marks file takes:
refused when saved, and left out of an export when an older one slipped through."""

from __future__ import annotations

import pytest
from reader.domain.models import SavedView
from reader.domain.query_text import MAX_QUERY_CHARS
from reader.state.store import StateStore

TOO_LONG = "q" * (MAX_QUERY_CHARS + 1)


def test_a_view_or_mute_rule_no_other_machine_would_take_is_refused_when_saved(tmp_path):
    with StateStore(tmp_path / "s.sqlite3") as store:
        with pytest.raises(ValueError, match="a saved view's search is longer than 10,000 characters"):
            store.save_view(SavedView("long", TOO_LONG))
        with pytest.raises(ValueError, match="control characters"):
            store.save_view(SavedView("bell", "moe\x07"))
        with pytest.raises(ValueError, match="a mute rule is longer than 10,000 characters"):
            store.add_mute_rule(TOO_LONG)
        with pytest.raises(ValueError, match="a mute rule"):
            store.add_mute_rules(["fine", "title:\x1b]52;c;x\x07"], "mute two")
        assert store.saved_views() == [] and store.mute_rules() == []
        store.save_view(SavedView("ok", "q" * MAX_QUERY_CHARS))  # at the limit: kept
        assert store.add_mute_rule("title:survey")


def test_an_export_leaves_out_a_record_a_reader_would_refuse_and_counts_it(tmp_path):
    with StateStore(tmp_path / "a.sqlite3") as mine:
        mine.set_read(["p1"], True)
        with mine.writing("a view saved before the rule") as conn:
            conn.execute("INSERT INTO saved_views (name, query, view, created_at) VALUES (?, ?, 'all', ?)",
                         ("old", TOO_LONG, mine.now()))
        assert mine.export_marks(tmp_path / "out.jsonl") == (1, 1)
        assert mine.sync_marks(tmp_path / "sync.jsonl").written
    with StateStore(tmp_path / "b.sqlite3") as other:
        assert other.import_marks(tmp_path / "out.jsonl").summary() == "1 paper marked read"
        assert other.sync_marks(tmp_path / "sync.jsonl").merged is not None
        assert other.read_ids() == {"p1"} and other.saved_views() == []
