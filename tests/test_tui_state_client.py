"""The state client without a terminal: writes in order, marks drawn once saved, another
process's changes picked up by the poll."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from reader.domain.annotations import Annotations
from reader.domain.marks import Marks
from reader.state.store import StateStore
from reader.tui.state_client import StateClient


class Notices(list):
    def __call__(self, message: str, **how) -> None:
        self.append((message, how.get("severity", "information")))


@pytest.fixture
def client(tmp_path):
    state = StateStore(tmp_path / "state.sqlite3")
    jobs = ThreadPoolExecutor(max_workers=1)
    yield StateClient(state, jobs, Notices())
    jobs.shutdown(wait=True)
    state.close()


def test_a_mark_on_its_way_counts_as_meant_until_it_lands(client):
    shown = Marks()
    change = client.mark_pending("read", ["a"], True)
    starred = client.mark_pending("starred", ["b"], True)
    meant = client.marks_meant(shown)
    assert meant.read == frozenset("a") and meant.starred == frozenset("b") and shown.read == frozenset()
    client.mark_done(change)
    client.mark_done(starred)
    assert client.marks_meant(shown) is shown


def test_a_write_is_drawn_after_it_commits_and_a_failed_one_is_said_and_never_drawn(client):
    drawn, dropped = [], []

    async def run() -> None:
        await client.load()
        future = client.submit(lambda: client.state.set_read(["a"], True))
        await client.landed(future, drawn.append, lambda: dropped.append("x"))

        def broken() -> None:
            raise OSError("disk full")

        await client.landed(client.submit(broken), drawn.append, lambda: dropped.append("broken"))

    asyncio.run(run())
    assert client.state.read_ids() == frozenset("a") and len(drawn) == 1
    assert dropped == ["broken"] and client.version is None  # the next poll reads every mark again
    assert client.notify == [("Not saved, so not shown: disk full. Press the key again to retry.", "error")]


def test_the_poll_finds_marks_tags_and_notes_another_process_changed(client, tmp_path):
    async def run():
        loaded = await client.load()
        nothing = await client.poll_marks(loaded.marks)
        with StateStore(tmp_path / "state.sqlite3") as other:
            other.set_starred(["z"], True)
            other.change_tags("z", ["later"], [])
        polled = await client.poll_marks(loaded.marks)
        annotations = await client.poll_annotations(Annotations(), polled.submitted)
        return nothing, polled, annotations

    nothing, polled, annotations = asyncio.run(run())
    assert nothing is not None and not nothing.moved and nothing.marks is None
    assert polled.moved and polled.marks.starred == frozenset("z")
    assert annotations.tags == {"z": ("later",)}


def test_a_poll_started_before_a_write_of_ours_is_dropped(client):
    async def run():
        await client.load()
        poll = asyncio.ensure_future(client.poll_marks(Marks()))
        await asyncio.sleep(0)  # the poll's read is queued on the state thread
        client.submit(lambda: None)
        return await poll

    assert asyncio.run(run()) is None


def test_no_poll_before_anything_was_read_or_written_or_while_closing(client):
    assert not client.should_poll(False)
    client.submit(lambda: None)
    assert client.should_poll(False) and not client.should_poll(True)
