"""`reader fetch` as a user runs it, against a Daily Papers server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from reader.ingest.fetch_days import utc_today

from support.cli import run
from support.hf_server import (
    Reply,
    closed_port_endpoint,
    daily_papers_server,
    hostile_entries,
    make_entries,
    make_entry,
    malformed_reply,
    seed_title,
    status_reply,
    too_many_requests,
)

DAY = "2026-11-20"


@pytest.fixture
def server(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")  # a proxy in the environment must not take the test's requests
    with daily_papers_server() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.endpoint)
        yield running


def digests(home):
    return home / "data" / "digests"


def day_file(home, day=DAY):
    return digests(home) / f"daily-papers-{day}.json"


def fetched_before(home, day: str) -> None:
    """A day file as an earlier `reader fetch` left it."""
    digests(home).mkdir(parents=True, exist_ok=True)
    day_file(home, day).write_text(json.dumps(make_entries(day, 1, start=700)), encoding="utf-8")


def files(home) -> list[str]:
    folder = digests(home)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def fails_in_one_line(result, *words: str) -> str:
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("reader: ") and all(word in lines[0] for word in words), lines[0]
    return lines[0]


def test_a_day_of_three_pages_is_kept_as_received(home, server):
    server.days[DAY] = make_entries(DAY, 120)
    result = run(home, "fetch", DAY)
    assert f"{DAY}: 120 papers" in result.stdout.splitlines()
    assert len(server.requests) == 3
    assert json.loads(day_file(home).read_text(encoding="utf-8")) == server.days[DAY]


def test_a_day_without_papers_says_so_and_writes_nothing(home, server):
    result = run(home, "fetch", DAY)
    assert f"{DAY}: no papers" in result.stdout and files(home) == []


def test_a_day_already_fetched_is_skipped_without_a_request(home, server):
    server.days[DAY] = make_entries(DAY, 2)
    run(home, "fetch", DAY)
    result = run(home, "fetch", DAY)
    assert "already fetched" in result.stdout and len(server.requests) == 1


def test_refresh_replaces_the_day(home, server):
    server.days[DAY] = make_entries(DAY, 2)
    run(home, "fetch", DAY)
    server.days[DAY] = make_entries(DAY, 4)
    result = run(home, "fetch", DAY, "--refresh")
    assert f"{DAY}: 4 papers (fetched again)" in result.stdout
    assert len(json.loads(day_file(home).read_text(encoding="utf-8"))) == 4
    assert files(home) == [f"daily-papers-{DAY}.json"]


def test_a_500_then_a_200_is_retried(home, server):
    server.days[DAY] = make_entries(DAY, 3)
    server.queue(status_reply(500))
    assert f"{DAY}: 3 papers" in run(home, "fetch", DAY).stdout
    assert len(server.requests) == 2


def test_a_429_is_retried_after_retry_after(home, server):
    server.days[DAY] = make_entries(DAY, 3)
    server.queue(too_many_requests("1"))
    assert f"{DAY}: 3 papers" in run(home, "fetch", DAY).stdout
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (status_reply(404), ("HTTP 404", DAY)),
        (malformed_reply(), ("not JSON", "line 1", DAY)),
        (Reply(body=b'{"error": "bad"}'), ("not a list of papers", DAY)),
        (too_many_requests("3600"), ("3600 s", "try later")),
        (Reply(body=b"[\"\xc3\x28\"]"), ("not UTF-8", DAY)),
    ],
)
def test_a_failure_is_one_line_exit_2_and_no_file(home, server, reply, words):
    server.queue(reply)
    fails_in_one_line(run(home, "fetch", DAY, check=False), *words)
    assert files(home) == []


def test_the_server_down(home, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", closed_port_endpoint())
    fails_in_one_line(run(home, "fetch", DAY, check=False), "connection refused", DAY)
    assert files(home) == []


def test_a_bad_or_future_date_is_refused_before_any_request(home, server):
    fails_in_one_line(run(home, "fetch", "2026-13-01", check=False), "not a date")
    tomorrow = (utc_today() + timedelta(1)).isoformat()
    fails_in_one_line(run(home, "fetch", tomorrow, check=False), "in the future")
    assert server.requests == []


def test_a_week_is_split_into_day_files(home, server):
    server.days["2026-11-16"] = make_entries("2026-11-16", 2, start=1)
    server.days["2026-11-19"] = make_entries("2026-11-19", 3, start=10)
    result = run(home, "fetch", "--week", "2026-W47", "--json")
    record = json.loads(result.stdout)
    assert {d["date"]: d["papers"] for d in record["days"] if d["status"] == "written"} == {
        "2026-11-16": 2, "2026-11-19": 3,
    }
    assert record["papers"] == 5 and record["error"] is None
    assert files(home) == ["daily-papers-2026-11-16.json", "daily-papers-2026-11-19.json"]
    assert server.asked() == ["week=2026-W47 p=0"]


def test_since_last_fetches_the_missing_days(home, server):
    today = utc_today()
    last = today - timedelta(3)
    fetched_before(home, last.isoformat())
    for n in (1, 2):
        day = (last + timedelta(n)).isoformat()
        server.days[day] = make_entries(day, 1, start=n * 100)
    run(home, "fetch", "--since-last")
    asked = [r.params["date"] for r in server.requests]
    assert asked == [(last + timedelta(n)).isoformat() for n in (1, 2, 3)]
    assert len(files(home)) == 3  # the last day had no papers (yet): nothing written


def test_since_last_is_capped_at_31_days(home, server):
    fetched_before(home, (utc_today() - timedelta(60)).isoformat())
    result = run(home, "fetch", "--since-last")
    assert len(server.requests) == 31 and server.requests[-1].params["date"] == utc_today().isoformat()
    assert "only the last 31 days" in result.stderr


def test_a_failure_keeps_the_days_written_before_and_names_the_day(home, server):
    today = utc_today()
    fetched_before(home, (today - timedelta(3)).isoformat())
    first, failing = (today - timedelta(2)).isoformat(), (today - timedelta(1)).isoformat()
    server.days[first] = make_entries(first, 2)
    server.fail(failing, status_reply(404))
    result = run(home, "fetch", "--since-last", check=False)
    fails_in_one_line(result, "HTTP 404", failing)
    assert f"{first}: 2 papers" in result.stdout
    assert day_file(home, first).exists() and not day_file(home, failing).exists()


def test_ctrl_c_mid_fetch_leaves_no_half_file(home, server):
    first_page = json.dumps(make_entries(DAY, 50)).encode()
    server.fail(DAY, Reply(body=first_page), Reply(body=b"[]", hang=30))  # the second page never comes
    env = {**os.environ, "READER_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "fetch", DAY], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.requests) == 2, "the fetch never asked for the second page"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and "Traceback" not in stderr
    assert files(home) == []  # not even a temporary file


def test_the_token_and_user_agent_are_sent(home, server, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_test")
    run(home, "fetch", DAY)
    headers = server.requests[0].headers
    assert headers["Authorization"] == "Bearer hf_test" and headers["User-Agent"].startswith("reader/")


# -- with the library: fetched papers are read, merged and searchable ------------------------


def search(home, query: str) -> list[dict]:
    return json.loads(run(home, "search", query, "--json", "--limit", "100", check=False).stdout or "[]")


def test_fetched_papers_are_counted_shown_and_merged_with_the_seed_copy(home, server):
    seed = seed_title()
    server.days[DAY] = [
        *make_entries(DAY, 57),
        *hostile_entries(DAY),
        make_entry(seed, DAY, 999, upvotes=42, github="https://github.com/example/seed"),
    ]
    before = json.loads(run(home, "stats", "--json").stdout)["papers"]
    result = run(home, "fetch", DAY)
    assert result.stdout.splitlines()[-1] == "61 papers fetched, 60 new"
    assert "\x1b" not in result.stdout + result.stderr
    assert json.loads(run(home, "stats", "--json").stdout)["papers"] == before + 60

    [merged] = [hit for hit in search(home, f'"{seed}"') if hit["title"] == seed]
    shown = json.loads(run(home, "show", merged["id"], "--json").stdout)
    assert len(shown["digests"]) == 2  # the seed page copy and the fetched day: one paper
    assert shown["arxiv_id"] == "2611.00999" and shown["upvotes"] == 42
    assert shown["authors"] == ["Ada Lovelace"] and shown["github"] == "https://github.com/example/seed"


def test_fetched_hostile_titles_stay_text(home, server):
    server.days[DAY] = hostile_entries(DAY)
    run(home, "fetch", DAY)
    hits = search(home, "Escapes")
    assert hits and all("\x1b" not in hit["title"] and "\x07" not in hit["title"] for hit in hits)
    assert any(hit["title"].startswith("[/] [bold]x") for hit in search(home, "Markup"))


def test_an_entry_without_a_title_is_written_and_warned_about(home, server):
    untitled = make_entry("Untitled", DAY, 5)
    del untitled["title"], untitled["paper"]["title"]
    server.days[DAY] = [make_entry("Titled Paper Here", DAY, 4), untitled]
    result = run(home, "fetch", DAY)
    assert f"{DAY}: 2 papers" in result.stdout and day_file(home).exists()
    assert "warning" in result.stderr and "Traceback" not in result.stderr


def test_json_output_still_records_a_failure(home, server):
    server.queue(status_reply(404))
    result = run(home, "fetch", DAY, "--json", check=False)
    line = fails_in_one_line(result, "HTTP 404")
    record = json.loads(result.stdout)
    assert record["days"] == [] and line == f"reader: {record['error']}"


def test_a_digest_folder_that_cannot_be_written_is_one_line(home, server):
    server.days[DAY] = make_entries(DAY, 2)
    digests(home).parent.mkdir(parents=True)
    digests(home).write_text("in the way")
    result = run(home, "fetch", DAY, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(f"reader: {DAY}: fetched but not saved")
    assert digests(home).read_text() == "in the way"


def test_after_a_fetch_the_metadata_is_searched_and_exported(home, server):
    server.days[DAY] = [
        make_entry("Loved Paper On Speculative Decoding", DAY, 1, upvotes=48,
                   authors=("Geoffrey Hinton", "Ada Lovelace")),
        make_entry("Quiet Paper On Speculative Decoding", DAY, 2, upvotes=4, authors=("Grace Hopper",)),
        make_entry("Middling Paper On Retrieval", DAY, 3, upvotes=21, authors=("Alan Turing",),
                   github="https://github.com/example/middling"),
    ]
    run(home, "fetch", DAY)
    by_author = [hit["title"] for hit in search(home, "author:hinton")]
    assert by_author == ["Loved Paper On Speculative Decoding"]
    popular = {hit["title"] for hit in search(home, "upvotes:>20")}
    assert popular == {"Loved Paper On Speculative Decoding", "Middling Paper On Retrieval"}
    assert [hit["title"] for hit in search(home, "has:code")] == ["Middling Paper On Retrieval"]
    bibtex = run(home, "export", "--format", "bibtex", "--query", "author:hinton").stdout
    assert "eprint = {2611.00001}" in bibtex and "archivePrefix = {arXiv}" in bibtex
    assert "author = {Geoffrey Hinton and Ada Lovelace}" in bibtex
