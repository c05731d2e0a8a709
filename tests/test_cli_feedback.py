"""What the `reader` command says and returns: query notices, exit codes, mute rules, undo,
short ids, folders, and `reader config`. Real processes on the seeds, READER_HOME isolated."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from reader.state.store import StateStore, state_path

from support.cli import run

README = Path(__file__).resolve().parents[1] / "README.md"
MUTE_RULE = "title:survey"  # hides 7 of the 383 seed papers


@pytest.fixture(scope="module")
def home(tmp_path_factory, default_seeds_index):
    return default_seeds_index.copy_into(tmp_path_factory.mktemp("feedback"))


@pytest.fixture
def muted(home):
    with StateStore(state_path(home / "data", "default")) as state:
        state.add_mute_rule(MUTE_RULE)
    yield
    with StateStore(state_path(home / "data", "default")) as state:
        state.remove_mute_rule(MUTE_RULE)


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("(( AND", 'reader: in the query: 2 unclosed "(" (closed at the end) and AND without a word on each side'),
        ("NOT", "reader: in the query: NOT without a word after it (left out); no words left to search for"),
        ("a:b:c )", 'reader: in the query: an unmatched ")" (left out); no words left to search for'),
        ("foo:bar", "reader: foo is not a field (fields: title:, abstract:;"),
        ('"unclosed phrase', "reader: in the query: an unclosed quote (its words are searched one by one)"),
    ],
)
def test_a_query_that_cannot_be_read_as_typed_says_so_on_stderr(home, query, notice):
    result = run(home, "search", query, check=False)
    assert result.returncode in (0, 1)
    assert any(line.startswith(notice) for line in result.stderr.splitlines()), result.stderr


def test_search_exits_1_when_nothing_matches_as_grep_does(home):
    nothing = run(home, "search", "zzyzxnomatch", check=False)
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (1, "", "no papers match\n")
    as_json = run(home, "search", "zzyzxnomatch", "--json", check=False)
    assert as_json.returncode == 1 and json.loads(as_json.stdout) == []
    assert run(home, "search", "melange").returncode == 0


def test_errors_exit_2_with_one_line(home, tmp_path):
    for args in (["show", "deadbeef0000"], ["add", str(tmp_path / "missing.txt")], ["search", "--view", "nope"]):
        result = run(home, *args, check=False)
        assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, (args, result.stderr)
    assert run(home, "search", "--limit", "0", "x", check=False).returncode == 2  # bad arguments


def test_a_short_id_asks_for_four_characters(home):
    result = run(home, "show", "09", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "reader: id '09' is too short: give at least 4 characters of the paper's id"


def test_adding_a_folder_says_it_is_a_folder_and_what_to_do(home, tmp_path):
    result = run(home, "add", str(tmp_path), check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"reader: {tmp_path}: is a folder; add the digest files in it (reader add {tmp_path}/*.txt), "
        f"or read the folder where it is with --digests {tmp_path}"
    )


def test_search_stats_and_export_leave_muted_papers_out_unless_asked(home, muted):
    stats = json.loads(run(home, "stats", "--json").stdout)
    assert (stats["papers"], stats["unread"], stats["muted"]) == (376, 376, 7)
    assert json.loads(run(home, "stats", "--json", "--include-muted").stdout)["papers"] == 383

    exported = run(home, "export", "--format", "json")
    assert len(json.loads(exported.stdout)) == 376
    assert "reader: left out 7 muted papers (--include-muted keeps them)" in exported.stderr
    assert len(json.loads(run(home, "export", "--format", "json", "--include-muted").stdout)) == 383

    hidden = run(home, "search", MUTE_RULE, "--json", check=False)
    assert hidden.returncode == 1 and json.loads(hidden.stdout) == []
    assert "left out 7 muted papers" in hidden.stderr
    assert len(json.loads(run(home, "search", MUTE_RULE, "--json", "--include-muted").stdout)) == 7
    # the limit counts the papers shown, not the muted ones left out
    assert len(json.loads(run(home, "search", "survey OR model", "--json", "--limit", "10").stdout)) == 10


def test_export_to_a_missing_folder_refuses_before_anything_else(home, muted, tmp_path):
    target = tmp_path / "missing" / "x.md"
    result = run(home, "export", "--format", "md", "-o", str(target), check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"reader: not exported: the folder {target.parent} does not exist; create it first (nothing was written)"
    ]
    assert result.stdout == "" and not target.parent.exists()


def test_help_names_every_exit_code_and_what_undo_takes_back(home):
    epilog = " ".join(run(home, "--help").stdout.split())
    for code in ("0", "1", "2", "130"):
        assert re.search(rf"\b{code} ", epilog.split("exit status:", 1)[1]), code
    assert "undo the last change to your marks, tags or notes" in " ".join(run(home, "--help").stdout.split())


def test_undo_names_the_paper(home):
    [hit] = json.loads(run(home, "search", "melange", "--json", "--limit", "1").stdout)
    run(home, "mark", "read", hit["id"])
    undone = run(home, "undo").stdout.strip()
    assert undone.startswith('undid: mark 1 paper read: "Mélange: ')
    assert len(undone) <= len('undid: mark 1 paper read: ""') + 60


def test_config_prints_its_path_a_default_file_and_checks_it(home):
    path = Path(run(home, "config").stdout.strip())
    assert path == home / "config" / "config.toml"
    missing = run(home, "config", "--check")
    assert "no config file, so the defaults apply" in missing.stdout
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(run(home, "config", "--default").stdout, encoding="utf-8")
    assert run(home, "config", "--check").stdout.strip() == f"{path}: no problems"
    path.write_text(
        'theme = "nord"\nread_on_open = "soon"\n[keys]\ntoggle_star = "s,f"\nstar_it = "z"\n', encoding="utf-8"
    )
    try:
        checked = run(home, "config", "--check", check=False)
    finally:
        path.unlink()
    assert checked.returncode == 1
    problems = checked.stdout.splitlines()
    assert [re.match(rf"{re.escape(str(path))}:(\d+): ", line).group(1) for line in problems] == ["2", "4", "5"]
    assert "toggle_star" in problems[1] and "toggle_filters" in problems[1]
    assert run(home, "config", "--check", str(path), check=False).returncode == 2  # the file given is gone


def test_the_readme_lists_every_exit_code_the_cli_uses():
    section = README.read_text(encoding="utf-8").split("### The command line", 1)[1].split("\n### ", 1)[0]
    for code in ("0", "1", "2", "130"):
        assert re.search(rf"^\| {code} \|", section, re.MULTILINE), code


def test_the_reader_itself_exits_2_when_it_cannot_open_your_marks(tmp_path):
    data = tmp_path / "home" / "data"
    data.mkdir(parents=True)
    with sqlite3.connect(data / "state.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 99")  # written by a newer reader
    fixtures = Path(__file__).parent / "fixtures" / "digests"
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--digests", str(fixtures)], stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "READER_HOME": str(tmp_path / "home")},
    )
    assert done.returncode == 2 and "newer than this program supports" in done.stderr.replace("\n", " ")
