"""Two copies opening, creating and rebuilding one index folder at once, with the racing
step injected where it lands: neither ever deletes or moves what the other is writing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reader.domain.document import Document
from reader.library.sync import IndexedCatalog
from reader.search.index import IndexDamaged, IndexLocked, SearchIndex
from reader.search.index_lock import OwnedLock, PrivateStorage


def paper(paper_id: str) -> Document:
    return Document(paper_id, f"{paper_id.title()} Paper", "We propose a tiny method.")


def indexed(folder: Path, *ids: str) -> SearchIndex:
    index = SearchIndex(folder)
    index.open()
    SearchIndex.write(index.writer(), [paper(paper_id) for paper_id in ids])
    return index


def test_a_copy_that_looked_before_the_first_commit_keeps_it(tmp_path, monkeypatch):
    folder = tmp_path / "whoosh"
    first = indexed(folder, "alpha")
    second = SearchIndex(folder)
    # It looked for the index just before the first copy created it, then created one.
    looks = iter([False])
    monkeypatch.setattr(second, "exists", lambda: next(looks, SearchIndex.exists(second)))
    second.open()
    assert second.doc_count() == 1
    assert first.doc_count() == 1
    SearchIndex.write(first.writer(), [paper("beta")])  # the first copy's index still works


def test_opening_while_another_copy_commits_is_not_damage(tmp_path, monkeypatch):
    folder = tmp_path / "whoosh"
    first = indexed(folder, "alpha")
    second = SearchIndex(folder)
    real_open_file = PrivateStorage.open_file
    committed: list[str] = []

    def commit_first_then_open(storage, name, *args, **kwargs):
        # The first copy commits between the second one listing the table of contents and
        # reading it: the one it listed is deleted.
        if name.endswith(".toc") and not committed:
            committed.append(name)
            SearchIndex.write(first.writer(), [paper("beta")])
        return real_open_file(storage, name, *args, **kwargs)

    monkeypatch.setattr(PrivateStorage, "open_file", commit_first_then_open)
    second.open()
    assert committed and second.doc_count() == 2
    assert not list(tmp_path.glob("whoosh.damaged-*"))


def test_a_copy_never_moves_aside_an_index_another_copy_is_writing(tmp_path, monkeypatch):
    digests = tmp_path / "digests"
    digests.mkdir()
    (digests / "2026-01-01.txt").write_text("Jan 1\n\nAlpha Paper\n\nWe propose a tiny method.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    writing = IndexedCatalog([digests], cache)
    writing.index.open()
    writer = writing.index.writer()  # held for a whole indexing run
    other = IndexedCatalog([digests], cache)

    def unreadable() -> None:
        raise IndexDamaged(f"{other.index.folder}: No such file or directory")

    monkeypatch.setattr(other.index, "open", unreadable)
    report = other.sync()
    assert report.read_only and any("read-only" in notice for notice in report.notices)
    assert not any("damaged" in notice for notice in report.notices)
    assert not list(cache.glob("whoosh.damaged-*"))
    SearchIndex.write(writer, [paper("alpha")])  # the writing copy's commit lands
    assert writing.index.doc_count() == 1
    other.close()
    writing.close()


def test_a_copy_whose_folder_another_copy_is_rebuilding_goes_read_only(tmp_path):
    folder = tmp_path / "whoosh"
    index = indexed(folder, "alpha")
    shutil.rmtree(folder)  # another copy wiped it to rebuild, and has not created it yet
    assert not OwnedLock(str(folder / "papers_WRITELOCK"), print).acquire()
    with pytest.raises(IndexLocked):
        index.writer()
    assert index.doc_count() == 0  # searches what is there now, never a missing file
    index.close()


def test_wiping_waits_for_no_one_but_never_wipes_under_a_writer(tmp_path):
    folder = tmp_path / "whoosh"
    first = indexed(folder, "alpha")
    writer = first.writer()
    second = SearchIndex(folder)
    with pytest.raises(IndexLocked):
        second.wipe()
    with pytest.raises(IndexLocked):
        second.move_aside()
    assert folder.is_dir()
    SearchIndex.write(writer, [paper("beta")])
    second.wipe()  # once no one writes, a rebuild may clear it
    assert not folder.exists()
    first.close()
