"""The `reader` command as a user runs it: real processes, isolated READER_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import as_json, run

ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."


@pytest.fixture(scope="module")
def home(tmp_path_factory, default_seeds_index):
    return default_seeds_index.copy_into(tmp_path_factory.mktemp("home"))


def test_digests_lists_the_five_seeds(home):
    digests = as_json(run(home, "digests", "--json"))
    assert sorted(d["entries"] for d in digests) == [61, 83, 104, 106, 119]
    assert all(set(d) >= {"label", "date", "file", "entries", "unread"} for d in digests)


def test_stats_counts_383_papers(home):
    stats = as_json(run(home, "stats", "--json"))
    assert stats["papers"] == 383 and stats["digests"] == 5
    assert "383" in run(home, "stats").stdout


def test_search_json_fields_and_accent_folding(home):
    hits = as_json(run(home, "search", "melange", "--json"))
    assert hits[0]["title"].startswith("Mélange:")
    assert set(hits[0]) >= {"id", "title", "score", "digests", "links", "read", "starred"}


def test_search_stems_and_filters(home):
    assert as_json(run(home, "search", "quantized", "--json", "--limit", "50"))
    assert as_json(run(home, "search", '"mixture of experts" is:unread', "--json"))


def test_show_lists_links_without_trailing_dot(home):
    [hit] = as_json(run(home, "search", "title:MixtureGrowth", "--json"))
    shown = run(home, "show", hit["id"])
    assert "[1] https://github.com/chaudatascience/mixturegrowth\n" in shown.stdout
    assert as_json(run(home, "show", hit["id"][:6], "--json"))["links"] == ["https://github.com/chaudatascience/mixturegrowth"]


def test_star_is_seen_by_a_new_process_not_by_another_profile_and_undone(home):
    [hit] = as_json(run(home, "search", "melange", "--json", "--limit", "1"))
    assert run(home, "mark", "star", hit["id"]).stdout.strip() == "starred 1 paper"
    assert as_json(run(home, "search", "melange", "--json", "--limit", "1"))[0]["starred"] is True
    for args in (("--profile", "other", "search", "melange"), ("search", "melange", "--profile", "other")):
        assert as_json(run(home, *args, "--json", "--limit", "1"))[0]["starred"] is False
    assert "undid: star 1 paper" in run(home, "undo").stdout
    assert as_json(run(home, "search", "melange", "--json", "--limit", "1"))[0]["starred"] is False


def test_mark_read_changes_unread_counts(home):
    [hit] = as_json(run(home, "search", "title:MixtureGrowth", "--json"))
    run(home, "mark", "read", hit["id"])
    stats = as_json(run(home, "stats", "--json"))
    assert (stats["read"], stats["unread"]) == (1, 382)
    run(home, "mark", "unread", hit["id"])


def test_unknown_id_is_one_clear_line(home):
    result = run(home, "show", "deadbeef0000", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "reader: no paper with id 'deadbeef0000'"


def test_export_formats(home, tmp_path):
    [hit] = as_json(run(home, "search", "melange", "--json", "--limit", "1"))
    run(home, "mark", "star", hit["id"])
    exported = as_json(run(home, "export", "--starred", "--format", "json"))
    assert [paper["id"] for paper in exported] == [hit["id"]]
    out = tmp_path / "starred.bib"
    run(home, "export", "--starred", "--format", "bibtex", "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("@misc{")
    assert "Mélange" in run(home, "export", "--query", "melange", "--format", "md").stdout
    run(home, "undo")


def test_second_run_does_no_indexing_and_add_indexes_one_digest(home, tmp_path):
    assert "0 digests read, 5 unchanged" in run(home, "index").stdout
    digest = tmp_path / "2026-09-01.txt"
    digest.write_text(
        f"Sep 1\n\nA Brand New Paper\n\n{ABSTRACT}\n\nAnother New Paper\n\n{ABSTRACT}\n", encoding="utf-8"
    )
    assert "added 2026-09-01.txt: Sep 1, 2 papers" in run(home, "add", str(digest)).stdout
    assert as_json(run(home, "stats", "--json"))["papers"] == 385
    assert "already added" in run(home, "add", str(digest)).stdout
    digest.write_text(f"Sep 1\n\nChanged Paper\n\n{ABSTRACT}\n", encoding="utf-8")
    refused = run(home, "add", str(digest), check=False)
    assert refused.returncode == 2 and "a different digest named 2026-09-01.txt" in refused.stderr


def test_add_refuses_a_file_with_no_papers(home, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run(home, "add", str(empty), check=False)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("empty.txt: not added: no papers found")


@pytest.mark.parametrize(
    ("name", "content", "papers", "warning"),
    [
        ("empty.txt", b"", 0, ":1: no papers found"),
        ("binary.txt", b"\x00\x01\x02" * 100, 0, ":1: binary file (NUL bytes); skipped"),
        ("latin1.txt", "Aug 7\n\nCaf\xe9 Paper\n\n".encode("latin-1") + ABSTRACT.encode(), 1, ":3: not valid UTF-8"),
        ("crlf.txt", b"\xef\xbb\xbfAug 7\r\n\r\nWindows Paper\r\n\r\n" + ABSTRACT.encode() + b"\r\n", 1, None),
        ("titles.txt", b"Aug 7\n\nJust A Title\n\nAnd Another\n", 2, ":3: title without an abstract"),
    ],
)
def test_bad_digests_give_located_warnings_and_no_traceback(tmp_path, name, content, papers, warning):
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(content)
    result = run(tmp_path / "home", "--digests", str(path), "stats", "--json")
    assert as_json(result)["papers"] == papers
    if warning:
        assert f"reader: warning: {path}{warning}" in result.stderr
    else:
        assert "warning" not in result.stderr


def test_missing_digests_path_is_an_error(tmp_path):
    result = run(tmp_path, "--digests", str(tmp_path / "nope"), "stats", check=False)
    assert result.returncode == 2 and result.stderr.strip() == f"reader: {tmp_path / 'nope'}: no such file or folder"


def test_show_names_each_digest_with_its_year(home):
    hit = as_json(run(home, "search", "mixturegrowth", "--json"))[0]
    appearances = as_json(run(home, "show", hit["id"], "--json"))["digests"]
    shown = run(home, "show", hit["id"]).stdout
    for appearance in appearances:
        year = appearance["date"][:4]
        assert f"{appearance['label']} {year} (#{appearance['position']})" in shown


def test_version():
    assert run(Path("/nonexistent-home"), "--version").stdout.startswith("reader ")
