"""Library: de-duplication, incremental indexing and search over the real seeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from reader.ingest.sources import discover_digest_files
from reader.library.library import Library
from reader.search.query import parse_query

ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."


def write_digest(path: Path, date_line: str, titles: list[str], abstract: str = ABSTRACT) -> Path:
    body = "".join(f"{title}\n\n{abstract}\n\n" for title in titles)
    path.write_text(f"new\n\nSubscribe\n\n{date_line}\n\n{body}", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seeds_library(tmp_path_factory, seeds_index):
    index = seeds_index.copy_index(tmp_path_factory.mktemp("seeds") / "index")
    library = Library([seeds_index.digests], index)
    library.sync()
    yield library
    library.close()


def titles(library: Library, query: str, **marks) -> list[str]:
    result = library.search(parse_query(query), **marks)
    return [library.paper(pid).title for pid in result.ids]


def test_seeds_give_383_distinct_papers_from_473_entries(seeds_library):
    view = seeds_library.view()
    assert len(view.papers) == 383
    assert sum(info.entries for info in view.digests) == 473
    assert sorted(info.entries for info in view.digests) == [61, 83, 104, 106, 119]


def test_digests_sort_newest_first_and_undated_last(seeds_library):
    labels = [info.label for info in seeds_library.view().digests]
    assert labels[-1] == "003_112a7f09b8843e20"
    dated = [info.date for info in seeds_library.view().digests if info.date]
    assert dated == sorted(dated, reverse=True)


def test_a_paper_in_several_digests_keeps_every_appearance(seeds_library):
    [pid] = seeds_library.search(parse_query('title:"Cheaply Evaluating Inference Efficiency Metrics"')).ids
    paper = seeds_library.paper(pid)
    assert len(paper.appearances) == 4
    assert len({appearance.digest_id for appearance in paper.appearances}) == 4


def test_default_order_is_newest_digest_then_position(seeds_library):
    view = seeds_library.view()
    newest = view.digests[0]
    first = seeds_library.paper(view.order[0])
    assert first.appearances[0].digest_id == newest.id and first.appearances[0].position == 1


def test_accent_folding(seeds_library):
    assert titles(seeds_library, "melange")[0].startswith("Mélange:")


def test_stemming_finds_quantization_for_quantized(seeds_library):
    found = [seeds_library.paper(pid) for pid in seeds_library.search(parse_query("quantized")).ids]
    texts = [(p.title + p.abstract).lower() for p in found]
    only_quantization = [text for text in texts if "quantized" not in text and "quantization" in text]
    assert only_quantization, "stemming should match papers that only say 'quantization'"


def test_phrase_with_status_filter(seeds_library):
    hits = titles(seeds_library, '"mixture of experts" is:unread')
    found = map(seeds_library.paper, seeds_library.search(parse_query('"mixture of experts"')).ids)
    texts = [(p.title + " " + p.abstract).lower() for p in found]
    assert hits and all("mixture" in text and "expert" in text for text in texts)
    read = frozenset(seeds_library.search(parse_query('"mixture of experts"')).ids[:2])
    assert len(titles(seeds_library, '"mixture of experts" is:unread', read_ids=read)) == len(hits) - 2
    assert len(titles(seeds_library, '"mixture of experts" is:read', read_ids=read)) == 2


def test_status_filters_without_words_keep_the_date_order(seeds_library):
    order = seeds_library.search(parse_query("")).ids
    read, starred = frozenset(order[::3]), frozenset(order[1::4])
    marks = {"read_ids": read, "starred_ids": starred}

    def listed(query: str) -> list[str]:
        return seeds_library.search(parse_query(query), **marks).ids

    assert listed("is:unread") == [pid for pid in order if pid not in read]
    assert listed("is:starred") == [pid for pid in order if pid in starred]
    assert listed("is:unread is:unstarred") == [pid for pid in order if pid not in read and pid not in starred]
    assert listed("is:read is:starred") == [pid for pid in order if pid in read and pid in starred]
    in_digest = set(seeds_library.search(parse_query('digest:"Mar 14"')).ids)
    assert len(in_digest) == 106
    assert listed('digest:"Mar 14" is:unread') == [pid for pid in order if pid in in_digest and pid not in read]


def test_title_field_and_boost(seeds_library):
    hits = titles(seeds_library, "title:gaussian")
    assert hits and all("gaussian" in t.lower() for t in hits)


def test_last_word_is_also_a_prefix(seeds_library):
    assert titles(seeds_library, "melan")[0].startswith("Mélange:")
    assert titles(seeds_library, "melan ") == []  # a finished word is a whole word


def test_fuzzy_and_explicit_prefix(seeds_library):
    assert any("Gaussian" in t for t in titles(seeds_library, "gausian~ splatting"))
    assert any("Quantiz" in t for t in titles(seeds_library, "quant* title:llm"))


def test_digest_filter_by_label_and_date(seeds_library):
    view = seeds_library.view()
    mar14 = next(info for info in view.digests if info.label == "Mar 14")
    in_digest = titles(seeds_library, 'digest:"Mar 14"')
    assert len(in_digest) == len(view.papers_in_digest[mar14.id]) == 106
    assert len(titles(seeds_library, f"digest:{mar14.date.isoformat()}")) == 106
    assert len(titles(seeds_library, "digest:mar14")) == 106


def test_unknown_digest_says_so(seeds_library):
    result = seeds_library.search(parse_query("digest:nowhere llm"))
    assert result.ids == [] and "no digest matches 'nowhere'" in result.notices


def test_unparsable_query_falls_back_with_notice_or_plain_result(seeds_library):
    for query in ['title:(', '"unclosed phrase', "AND OR NOT", "((llm", "a:b:c", "*~^", "is:bogus llm"]:
        result = seeds_library.search(parse_query(query))
        assert isinstance(result.ids, list)
    assert seeds_library.search(parse_query("is:bogus llm")).notices


def test_limit(seeds_library):
    assert len(seeds_library.search(parse_query("llm"), limit=5).ids) == 5
    assert len(seeds_library.search(parse_query(""), limit=7).ids) == 7


def test_resolve_id_by_prefix(seeds_library):
    pid = seeds_library.view().order[0]
    assert seeds_library.resolve_id(pid[:8]) == pid
    with pytest.raises(KeyError):
        seeds_library.resolve_id("zzzzzzzz")


# -- incremental indexing ---------------------------------------------------------------


@pytest.fixture
def small(tmp_path):
    folder = tmp_path / "digests"
    folder.mkdir()
    write_digest(folder / "2026-01-01.txt", "Jan 1", ["Alpha Paper", "Shared Paper"])
    write_digest(folder / "2026-01-02.txt", "Jan 2", ["Beta Paper", "Shared Paper"])
    library = Library([folder], tmp_path / "index")
    yield library, folder
    library.close()


def test_second_sync_reads_and_indexes_nothing(small):
    library, _ = small
    first = library.sync()
    assert (first.parsed, first.written) == (2, 3)
    second = library.sync()
    assert (second.parsed, second.written, second.deleted, second.unchanged) == (0, 0, 0, 2)


def test_new_digest_indexes_only_its_papers(small):
    library, folder = small
    library.sync()
    write_digest(folder / "2026-01-03.txt", "Jan 3", ["Gamma Paper", "Delta Paper", "Shared Paper"])
    report = library.sync()
    assert (report.parsed, report.written) == (1, 3)
    assert len(library.view().papers) == 5  # Shared Paper is one paper with two appearances
    assert titles(library, "gamma") == ["Gamma Paper"]


def test_removed_digest_drops_only_papers_listed_nowhere_else(small):
    library, folder = small
    library.sync()
    (folder / "2026-01-02.txt").unlink()
    report = library.sync()
    assert report.removed == 1 and report.deleted == 1
    assert titles(library, "beta") == []
    assert titles(library, "shared") == ["Shared Paper"]
    assert len(library.paper(library.resolve_id(library.view().order[0])).appearances) >= 1


def test_changed_digest_is_reread(small):
    library, folder = small
    library.sync()
    write_digest(folder / "2026-01-01.txt", "Jan 1", ["Alpha Paper", "Epsilon Paper"])
    report = library.sync()
    assert report.parsed == 1
    assert titles(library, "epsilon") == ["Epsilon Paper"]
    shared = library.paper(library.search(parse_query("shared")).ids[0])
    assert [a.label for a in shared.appearances] == ["Jan 2"]


def test_touched_but_identical_digest_is_not_reindexed(small):
    library, folder = small
    library.sync()
    path = folder / "2026-01-01.txt"
    os.utime(path, (1_900_000_000, 1_900_000_000))
    report = library.sync()
    assert (report.parsed, report.written) == (0, 0)


def test_rebuild_and_missing_index_rebuild_with_notice(small, tmp_path):
    library, _ = small
    library.sync()
    report = library.sync(rebuild=True)
    assert report.notices == ["rebuilding the index as asked"] and report.written == 3
    library.close()
    shutil.rmtree(tmp_path / "index" / "whoosh")
    reopened = Library(library.sources, tmp_path / "index")
    report = reopened.sync()
    assert report.notices == ["the index is missing; rebuilding it"]
    assert titles(reopened, "alpha") == ["Alpha Paper"]
    reopened.close()


def test_damaged_index_is_rebuilt_with_notice(small, tmp_path):
    library, _ = small
    library.sync()
    library.close()
    for file in (tmp_path / "index" / "whoosh").iterdir():
        if file.suffix == ".toc":
            file.write_bytes(b"garbage")
    reopened = Library(library.sources, tmp_path / "index")
    report = reopened.sync()
    assert any(notice.startswith("the index was damaged") for notice in report.notices)
    assert titles(reopened, "alpha") == ["Alpha Paper"]
    reopened.close()


def test_format_change_triggers_rebuild(small, tmp_path):
    library, _ = small
    library.sync()
    library.catalog.set_meta("version", "0.0")
    report = library.sync()
    assert report.notices == ["the index format changed; rebuilding it"]
    assert report.written == 3


def test_separate_sources_keep_separate_indexes(tmp_path):
    from reader.paths import UserDirs, index_dir

    dirs = UserDirs(tmp_path / "d", tmp_path / "c", tmp_path / "f")
    assert index_dir(dirs, [tmp_path / "a"]) != index_dir(dirs, [tmp_path / "b"])
    assert index_dir(dirs, [tmp_path / "a", tmp_path / "b"]) == index_dir(dirs, [tmp_path / "b", tmp_path / "a"])


def test_discovery_skips_folders_named_like_digests_and_broken_links(tmp_path):
    write_digest(tmp_path / "good.txt", "Jan 1", ["Good Paper"])
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    files, warnings = discover_digest_files([tmp_path])
    assert [file.name for file in files] == ["good.txt"]
    skipped = ["a folder named like a digest; skipped", "broken symbolic link; skipped"]
    assert sorted(w.message for w in warnings) == skipped


def test_second_copy_goes_read_only_while_the_first_indexes(small, tmp_path):
    library, folder = small
    library.sync()
    write_digest(folder / "2026-01-03.txt", "Jan 3", ["Gamma Paper"])
    held = library.index.writer()  # the first copy is in the middle of indexing
    try:
        second = Library(library.sources, tmp_path / "index")
        report = second.sync()
        assert report.read_only and "read-only" in report.notices[0]
        assert titles(second, "alpha") == ["Alpha Paper"]  # the last committed index still searches
        assert titles(second, "gamma") == []
    finally:
        held.cancel()
    report = second.sync()
    assert not report.read_only and titles(second, "gamma") == ["Gamma Paper"]
    second.close()


def test_bulk_writer_in_two_processes_gives_the_same_results(small, monkeypatch):
    import reader.library.sync as library_module

    monkeypatch.setattr(library_module, "BULK_BYTES", 0)  # every sync takes the two-process path
    library, folder = small
    assert library.sync().written == 3
    write_digest(folder / "2026-01-02.txt", "Jan 2", ["Beta Paper", "Zeta Paper"])
    report = library.sync()
    assert report.parsed == 1
    assert titles(library, "zeta") == ["Zeta Paper"]
    assert titles(library, "shared") == ["Shared Paper"]
    assert library.index.doc_count() == 4


def test_typing_past_a_stem_keeps_results(seeds_library):
    # "learning" is indexed as the stem "learn": every step of typing it must still find papers.
    word = "learning"
    counts = [len(seeds_library.search(parse_query(word[:n])).ids) for n in range(2, len(word) + 1)]
    assert all(counts), counts
    assert counts[-1] >= len(seeds_library.search(parse_query("learning ")).ids)  # plus prefix hits
