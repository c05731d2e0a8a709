"""A Hugging Face Daily Papers server on 127.0.0.1 for tests, and entries to serve.

    with daily_papers_server() as server:          # server.endpoint -> HF_ENDPOINT
        server.days["2026-11-20"] = make_entries("2026-11-20", 57)
        server.queue(status_reply(500))             # the next request fails once
        server.fail("2026-11-21", malformed_reply()) # the first request for that day fails
        ...
        server.requests                             # what it was asked, in order

`/api/daily_papers` answers `date=`, `week=` or `month=` from `days`, in pages of `limit`
(default 50) chosen by `p`, as the service does. Queued replies are sent first, one per
request, whatever was asked (a reply with `hang` sleeps that long before answering).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # seconds to wait before answering
    trickle: float = 0.0  # seconds between the body's bytes


def status_reply(status: int, **headers: str) -> Reply:
    return Reply(status, json.dumps({"error": f"status {status}"}).encode(), headers)


def too_many_requests(retry_after: str = "1") -> Reply:
    return Reply(429, b'{"error": "slow down"}', {"Retry-After": retry_after})


def malformed_reply() -> Reply:
    return Reply(200, b'[{"title": "Cut off"')


def object_reply() -> Reply:
    return Reply(200, b'{"error": "Invalid date format"}')


@dataclass
class Request:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


class DailyPapersServer:
    def __init__(self) -> None:
        self.days: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[Request] = []
        self._queued: list[Reply] = []
        self._for_period: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self.endpoint = ""

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self._queued.extend(replies)

    def fail(self, period: str, *replies: Reply) -> None:
        """Send these replies, one per request, when `period` (a date, week or month) is asked for."""
        with self._lock:
            self._for_period.setdefault(period, []).extend(replies)

    def asked(self) -> list[str]:
        """The periods asked for, `date=2026-11-20 p=0` style, in order."""
        return [" ".join(f"{k}={v}" for k, v in r.params.items() if k != "limit") for r in self.requests]

    def answer(self, path: str, params: dict[str, str], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(Request(path, params, headers))
            if self._queued:
                return self._queued.pop(0)
            period = params.get("date") or params.get("week") or params.get("month") or ""
            if self._for_period.get(period):
                return self._for_period[period].pop(0)
        if path != "/api/daily_papers":
            return status_reply(404)
        entries = self._entries_for(params)
        limit, page = int(params.get("limit", "50")), int(params.get("p", "0"))
        chunk = entries[page * limit:(page + 1) * limit]
        return Reply(200, json.dumps(chunk).encode("utf-8"), {"Content-Type": "application/json"})

    def _entries_for(self, params: dict[str, str]) -> list[dict[str, Any]]:
        if "date" in params:
            return self.days.get(params["date"], [])
        if "week" in params:
            year, week = params["week"].split("-W")
            first = date.fromisocalendar(int(year), int(week), 1)
            wanted = {(first + timedelta(n)).isoformat() for n in range(7)}
        elif "month" in params:
            wanted = {day for day in self.days if day.startswith(params["month"] + "-")}
        else:
            wanted = {max(self.days)} if self.days else set()
        return [entry for day in sorted(wanted) for entry in self.days.get(day, [])]


@contextmanager
def daily_papers_server() -> Iterator[DailyPapersServer]:
    server = DailyPapersServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            url = urllib.parse.urlsplit(self.path)
            params = dict(urllib.parse.parse_qsl(url.query))
            reply = server.answer(url.path, params, {k: v for k, v in self.headers.items()})
            if reply.hang:
                time.sleep(reply.hang)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.trickle:
                    for byte in reply.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(reply.trickle)
                else:
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server.endpoint = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name="daily-papers-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port_endpoint() -> str:
    """An endpoint on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# -- entries ----------------------------------------------------------------------------


def make_entry(
    title: str, day: str, number: int = 1, *, upvotes: int = 3, authors: tuple[str, ...] = ("Ada Lovelace",),
    github: str | None = None, nested_day: bool = False,
) -> dict[str, Any]:
    """An entry as the service sends it: the paper nested, the listing's fields on top."""
    arxiv_id = f"2611.{number:05d}"
    paper = {
        "id": arxiv_id,
        "title": title,
        "summary": f"We study {title.lower()}. It is evaluated on a benchmark with care.",
        "authors": [{"_id": f"a{n}", "name": name, "hidden": False} for n, name in enumerate(authors)],
        "publishedAt": f"{day}T17:59:00.000Z",
        "upvotes": upvotes,
        "githubRepo": github,
        "githubStars": 120 if github else None,
        "projectPage": f"https://example.org/{arxiv_id}",
        "ai_keywords": ["diffusion", "benchmark"],
        "discussionId": f"d{number}",
    }
    entry: dict[str, Any] = {
        "paper": paper,
        "title": title,
        "summary": paper["summary"],
        "publishedAt": f"{day}T05:00:00.000Z",
        "numComments": 2,
        "thumbnail": f"https://cdn.example.org/{arxiv_id}.png",
    }
    if nested_day:
        paper["submittedOnDailyAt"] = f"{day}T05:00:00.000Z"
    else:
        entry["submittedOnDailyAt"] = f"{day}T05:00:00.000Z"
    return entry


def make_entries(day: str, count: int, start: int = 1) -> list[dict[str, Any]]:
    """`count` distinct papers listed on `day`; ids from `start` (keep them apart per day)."""
    return [make_entry(f"Fetched Paper {day} Number {n}", day, n) for n in range(start, start + count)]


HOSTILE_TITLES = [
    "[/] [bold]x Markup Is Text",
    "\x1b[31mRed\x1b[0m Escapes \x1b]0;owned\x07 In Titles",
    "A Title\nOn Two Lines",
]


def hostile_entries(day: str, start: int = 900) -> list[dict[str, Any]]:
    return [make_entry(title, day, start + n) for n, title in enumerate(HOSTILE_TITLES)]


def seed_title() -> str:
    """A paper title from a bundled seed page copy (its first paper), to fetch again."""
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        if "byAK and the research community" in lines:
            start = lines.index("byAK and the research community")
            # After the byline: the date line, then the first title.
            rest = [line for line in lines[start + 1:] if line]
            if len(rest) >= 2:
                return rest[1]
    raise AssertionError("no seed page copy with a title found")
