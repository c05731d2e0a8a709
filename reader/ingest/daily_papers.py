"""The Hugging Face Daily Papers client: one day's, week's or month's entries, as received.

Standard library only (urllib), not `huggingface_hub`: the entries are kept as they came
(the digest file is the answer itself, not objects rebuilt from it), the retries are ours
(bounded, 429 and 5xx only, honouring Retry-After), and importing that package would cost
every start of the reader, not only a fetch.

`GET {endpoint}/api/daily_papers?date=YYYY-MM-DD` (or `week=YYYY-Www`, `month=YYYY-MM`)
with `limit` and `p` (the page), paged until a short page. The endpoint is HF_ENDPOINT
(default https://huggingface.co); HF_TOKEN, when set, is sent as a bearer token.

Every failure is a FetchError whose text is one line a user can act on.
"""

from __future__ import annotations

import email.utils
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import HTTPException
from typing import Any

from reader import __version__
from reader.domain.untrusted_json import UntrustedJSON, loads

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 50  # the service's own default page
MAX_PAGES = 100  # a month is ~30 pages; more means a server ignoring `p`
TIMEOUT = 20.0  # seconds per request
ATTEMPTS = 4  # per request, for 429 and 5xx
MAX_WAIT = 60.0  # longest Retry-After honoured; a longer one gives up
MAX_BODY = 32 * 1024 * 1024  # a page of 50 entries is ~150 KB
USER_AGENT = f"reader/{__version__} (daily-papers fetch; Python-urllib)"

Sleep = Callable[[float], None]
Cancelled = Callable[[], bool]


class FetchError(Exception):
    """The entries could not be fetched; str() is one line saying what and what to do."""


class FetchCancelled(Exception):
    """The caller asked to stop (between requests or during a wait before a retry)."""


@dataclass(frozen=True)
class Period:
    """What to ask for: `date` 2026-11-20, `week` 2026-W47 or `month` 2026-11."""

    kind: str
    value: str

    @property
    def label(self) -> str:
        return self.value if self.kind == "date" else f"{self.kind} {self.value}"


class DailyPapersClient:
    """Fetches Daily Papers entries. `sleep` is for tests (no real waits); `entries` takes
    a `cancelled` check for workers, heard between requests and during waits."""

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | None = None,
        *,
        timeout: float = TIMEOUT,
        attempts: int = ATTEMPTS,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.endpoint = (endpoint or DEFAULT_ENDPOINT).strip().rstrip("/")
        self.token = token or None
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.page_size = page_size
        self.max_pages = max_pages
        self.sleep = sleep
        self.host = urllib.parse.urlsplit(self.endpoint).netloc or self.endpoint

    @classmethod
    def from_environment(cls, **options: Any) -> DailyPapersClient:
        """The client HF_ENDPOINT and HF_TOKEN describe (as huggingface_hub reads them)."""
        return cls(os.environ.get("HF_ENDPOINT") or None, os.environ.get("HF_TOKEN") or None, **options)

    def entries(
        self, period: Period, cancelled: Cancelled | None = None, progress: Callable[[str], None] | None = None
    ) -> list[dict[str, Any]]:
        """Every entry for `period`, pages joined in order, each dict as received."""
        if urllib.parse.urlsplit(self.endpoint).scheme not in ("http", "https"):
            raise FetchError(f"HF_ENDPOINT must be an http(s) address, not {self.endpoint!r}")
        found: list[dict[str, Any]] = []
        previous: list[dict[str, Any]] | None = None
        for page in range(self.max_pages):
            _stop_if(cancelled)
            if page and progress:
                progress(f"{period.label}: page {page + 1}")
            batch = self._page(period, page, cancelled)
            if batch == previous:  # a server ignoring `p` sends the same page again
                return found
            found.extend(batch)
            if len(batch) < self.page_size:
                return found
            previous = batch
        raise FetchError(
            f"{self.host} sent more than {self.max_pages} pages of papers for {period.label}; "
            "stopped (is HF_ENDPOINT a Daily Papers server?)"
        )

    def url(self, period: Period, page: int) -> str:
        query = urllib.parse.urlencode({period.kind: period.value, "limit": self.page_size, "p": page})
        return f"{self.endpoint}/api/daily_papers?{query}"

    def _page(self, period: Period, page: int, cancelled: Cancelled | None) -> list[dict[str, Any]]:
        body = self._get(self.url(period, page), period, cancelled)
        return _entries_of(body, f"the answer from {self.host} for {period.label}")

    def _get(self, url: str, period: Period, cancelled: Cancelled | None) -> bytes:
        """The body of a 200 answer, after at most `attempts` tries for 429 and 5xx."""
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        if self.token:  # never sent on after a redirect, which may lead to another host
            request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        for attempt in range(1, self.attempts + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return self._read(response, period)
            except urllib.error.HTTPError as error:
                error.close()  # its body is not read: free the connection
                retry = error.code == 429 or 500 <= error.code <= 599
                if not retry or attempt == self.attempts:
                    raise FetchError(self._status_line(error, period, attempt)) from None
                self._wait(_retry_delay(error, attempt), error, period, cancelled)
            except urllib.error.URLError as error:
                raise FetchError(self._network_line(error.reason, period)) from None
            except TimeoutError:
                raise FetchError(self._timeout_line(period)) from None
            except (OSError, HTTPException) as error:
                raise FetchError(self._network_line(error, period)) from None
        raise AssertionError("unreachable")  # the loop returns or raises

    def _read(self, response: Any, period: Period) -> bytes:
        """The body, in chunks: a server trickling bytes cannot hold the fetch past a few
        timeouts, nor fill the memory."""
        too_large = FetchError(
            f"the answer from {self.host} for {period.label} is larger than {MAX_BODY // (1024 * 1024)} MiB; "
            "not read (is HF_ENDPOINT a Daily Papers server?)"
        )
        length = response.headers.get("Content-Length", "") if response.headers else ""
        if length.isdigit() and int(length) > MAX_BODY:
            raise too_large
        deadline = time.monotonic() + 3 * self.timeout
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read1(64 * 1024):  # returns what has come, so the deadline is heard
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY:
                raise too_large
            if time.monotonic() > deadline:
                raise TimeoutError()
        return b"".join(chunks)

    def _wait(self, seconds: float, error: urllib.error.HTTPError, period: Period, cancelled: Cancelled | None) -> None:
        if seconds > MAX_WAIT:
            raise FetchError(
                f"{self.host} answered HTTP {error.code} for {period.label} and asks to wait {seconds:.0f} s "
                "before trying again; try later"
            )
        # In short steps, so a cancel is heard during a long wait.
        remaining = seconds
        while remaining > 0:
            _stop_if(cancelled)
            step = min(remaining, 0.25)
            self.sleep(step)
            remaining -= step
        _stop_if(cancelled)

    def _status_line(self, error: urllib.error.HTTPError, period: Period, attempt: int) -> str:
        reason = f" {error.reason[:60]}" if isinstance(error.reason, str) and error.reason else ""
        tries = f" (after {attempt} tries)" if attempt > 1 else ""
        hint = {
            401: "; check HF_TOKEN",
            403: "; check HF_TOKEN",
            404: "; is HF_ENDPOINT right?",
            400: "; is the date right?",
            429: "; too many requests, try later",
        }.get(error.code, "; try later" if error.code >= 500 else "")
        return f"{self.host} answered HTTP {error.code}{reason} for {period.label}{tries}{hint}"

    def _network_line(self, reason: object, period: Period) -> str:
        if isinstance(reason, TimeoutError):
            return self._timeout_line(period)
        if isinstance(reason, socket.gaierror):
            return f"cannot find the host {self.host} (no network, or a DNS failure) while fetching {period.label}"
        if isinstance(reason, ConnectionRefusedError):
            return (
                f"cannot connect to {self.host} (connection refused) while fetching {period.label}; "
                "is HF_ENDPOINT right?"
            )
        text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        return f"cannot fetch {period.label} from {self.host}: {text}"

    def _timeout_line(self, period: Period) -> str:
        return f"{self.host} did not answer within {self.timeout:g} s while fetching {period.label}; try later"


def _stop_if(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise FetchCancelled()


def _retry_delay(error: urllib.error.HTTPError, attempt: int) -> float:
    """Seconds to wait before the next try: the server's Retry-After, else 1, 2, 4 s..."""
    header = error.headers.get("Retry-After") if error.headers else None
    if header:
        header = header.strip()
        if header.isdigit():
            return float(header)
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return float(2 ** (attempt - 1))


def _entries_of(body: bytes, what: str) -> list[dict[str, Any]]:
    """The list of entry objects a body holds, or a FetchError saying what it holds instead."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FetchError(f"{what} is not UTF-8 text (byte {error.start + 1}); not used") from None
    try:
        value = loads(text)
    except UntrustedJSON as error:
        where = f" at line {error.line}" if error.line else ""
        raise FetchError(f"{what} is not JSON: {error.reason}{where}") from None
    if isinstance(value, dict):
        said = value.get("error")
        detail = f" ({str(said)[:120]})" if isinstance(said, str) and said else ""
        raise FetchError(f"{what} is a JSON object, not a list of papers{detail}")
    if not isinstance(value, list):
        raise FetchError(f"{what} is {_json_kind(value)}, not a list of papers")
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise FetchError(f"{what}: entry {number} is {_json_kind(item)}, not a paper")
    return value


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "a JSON value"
