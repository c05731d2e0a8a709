"""Tags (t), notes (N), the Tags section of the filter pane and the palette's exports, driven
through Pilot: what the user sees and what the state database holds."""

from __future__ import annotations

import json

from reader.state.store import StateStore, state_path
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.export import ExportScreen
from reader.tui.screens.note import NoteScreen
from reader.tui.screens.tags import TagScreen
from reader.tui.widgets.filter_list import FilterList
from textual import events
from textual.widgets import Input, TextArea

from support.app import SIZE, detail_text, make_app, ready, run_from_palette, search, settle, tag, wait_until

NOTE_WORD = "zygomorphic"  # in no fixture title or abstract


def saved_annotations(home) -> tuple[dict, dict]:
    with StateStore(state_path(home / "data", "default")) as state:
        return state.all_tags(), state.all_notes()


def list_line(screen, index: int) -> str:
    return screen.paper_list.render_line(index).text


async def test_t_adds_and_removes_tags_shown_in_the_detail_and_the_row(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await tag(pilot, "MoE survey")
        assert saved_annotations(home)[0] == {paper: ("moe", "survey")}
        assert "#moe #survey" in detail_text(screen)
        assert "#moe #survey" in list_line(screen, 0)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        dialog = pilot.app.screen
        assert "Tags: #moe #survey" in str(dialog.query_one("#tags-current").render())
        await pilot.press(*"-survey rl")
        assert "After: #moe #rl" in str(dialog.query_one("#tags-preview").render())
        await pilot.press("enter")
        await settle(pilot)
        assert saved_annotations(home)[0] == {paper: ("moe", "rl")}
        assert "#survey" not in detail_text(screen)
        await pilot.press("u")  # undo the last tag action
        await settle(pilot)
        assert saved_annotations(home)[0] == {paper: ("moe", "survey")}
        assert "#moe #survey" in detail_text(screen)


async def test_t_completes_known_tags_and_escape_changes_nothing(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await tag(pilot, "efficiency")
        await pilot.press("j")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        box = pilot.app.screen.query_one("#tags-input", Input)
        await pilot.press("e", "f")
        await wait_until(pilot, lambda: box._suggestion == "efficiency")
        await pilot.press("right", "enter")  # → takes the suggestion
        await settle(pilot)
        second = screen.paper_list.highlighted
        assert saved_annotations(home)[0][second] == ("efficiency",)
        await pilot.press("t", *"junk", "escape")
        await settle(pilot)
        assert saved_annotations(home)[0][second] == ("efficiency",)


async def test_t_refuses_words_that_hold_no_tag(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"[]", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TagScreen)  # still open, with the reason shown
        assert "Not a tag" in str(pilot.app.screen.query_one("#tags-preview").render())
        await pilot.press("escape")
        await settle(pilot)
        assert saved_annotations(home)[0] == {}


async def test_the_filter_pane_lists_tags_with_counts_and_filters_by_one(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await tag(pilot, "moe")
        await pilot.press("j")
        await tag(pilot, "moe rl")
        tagged = set(screen.paper_list.rows.ids[:2])
        filters = screen.query_one(FilterList)
        rows = [(row.label, row.count) for row in filters._rows]
        assert ("#moe", "2") in rows and ("#rl", "1") in rows
        index = next(i for i, row in enumerate(filters._rows) if row.label == "#moe")
        filters.choose(index)
        await wait_until(pilot, lambda: screen.tag == "moe")
        await settle(pilot)
        assert set(screen.paper_list.rows.ids) == tagged
        assert "#moe" in screen.paper_list.border_title
        await pilot.press("escape")  # back: clears the tag like a digest
        await settle(pilot)
        assert screen.tag is None and screen.paper_list.row_count == 16


async def test_tag_filter_typed_in_the_search_box(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j")
        chosen = screen.paper_list.highlighted
        await tag(pilot, "later")
        await search(pilot, "tag:later")
        assert list(screen.paper_list.rows.ids) == [chosen]


async def test_a_note_typed_and_saved_in_one_burst_keeps_every_letter(home, fixture_digests):
    """A fast typist queues the text and ctrl+s before the editor has handled the letters."""
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await pilot.press("N")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NoteScreen))
        for key in "quick note":
            pilot.app.post_message(events.Key("space" if key == " " else key, key))
        pilot.app.post_message(events.Key("ctrl+s", None))
        await wait_until(pilot, lambda: pilot.app.screen is screen)
        await settle(pilot)
        assert saved_annotations(home)[1] == {paper: "quick note"}


async def test_N_writes_a_note_that_search_finds_and_undo_removes(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("j")
        paper = screen.paper_list.highlighted
        await pilot.press("N")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NoteScreen))
        await pilot.press(*"Compare with", "enter", *f"the {NOTE_WORD} baseline")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert saved_annotations(home)[1] == {paper: f"Compare with\nthe {NOTE_WORD} baseline"}
        assert f"the {NOTE_WORD} baseline" in detail_text(screen) and "Note" in detail_text(screen)
        # a word that is in no abstract finds the paper through its note
        await search(pilot, NOTE_WORD)
        assert list(screen.paper_list.rows.ids) == [paper]
        await pilot.press("escape", "escape")
        await search(pilot, "note:baseline")
        assert list(screen.paper_list.rows.ids) == [paper]
        await pilot.press("escape")
        await pilot.press("u")
        await settle(pilot)
        assert saved_annotations(home)[1] == {}
        assert NOTE_WORD not in detail_text(screen)


async def test_N_escape_cancels_and_an_emptied_note_is_deleted(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await pilot.press("N", *"keep me")
        await pilot.click("#note-save")
        await settle(pilot)
        assert saved_annotations(home)[1] == {paper: "keep me"}
        await pilot.press("N", "x", "escape")
        await settle(pilot)
        assert saved_annotations(home)[1] == {paper: "keep me"}
        await pilot.press("N")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NoteScreen))
        pilot.app.screen.query_one("#note-text", TextArea).text = "   "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert saved_annotations(home)[1] == {}
        assert "keep me" not in detail_text(screen)


async def test_note_text_is_never_markup(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("N", *"[bold red]x[/]", "ctrl+s")
        await settle(pilot)
        assert "[bold red]x[/]" in detail_text(screen)


async def palette_export(pilot, command: str, fmt_index: int, path, create_folder: bool = False) -> None:
    await run_from_palette(pilot, command)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
    dialog = pilot.app.screen
    buttons = list(dialog.query("RadioButton"))
    buttons[fmt_index].value = True
    await pilot.pause()
    await pilot.press("tab")  # from the format to the file
    dialog.query_one("#export-path", Input).value = str(path)
    await pilot.press("enter")
    if create_folder:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
    await settle(pilot)


async def test_palette_exports_the_current_view_with_tags_and_notes(home, fixture_digests, tmp_path):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await tag(pilot, "moe")
        await pilot.press("N", *"see table 3", "ctrl+s")
        await settle(pilot)
        await search(pilot, "tag:moe")
        await pilot.press("escape")
        target = tmp_path / "out" / "view.json"
        await palette_export(pilot, "export current view", 1, target, create_folder=True)  # md, json, csv, bibtex
        [record] = json.loads(target.read_text())
        assert record["id"] == paper and record["tags"] == ["moe"] and record["note"] == "see table 3"
        assert any(str(target) in str(n.message) for n in pilot.app._notifications)


async def test_palette_exports_starred_papers_and_reports_a_bad_path(home, fixture_digests, tmp_path):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("s", "j", "s")
        await settle(pilot)
        starred = screen.paper_list.rows.ids[:2]
        target = tmp_path / "starred.bib"
        await palette_export(pilot, "export starred", 3, target)
        text = target.read_text()
        assert text.count("@misc{") == 2
        first_word = screen.library_view.papers[starred[0]].title.split()[0]
        assert first_word in text
        await palette_export(pilot, "export starred", 2, tmp_path)  # a folder, not a file
        assert any("is a folder" in str(n.message) for n in pilot.app._notifications)


async def test_removing_the_chosen_tag_from_its_last_paper_shows_every_paper_again(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await tag(pilot, "solo")
        screen.tag = "solo"
        await settle(pilot)
        assert screen.paper_list.row_count == 1
        await tag(pilot, "-solo")
        await wait_until(pilot, lambda: screen.tag is None)
        await settle(pilot)
        assert screen.paper_list.row_count == 16
        assert not [row for row in screen.query_one(FilterList)._rows if row.kind == "tag"]


async def test_tags_and_notes_from_another_copy_show_up(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        with StateStore(state_path(home / "data", "default")) as other:
            other.change_tags(paper, ["elsewhere"])
            other.set_note(paper, "written in another terminal")
        await wait_until(pilot, lambda: "written in another terminal" in detail_text(screen), timeout=10)
        assert "#elsewhere" in detail_text(screen)


async def test_the_chosen_tag_comes_back_with_the_session(home, fixture_digests):
    app = make_app(fixture_digests)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await tag(pilot, "kept")
        screen.tag = "kept"
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.library_view is not None and screen.paper_list.row_count == 1)
        assert screen.tag == "kept"
