"""The Daily Papers client and fetch_days against a server on 127.0.0.1 (never the network)."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta

import pytest
from reader.ingest.daily_papers import DailyPapersClient, FetchError, Period
from reader.ingest.fetch_days import FetchRequest, entry_day, plan_batches, since_last_days, utc_today
from reader.library.fetching import EMPTY, REPLACED, SKIPPED, WRITTEN, fetch_days

from support.hf_server import (
    Reply,
    closed_port_endpoint,
    daily_papers_server,
    make_entries,
    make_entry,
    malformed_reply,
    object_reply,
    status_reply,
    too_many_requests,
)

DAY = "2026-11-20"
TODAY = date(2026, 11, 25)


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1")  # a proxy in the environment must not take the test's requests
    with daily_papers_server() as running:
        yield running


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(endpoint: str, **options) -> tuple[DailyPapersClient, Sleeps]:
    sleeps = Sleeps()
    return DailyPapersClient(endpoint + "/", sleep=sleeps, **options), sleeps


def test_pages_are_joined_until_a_short_page(server):
    server.days[DAY] = make_entries(DAY, 120)
    client, _ = client_for(server.endpoint)
    entries = client.entries(Period("date", DAY))
    assert [e["paper"]["id"] for e in entries] == [e["paper"]["id"] for e in server.days[DAY]]
    assert server.asked() == [f"date={DAY} p=0", f"date={DAY} p=1", f"date={DAY} p=2"]
    assert all(r.params["limit"] == "50" for r in server.requests)
    assert server.requests[0].headers["User-Agent"].startswith("reader/")


def test_a_server_ignoring_the_page_stops_at_the_repeated_page(server, monkeypatch):
    server.days[DAY] = make_entries(DAY, 50)
    page = json.dumps(server.days[DAY]).encode()
    server.queue(Reply(body=page), Reply(body=page), Reply(body=page))
    client, _ = client_for(server.endpoint)
    assert len(client.entries(Period("date", DAY))) == 50
    assert len(server.requests) == 2


def test_the_token_goes_as_a_bearer_header(server, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", server.endpoint + "/")
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    DailyPapersClient.from_environment().entries(Period("date", DAY))
    assert server.requests[0].headers["Authorization"] == "Bearer hf_secret"
    assert server.requests[0].path == "/api/daily_papers"


def test_the_token_is_not_sent_on_after_a_redirect(server):
    with daily_papers_server() as elsewhere:
        server.queue(Reply(302, b"", {"Location": f"{elsewhere.endpoint}/api/daily_papers?date={DAY}"}))
        DailyPapersClient(server.endpoint, "hf_secret").entries(Period("date", DAY))
        assert server.requests[0].headers["Authorization"] == "Bearer hf_secret"
        assert "Authorization" not in elsewhere.requests[0].headers


def test_a_500_then_a_200_is_retried(server):
    server.days[DAY] = make_entries(DAY, 3)
    server.queue(status_reply(500))
    client, sleeps = client_for(server.endpoint)
    assert len(client.entries(Period("date", DAY))) == 3
    assert len(server.requests) == 2 and sum(sleeps) == pytest.approx(1.0)


def test_a_429_waits_as_long_as_retry_after_says(server):
    server.days[DAY] = make_entries(DAY, 3)
    server.queue(too_many_requests("1"))
    client = DailyPapersClient(server.endpoint)  # the real sleep: about a second
    assert len(client.entries(Period("date", DAY))) == 3
    assert len(server.requests) == 2


def test_retries_are_bounded(server):
    server.queue(*[status_reply(503)] * 10)
    client, sleeps = client_for(server.endpoint)
    with pytest.raises(FetchError) as caught:
        client.entries(Period("date", DAY))
    assert len(server.requests) == 4 and sleeps  # 4 tries, backing off between them
    assert "HTTP 503" in str(caught.value) and DAY in str(caught.value) and "after 4 tries" in str(caught.value)


def test_a_long_retry_after_gives_up_at_once(server):
    server.queue(too_many_requests("3600"))
    client, sleeps = client_for(server.endpoint)
    with pytest.raises(FetchError, match="asks to wait 3600 s"):
        client.entries(Period("date", DAY))
    assert sleeps == [] and len(server.requests) == 1


def test_retry_after_as_an_http_date(server):
    server.queue(too_many_requests("Wed, 21 Oct 2015 07:28:00 GMT"), Reply(body=b"[]"))  # in the past: at once
    client, sleeps = client_for(server.endpoint)
    assert client.entries(Period("date", DAY)) == []
    assert sum(sleeps) == 0


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (status_reply(404), "HTTP 404"),
        (malformed_reply(), "is not JSON"),
        (object_reply(), "a JSON object, not a list of papers (Invalid date format)"),
        (Reply(body=b'"text"'), "a string, not a list"),
        (Reply(body=b"[1, 2]"), "entry 1 is a number"),
        (Reply(body=b'["\xff\xfe"]'), "not UTF-8"),
    ],
)
def test_each_failure_is_one_line_naming_the_day(server, reply, words):
    server.queue(reply)
    client, _ = client_for(server.endpoint)
    with pytest.raises(FetchError) as caught:
        client.entries(Period("date", DAY))
    message = str(caught.value)
    assert words in message and DAY in message and "\n" not in message


def test_a_server_that_is_down(tmp_path):
    client, _ = client_for(closed_port_endpoint())
    with pytest.raises(FetchError, match="connection refused"):
        client.entries(Period("date", DAY))


def test_a_host_that_does_not_resolve():
    client, _ = client_for("http://no-such-host.invalid")
    with pytest.raises(FetchError, match="no-such-host.invalid"):
        client.entries(Period("date", DAY))


def test_a_server_that_hangs_times_out(server):
    server.queue(Reply(body=b"[]", hang=3))
    client, _ = client_for(server.endpoint, timeout=0.5)
    with pytest.raises(FetchError, match="did not answer within 0.5 s"):
        client.entries(Period("date", DAY))


def test_a_server_trickling_bytes_is_stopped(server):
    server.queue(Reply(body=b"[" + b" " * 40 + b"]", trickle=0.05))
    client, _ = client_for(server.endpoint, timeout=0.2)
    with pytest.raises(FetchError, match="did not answer within"):
        client.entries(Period("date", DAY))


def test_an_endpoint_that_is_not_http_is_refused():
    client, _ = client_for("file:///etc")
    with pytest.raises(FetchError, match="http"):
        client.entries(Period("date", DAY))


def test_a_huge_body_is_refused(server, monkeypatch):
    import reader.ingest.daily_papers as module

    monkeypatch.setattr(module, "MAX_BODY", 1000)
    server.queue(Reply(body=b"[" + b" " * 2000 + b"]"))
    client, _ = client_for(server.endpoint)
    with pytest.raises(FetchError, match="larger than"):
        client.entries(Period("date", DAY))
    monkeypatch.setattr(module, "MAX_BODY", 10**9)
    server.queue(Reply(body=b"[]", headers={"Content-Length": str(10**10)}))  # refused before reading
    with pytest.raises(FetchError, match="larger than 953 MiB"):
        client.entries(Period("date", DAY))


# -- fetch_days ---------------------------------------------------------------------------


def test_a_day_is_kept_exactly_as_received(server, tmp_path):
    server.days[DAY] = make_entries(DAY, 120)
    client, _ = client_for(server.endpoint)
    lines = []
    report = fetch_days(FetchRequest("date", DAY), tmp_path / "digests", client, lines.append, today=TODAY)
    target = tmp_path / "digests" / f"daily-papers-{DAY}.json"
    assert report.ok and [(r.status, r.papers) for r in report.days] == [(WRITTEN, 120)]
    assert json.loads(target.read_text(encoding="utf-8")) == server.days[DAY]
    assert f"{DAY}: 120 papers" in lines
    assert os.stat(tmp_path / "digests").st_mode & 0o777 == 0o700


def test_a_day_without_papers_writes_nothing(server, tmp_path):
    client, _ = client_for(server.endpoint)
    report = fetch_days(FetchRequest("date", DAY), tmp_path, client, today=TODAY)
    assert [r.status for r in report.days] == [EMPTY] and list(tmp_path.iterdir()) == []


def test_a_fetched_day_is_skipped_without_a_request_and_refresh_replaces_it(server, tmp_path):
    server.days[DAY] = make_entries(DAY, 2)
    client, _ = client_for(server.endpoint)
    fetch_days(FetchRequest("date", DAY), tmp_path, client, today=TODAY)
    again = fetch_days(FetchRequest("date", DAY), tmp_path, client, today=TODAY)
    assert [r.status for r in again.days] == [SKIPPED] and len(server.requests) == 1
    server.days[DAY] = make_entries(DAY, 5)
    refreshed = fetch_days(FetchRequest("date", DAY, refresh=True), tmp_path, client, today=TODAY)
    assert [(r.status, r.papers) for r in refreshed.days] == [(REPLACED, 5)]
    assert len(json.loads((tmp_path / f"daily-papers-{DAY}.json").read_text())) == 5
    assert [p.name for p in tmp_path.iterdir()] == [f"daily-papers-{DAY}.json"]  # no temporary left


def test_a_week_is_split_into_its_days(server, tmp_path):
    server.days["2026-11-16"] = make_entries("2026-11-16", 2, start=1)
    server.days["2026-11-18"] = [make_entry("Nested Day", "2026-11-18", 10, nested_day=True)]
    client, _ = client_for(server.endpoint)
    report = fetch_days(FetchRequest("week", "2026-w47"), tmp_path, client, today=TODAY)
    assert server.asked() == ["week=2026-W47 p=0"]
    written = {r.day.isoformat(): r.papers for r in report.days if r.status == WRITTEN}
    assert written == {"2026-11-16": 2, "2026-11-18": 1}
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["daily-papers-2026-11-16.json", "daily-papers-2026-11-18.json"]


def test_a_week_in_progress_stops_at_today(tmp_path):
    batches, _ = plan_batches(FetchRequest("week", "2026-W48"), tmp_path, date(2026, 11, 25))
    assert [d.isoformat() for d in batches[0].days] == ["2026-11-23", "2026-11-24", "2026-11-25"]
    with pytest.raises(ValueError, match="in the future"):
        plan_batches(FetchRequest("date", "2026-11-26"), tmp_path, date(2026, 11, 25))


def test_a_failure_keeps_the_days_written_before_it_and_names_its_day(server, tmp_path):
    (tmp_path / "daily-papers-2026-11-21.json").write_text("[]")  # written after that day ended
    server.days["2026-11-22"] = make_entries("2026-11-22", 2)
    server.days["2026-11-23"] = make_entries("2026-11-23", 2)
    server.fail("2026-11-24", malformed_reply())
    client, _ = client_for(server.endpoint)
    report = fetch_days(FetchRequest("since-last"), tmp_path, client, today=date(2026, 11, 24))
    assert [r.day.isoformat() for r in report.written] == ["2026-11-22", "2026-11-23"]
    assert report.error is not None and "2026-11-24" in report.error and "not JSON" in report.error
    assert not (tmp_path / "daily-papers-2026-11-24.json").exists()


def test_cancel_stops_between_days(server, tmp_path):
    (tmp_path / "daily-papers-2026-11-21.json").write_text("[]")
    for day in ("2026-11-22", "2026-11-23"):
        server.days[day] = make_entries(day, 1)
    client, _ = client_for(server.endpoint)
    asked = []
    report = fetch_days(
        FetchRequest("since-last"), tmp_path, client, cancel=lambda: len(asked) > 0,
        progress=lambda line: asked.append(line) if line.endswith("1 paper") else None, today=date(2026, 11, 23),
    )
    assert report.cancelled and len(report.written) == 1


def test_since_last_starts_after_the_newest_day_and_is_capped(tmp_path):
    assert since_last_days(tmp_path, TODAY) == ([TODAY], [])
    old = tmp_path / "daily-papers-2026-09-01.json"
    old.write_text("[]")  # written after that day ended: complete
    days, notices = since_last_days(tmp_path, TODAY)
    assert len(days) == 31 and days[-1] == TODAY and "only the last 31 days" in notices[0]
    recent = tmp_path / "daily-papers-2026-11-23.json"
    recent.write_text("[]")
    assert since_last_days(tmp_path, TODAY)[0] == [date(2026, 11, 24), TODAY]


def test_since_last_fetches_again_a_day_fetched_before_it_ended(tmp_path):
    today = utc_today()
    (tmp_path / f"daily-papers-{today.isoformat()}.json").write_text("[]")  # written now: during the day
    assert since_last_days(tmp_path, today)[0] == [today]
    (tmp_path / f"daily-papers-{today.isoformat()}.json").unlink()
    yesterday = today - timedelta(1)
    (tmp_path / f"daily-papers-{yesterday.isoformat()}.json").write_text("[]")  # written after it ended
    assert since_last_days(tmp_path, today)[0] == [today]


def test_since_last_replaces_the_newest_day_when_it_was_fetched_during_that_day(server, tmp_path):
    newest = tmp_path / "daily-papers-2026-11-24.json"
    newest.write_text(json.dumps(make_entries("2026-11-24", 1)))
    during = datetime(2026, 11, 24, 10, tzinfo=UTC).timestamp()
    os.utime(newest, (during, during))
    server.days["2026-11-24"] = make_entries("2026-11-24", 3)
    client, _ = client_for(server.endpoint)
    report = fetch_days(FetchRequest("since-last"), tmp_path, client, today=TODAY)
    assert server.asked() == ["date=2026-11-24 p=0", "date=2026-11-25 p=0"]
    assert [(r.day.isoformat(), r.status, r.papers) for r in report.days] == [
        ("2026-11-24", REPLACED, 3), ("2026-11-25", EMPTY, 0),
    ]


def test_an_entry_is_dated_by_its_listing_day():
    assert entry_day(make_entry("A", "2026-11-20")) == date(2026, 11, 20)
    assert entry_day(make_entry("A", "2026-11-20", nested_day=True)) == date(2026, 11, 20)
    assert entry_day({"publishedAt": "2026-11-19T00:00:00Z", "paper": {"publishedAt": "2020-01-01"}}) == date(
        2026, 11, 19
    )
    assert entry_day({"title": "undated"}) is None


def test_a_lone_surrogate_is_kept_escaped(server, tmp_path):
    server.queue(Reply(body=b'[{"title": "Broken \\ud800 Text", "submittedOnDailyAt": "2026-11-20"}]'))
    client, _ = client_for(server.endpoint)
    report = fetch_days(FetchRequest("date", DAY), tmp_path, client, today=TODAY)
    assert report.ok
    text = (tmp_path / f"daily-papers-{DAY}.json").read_bytes().decode("utf-8")
    assert "\\ud800" in text


def test_an_unwritable_folder_is_one_line_and_leaves_nothing(server, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    server.days[DAY] = make_entries(DAY, 1)
    folder = tmp_path / "digests"
    folder.mkdir()
    folder.chmod(0o500)
    client, _ = client_for(server.endpoint)
    try:
        report = fetch_days(FetchRequest("date", DAY), folder, client, today=TODAY)
    finally:
        folder.chmod(0o700)
    assert report.error is not None and report.error.startswith(f"{DAY}: fetched but not saved")
    assert list(folder.iterdir()) == []


def test_a_digest_folder_that_is_a_file_is_one_line(server, tmp_path):
    server.days[DAY] = make_entries(DAY, 1)
    folder = tmp_path / "digests"
    folder.write_text("not a folder")
    client, _ = client_for(server.endpoint)
    report = fetch_days(FetchRequest("date", DAY), folder, client, today=TODAY)
    assert report.error is not None and report.error.startswith(f"{DAY}: fetched but not saved")
    assert "\n" not in report.error and folder.read_text() == "not a folder"


def test_a_day_answered_with_another_days_list_writes_nothing_for_it(tmp_path):
    from datetime import date as day_type

    from reader.ingest.fetch_days import FetchRequest, plan_batches, split_by_day

    [batch], _ = plan_batches(FetchRequest("date", "2026-11-21"), tmp_path, day_type(2026, 12, 1))
    other_day = make_entries("2026-11-20", 3)
    by_day, left_out = split_by_day(other_day, batch)
    assert by_day[day_type(2026, 11, 21)] == [] and left_out == 3
    near_midnight = [*make_entries("2026-11-21", 2), make_entry("Listed Late", "2026-11-22", 99)]
    by_day, left_out = split_by_day(near_midnight, batch)
    assert len(by_day[day_type(2026, 11, 21)]) == 3 and left_out == 0
