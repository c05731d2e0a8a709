"""Marks, tags and notes follow a paper whose id changed because its title is now cleaned
up differently (a zero-width space dropped instead of read as a word break)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import reader.ingest.digest as digest_module
import reader.library.sync as library_module
from reader import paths
from reader.domain.text import clean_text, paper_id
from reader.library.library import Library
from reader.library.renamed_ids import follow_renamed_ids
from reader.state.store import StateStore, open_state, state_path

from support.app import SIZE, make_app, ready, settle
from support.cli import run

ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."
# The zero-width space used to survive the clean-up and key as a word break ("foo bar");
# now it is dropped ("foobar"): the same paper gets another id.
RENAMED = "Scaling Foo\u200bBar Models to the Moon"
OTHERS = ["A Plain Title That Keeps Its Id", "Another Plain Title"]
OLD_ID = paper_id("Scaling Foo Bar Models to the Moon")
NEW_ID = paper_id("Scaling FooBar Models to the Moon")


def old_clean_text(text: str) -> str:
    """The clean-up before invisible characters were dropped: zero-width spaces stayed."""
    return "\u200b".join(clean_text(part) for part in text.split("\u200b"))


def write_digest(path: Path, titles: list[str]) -> Path:
    body = "".join(f"{title}\n\n{ABSTRACT}\n\n" for title in titles)
    path.write_text(f"new\n\nSubscribe\n\nAug 7\n\n{body}", encoding="utf-8")
    return path


def sync_with_old_rules(monkeypatch, folder: Path, cache: Path, old_clean=old_clean_text) -> None:
    """The catalog as the previous version left it: version 1, papers under their old ids."""
    with monkeypatch.context() as old:
        old.setattr(library_module, "CATALOG_VERSION", 1)
        old.setattr(digest_module, "clean_text", old_clean)
        library = Library([folder], cache)
        try:
            library.sync()
            assert OLD_ID in library.view().papers and NEW_ID not in library.view().papers
        finally:
            library.close()


@pytest.fixture
def digests(tmp_path):
    folder = tmp_path / "digests"
    folder.mkdir()
    write_digest(folder / "2024-08-07.txt", [OTHERS[0], RENAMED, OTHERS[1]])
    return folder


@pytest.fixture
def state(tmp_path):
    store = StateStore(tmp_path / "state.sqlite3")
    yield store
    store.close()


def mark_everything(state: StateStore, pid: str) -> None:
    state.set_starred([pid], True)
    state.set_read([pid], True)
    state.change_tags(pid, add=["moon"])
    state.set_note(pid, "read the appendix")
    state.record_known([pid])


def synced(folder: Path, cache: Path) -> tuple[Library, library_module.SyncReport]:
    library = Library([folder], cache)
    return library, library.sync()


def test_star_read_tag_note_and_sighting_follow_the_new_id(monkeypatch, digests, tmp_path, state):
    cache = tmp_path / "index"
    sync_with_old_rules(monkeypatch, digests, cache)
    mark_everything(state, OLD_ID)
    library, report = synced(digests, cache)
    try:
        assert NEW_ID in library.view().papers and OLD_ID not in library.view().papers
        assert report.renamed == 1
        followed = follow_renamed_ids(library, state)
    finally:
        library.close()
    assert followed.notice == "kept your marks on 1 paper whose titles are now cleaned up differently"
    assert state.starred_ids() == {NEW_ID} and state.read_ids() == {NEW_ID}
    assert state.all_tags() == {NEW_ID: ("moon",)}
    assert state.all_notes() == {NEW_ID: "read the appendix"}
    assert NEW_ID in state.known_ids()  # not shown as new again
    assert followed.carry(frozenset({OLD_ID})) == {OLD_ID, NEW_ID}
    # The undo journal follows too: each undo acts on the paper where its mark is now.
    assert [state.undo().paper_ids for _ in range(4)] == [(NEW_ID,)] * 4
    assert (state.all_notes(), state.all_tags(), state.read_ids(), state.starred_ids()) == ({}, {}, set(), set())


def test_a_mark_made_on_the_new_id_is_kept_and_nothing_is_dropped(monkeypatch, digests, tmp_path, state):
    cache = tmp_path / "index"
    sync_with_old_rules(monkeypatch, digests, cache)
    state.set_starred([OLD_ID], True)
    state.set_note(OLD_ID, "old thoughts")
    state.change_tags(OLD_ID, add=["moon", "shared"])
    state.set_note(NEW_ID, "my own note")
    state.change_tags(NEW_ID, add=["shared"])
    library, _ = synced(digests, cache)
    try:
        followed = follow_renamed_ids(library, state)
    finally:
        library.close()
    assert followed.papers == 1
    assert state.all_notes() == {NEW_ID: "my own note", OLD_ID: "old thoughts"}  # not overwritten, not lost
    assert state.all_tags() == {NEW_ID: ("moon", "shared")}
    assert state.starred_ids() == {NEW_ID}


def test_following_twice_moves_nothing_twice(monkeypatch, digests, tmp_path, state):
    cache = tmp_path / "index"
    sync_with_old_rules(monkeypatch, digests, cache)
    state.set_starred([OLD_ID], True)
    library, _ = synced(digests, cache)
    try:
        assert follow_renamed_ids(library, state).papers == 1
        state.set_starred([NEW_ID], False)  # the user's choice, made after
        again = library.sync()
        assert again.renamed == 0 and not again.changed
        followed = follow_renamed_ids(library, state)
    finally:
        library.close()
    assert followed.papers == 0 and followed.notice is None and not followed.renamed
    assert state.starred_ids() == frozenset()


def test_a_profile_opened_later_follows_the_same_renames(monkeypatch, digests, tmp_path, state):
    cache = tmp_path / "index"
    sync_with_old_rules(monkeypatch, digests, cache)
    later = StateStore(tmp_path / "later.sqlite3")
    try:
        later.set_starred([OLD_ID], True)
        library, _ = synced(digests, cache)
        try:
            follow_renamed_ids(library, state)  # the first profile: nothing to carry
            library.sync()  # another run: the renames are kept in the catalog
            assert follow_renamed_ids(library, later).papers == 1
        finally:
            library.close()
        assert later.starred_ids() == {NEW_ID}
    finally:
        later.close()


def test_a_file_changed_meanwhile_still_carries_the_same_title(monkeypatch, digests, tmp_path, state):
    cache = tmp_path / "index"
    sync_with_old_rules(monkeypatch, digests, cache)
    state.set_starred([OLD_ID], True)
    write_digest(digests / "2024-08-07.txt", [OTHERS[0], RENAMED, OTHERS[1], "An Entry Added Since"])
    library, _ = synced(digests, cache)
    try:
        follow_renamed_ids(library, state)
    finally:
        library.close()
    assert state.starred_ids() == {NEW_ID}


def test_an_old_id_still_listed_elsewhere_keeps_its_marks_too(monkeypatch, digests, tmp_path, state):
    """One paper before, two now: the title with the space still keys as before."""
    write_digest(digests / "2024-08-08.txt", ["Scaling Foo Bar Models to the Moon"])
    cache = tmp_path / "index"
    sync_with_old_rules(monkeypatch, digests, cache)
    state.set_starred([OLD_ID], True)
    library, _ = synced(digests, cache)
    try:
        follow_renamed_ids(library, state)
    finally:
        library.close()
    assert state.starred_ids() == {OLD_ID, NEW_ID}


def test_another_paper_at_the_same_place_is_not_taken_for_it(monkeypatch, digests, tmp_path, state):
    cache = tmp_path / "index"
    sync_with_old_rules(monkeypatch, digests, cache)
    state.set_starred([OLD_ID], True)
    write_digest(digests / "2024-08-07.txt", [OTHERS[0], "A Different Paper Entirely", OTHERS[1]])
    library, report = synced(digests, cache)
    try:
        followed = follow_renamed_ids(library, state)
    finally:
        library.close()
    assert report.renamed == 0 and followed.papers == 0
    assert state.starred_ids() == {OLD_ID}


def test_cli_search_lists_the_starred_paper_under_its_new_id(monkeypatch, digests, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("READER_HOME", str(home))
    dirs, _ = paths.private_user_dirs()
    sync_with_old_rules(monkeypatch, digests, paths.index_dir(dirs, [digests]))
    store, _ = open_state(dirs.data, "default")
    try:
        store.set_starred([OLD_ID], True)
        store.change_tags(OLD_ID, add=["moon"])
    finally:
        store.close()
    result = run(home, "search", "is:starred", "--json", "--digests", str(digests))
    assert [hit["id"] for hit in json.loads(result.stdout)] == [NEW_ID]
    assert "kept your marks on 1 paper" in result.stderr
    again = run(home, "search", "tag:moon", "--json", "--digests", str(digests))
    assert [hit["id"] for hit in json.loads(again.stdout)] == [NEW_ID]
    assert "kept your marks" not in again.stderr


def test_an_unchanged_file_carries_a_title_the_old_rules_could_not_keep(monkeypatch, digests, tmp_path, state):
    """The old clean-up turned the zero-width space into a space: the old title no longer says
    how to clean it again, but the file is the same, so its place says it is the same paper."""
    cache = tmp_path / "index"
    sync_with_old_rules(monkeypatch, digests, cache, lambda text: clean_text(text.replace("\u200b", " ")))
    state.set_starred([OLD_ID], True)
    library, report = synced(digests, cache)
    try:
        follow_renamed_ids(library, state)
    finally:
        library.close()
    assert report.renamed == 1
    assert state.starred_ids() == {NEW_ID}


async def test_the_app_shows_the_star_and_tag_on_the_new_id_and_does_not_call_it_new(monkeypatch, digests, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("READER_HOME", str(home))
    sync_with_old_rules(monkeypatch, digests, paths.index_dir(paths.user_dirs(), [digests]))
    with StateStore(state_path(home / "data", "default")) as store:
        mark_everything(store, OLD_ID)
        store.record_known([paper_id(title) for title in OTHERS])
    async with make_app(digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        await settle(pilot)
        assert NEW_ID in screen.library_view.papers
        assert screen.marks.starred == {NEW_ID} and screen.marks.read == {NEW_ID}
        assert screen.annotations.tags == {NEW_ID: ("moon",)}
        messages = [str(notification.message) for notification in pilot.app._notifications]
        assert "kept your marks on 1 paper whose titles are now cleaned up differently" in messages
        await pilot.press("4")  # New: every paper was shown before, under one id or the other
        await settle(pilot)
        assert screen.paper_list.row_count == 0
