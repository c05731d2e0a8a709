"""The reader's model in plain Python: each change says what the screen must redo."""

from __future__ import annotations

from reader.domain.annotations import Annotations
from reader.domain.marks import Marks
from reader.domain.models import SavedView
from reader.domain.session import Session
from reader.domain.views import View
from reader.library.mute import Muting
from reader.library.provenance import new_to_user, provenance
from reader.library.saved_views import view_of
from reader.search.query import ParsedQuery
from reader.tui.model import NOTHING, Changes, ReaderModel

from support.views import small_view


def shown_model() -> ReaderModel:
    model = ReaderModel()
    view = small_view()
    model.take_muting(view, view, Muting())
    model.show(model.view_to_show())
    return model


def test_changes_combine_and_nothing_is_false():
    assert not NOTHING
    both = Changes(rows=True) | Changes(filters=True)
    assert both.rows and both.filters and not both.session


def test_a_choice_searches_again_redraws_the_pane_and_saves_the_session_once():
    model = shown_model()
    changes = model.set_view(View.UNREAD)
    assert changes.rows and changes.filters and changes.session and not changes.typed
    assert model.set_view(View.UNREAD).rows  # Unread again: its list afresh (see test_tui_unread_visit)
    assert model.set_view(View.STARRED).rows
    assert model.set_view(View.STARRED) is NOTHING  # the same choice again: nothing to redo
    typed = model.set_query("diffusion")
    assert typed.rows and typed.typed and not typed.filters
    assert model.set_digest(2).rows and model.set_tag("x").rows


def test_counts_follow_a_mark_without_a_full_recount():
    model = shown_model()
    before = model.tally_now()
    assert before is not None and before.counts.unread == 5
    changes = model.set_marks(model.marks.with_read(["a"], True), ["a"])
    assert changes.filters and changes.saved_counts_later and not changes.rows
    after = model.tally_now()
    assert after is not before and after is not None and after.counts.unread == 4
    assert after.digests[1] == (2, 3)  # Mar 17: a read, b and c unread
    assert model.set_marks(model.marks) is NOTHING


def test_the_search_hits_are_recounted_after_a_mark_only_during_a_search():
    model = shown_model()
    model.facets = object()  # type: ignore[assignment]  # counted for an earlier search
    assert not model.set_marks(Marks(frozenset("a"), frozenset())).facets
    model.set_query("paper")
    assert model.set_marks(Marks(frozenset("b"), frozenset())).facets


def test_losing_the_last_paper_with_the_chosen_tag_goes_back_to_every_paper():
    model = shown_model()
    model.set_annotations(Annotations({"a": ("solo",)}, {}))
    model.set_tag("solo")
    changes = model.set_annotations(Annotations({}, {}))
    assert model.tag is None and changes.rows and changes.session and changes.saved_counts_later


def test_new_tags_search_again_only_when_a_tag_or_query_narrows_the_list():
    model = shown_model()
    assert not model.set_annotations(Annotations({"a": ("x",)}, {})).rows
    model.set_query("note:x")
    assert model.set_annotations(Annotations({"a": ("y",)}, {})).rows


def test_the_session_restores_the_digest_by_path_and_the_query_after_the_first_list():
    model = ReaderModel()
    model.set_annotations(Annotations({"a": ("kept",)}, {}))
    model.restore_session(Session("attention", View.STARRED, "/d/2025-03-14.txt", "c", "kept"))
    view = small_view()
    model.take_muting(view, view, Muting())
    model.show(view)
    assert (model.view, model.digest_id, model.tag) == (View.STARRED, 2, "kept")
    assert model.keep_selected() == "c" and model.keep_selected() is None  # the session's, once
    assert model.take_restored_query() == "attention" and model.take_restored_query() == ""
    model.set_query("attention")
    assert model.session() == Session("attention", View.STARRED, "/d/2025-03-14.txt", None, "kept")


def test_a_tag_no_paper_has_is_not_restored_and_a_missing_digest_is_dropped():
    model = ReaderModel()
    model.restore_session(Session("", View.ALL, "/d/gone.txt", None, "lost"))
    assert model.tag is None
    view = small_view()
    model.take_muting(view, view, Muting())
    model.show(view)
    assert model.digest_id is None


def test_muted_papers_leave_the_view_and_come_back_when_shown():
    model = ReaderModel()
    view = small_view()
    unmuted = small_view()
    del unmuted.papers["e"]
    muting = Muting({"title:e": frozenset("e")}, frozenset("e"), ("a slow rule",))
    assert model.take_muting(view, unmuted, muting) == ["a slow rule"]
    assert model.take_muting(view, unmuted, muting) == []  # said once
    model.show(model.view_to_show())
    assert model.library_view is unmuted and model.visible_ids(unmuted) is unmuted.papers
    assert model.hidden_from_similar() == frozenset("e")
    assert model.toggle_muted() is view and model.show(view).rows and model.library_view is view
    assert model.visible_ids(view) is None and model.hidden_from_similar() == frozenset()
    assert model.filter_data(5).mute_counts == [("title:e", 1)]


def test_the_new_view_waits_for_provenance_and_counts_unseen_papers():
    model = shown_model()
    model.set_view(View.NEW)
    assert model.waits_for_provenance()
    view = model.full_view
    assert view is not None
    model.take_provenance(view, provenance(view), new_to_user(view, {"a", "b"}))
    changes = model.provenance_shown()
    assert changes.rows and changes.filters and not model.waits_for_provenance()
    assert model.new_ids() == frozenset("cde")
    data = model.filter_data(3)
    assert data.new_count == 3 and data.digest_news[1].new == 2
    model.set_digest(2)
    assert model.new_ids() == frozenset("cd")


def test_the_filter_pane_names_the_choices_and_the_active_saved_view():
    model = shown_model()
    model.set_saved_views((SavedView("mine", "paper", "unread"),))
    model.set_view(View.UNREAD)
    model.set_query("paper")
    model.set_digest(1)
    data = model.filter_data(2)
    assert data.summary == "Unread · Mar 17 · “paper”: 2 shown" and data.saved_active is None
    model.set_digest(None)
    assert view_of(model.saved_views[0]) is View.UNREAD
    assert model.filter_data(2).saved_active == "mine"
    assert model.list_title(7) == "Unread · 7"


def test_saved_counts_for_views_since_replaced_are_dropped():
    model = shown_model()
    old = model.saved_views
    model.set_saved_views((SavedView("a", "x", "all"),))
    assert model.set_saved_counts(old, {"a": 1}) is NOTHING
    assert model.set_saved_counts(model.saved_views, {"a": 1}).filters and model.saved_counts == {"a": 1}


def test_why_the_list_is_empty():
    model = shown_model()
    assert model.empty_text(ParsedQuery(text="zzz")) == "No papers match “zzz”."
    model.set_view(View.STARRED)
    assert model.empty_text(ParsedQuery(text="")) == "No starred papers here yet: press s to star one."
    model.empty_reason = "the digest was empty"
    assert model.no_papers_text() == "The digest was empty."


def test_query_notices_are_new_only_once():
    model = ReaderModel()
    assert model.take_notices(("slow",)) == ["slow"]
    assert model.take_notices(("slow", "bad field")) == ["bad field"]
