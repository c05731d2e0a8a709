"""Marks on every machine: the newer-wins rule, the marks file, and two profiles sharing one
sync file (each profile a StateStore with a clock the test sets, standing for a machine)."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from reader.domain.models import SavedView
from reader.domain.newer_wins import EPOCH, Stamped, newer, stamp_of
from reader.state import schema
from reader.state.store import SCHEMA_VERSION, StateStore
from reader.state.sync_format import MarksFileError, decode, encode
from reader.state.sync_records import Record
from reader.system.files import FileWriteError

from support.clock import START, Clock


@pytest.fixture
def machines(tmp_path):
    """Two profiles (machines A and B) with their own clocks, and the sync file they share."""
    a_clock, b_clock = Clock(), Clock()
    (tmp_path / "Sync").mkdir()
    with StateStore(tmp_path / "a.sqlite3", a_clock) as a, StateStore(tmp_path / "b.sqlite3", b_clock) as b:
        yield a, a_clock, b, b_clock, tmp_path / "Sync" / "reader-marks.jsonl"


def everything(store: StateStore) -> tuple:
    """What a user sees of a profile: marks, tags, notes, views, mute rules."""
    return (
        sorted(store.read_ids()), sorted(store.starred_ids()), store.all_tags(), store.all_notes(),
        [(v.name.lower(), v.query, v.view) for v in store.saved_views()], sorted(store.mute_rules()),
    )


def records(store: StateStore) -> list[dict]:
    return [json.loads(line) for line in _export(store).decode().splitlines()[1:]]


def _export(store: StateStore) -> bytes:
    from reader.state.marks_sync import export_records

    return encode(export_records(store))


# -- the rule -----------------------------------------------------------------------------------


def test_the_newer_change_wins_whatever_its_value():
    early, late = stamp_of(START), stamp_of(START + timedelta(microseconds=1))
    assert newer(Stamped(False, late), Stamped(True, early))  # an unstar made later beats a star
    assert not newer(Stamped(True, early), Stamped(False, late))
    assert newer(Stamped(True, EPOCH), None)  # anything beats nothing


def test_changes_made_at_the_same_moment_pick_the_same_winner_on_every_machine():
    at = stamp_of(START)
    values = [True, False, None, "a note", "b note", {"query": "q", "view": "all"}]
    for one, other in itertools.permutations(values, 2):
        a, b = Stamped(one, at), Stamped(other, at)
        assert newer(a, b) != newer(b, a)  # exactly one wins, whichever is read first
    assert newer(Stamped(True, at), Stamped(False, at))  # present beats deleted on a tie


def test_stamps_order_as_text_in_time_order():
    moments = [START + timedelta(microseconds=n) for n in (0, 1, 999_999, 1_000_000)]
    moments.append(datetime(2026, 12, 3, 2, 0, tzinfo=UTC).astimezone())  # another zone, same instant order
    stamps = [stamp_of(moment) for moment in moments]
    assert stamps == sorted(stamps) and stamps[0] == "2026-12-03T01:00:00.000000Z"


# -- two machines, one sync file ----------------------------------------------------------------


def test_marks_made_alternately_reach_both_machines(machines):
    a, _, b, _, sync = machines
    a.set_read(["p1"], True)
    a.sync_marks(sync)
    b.sync_marks(sync)
    b.set_starred(["p1"], True)
    b.change_tags("p2", ["moe"])
    b.sync_marks(sync)
    a.sync_marks(sync)
    a.set_note("p2", "read the appendix")
    a.save_view(SavedView("Mixture", "moe", "unread"))
    a.add_mute_rule("title:survey")
    a.sync_marks(sync)
    b.sync_marks(sync)
    assert everything(a) == everything(b) == (
        ["p1"], ["p1"], {"p2": ("moe",)}, {"p2": "read the appendix"}, [("mixture", "moe", "unread")],
        ["title:survey"],
    )
    assert _export(a) == _export(b) == sync.read_bytes()  # converged, to the byte


def test_machines_changing_different_papers_at_once_both_keep_both(machines):
    a, _, b, _, sync = machines
    a.set_read(["a1", "a2"], True)
    a.change_tags("a1", ["mine"])
    b.set_starred(["b1"], True)
    b.set_note("b2", "from B")
    a.sync_marks(sync)  # neither had seen the other's changes
    b.sync_marks(sync)
    a.sync_marks(sync)
    assert everything(a) == everything(b) == (
        ["a1", "a2"], ["b1"], {"a1": ("mine",)}, {"b2": "from B"}, [], [],
    )


@pytest.mark.parametrize("first", ["a", "b"])
def test_a_conflict_on_one_paper_keeps_the_newer_change(machines, first):
    a, a_clock, b, b_clock, sync = machines
    a_clock.set(10)
    a.set_note("p1", "older, from A")
    a.set_read(["p1"], True)
    b_clock.set(20)
    b.set_note("p1", "newer, from B")
    b.set_read(["p2"], True)
    a_clock.set(30)
    a.set_starred(["p2"], True)  # A's newest change, on another paper
    order = [a, b, a] if first == "a" else [b, a, b]
    for machine in order:
        machine.sync_marks(sync)
    assert everything(a) == everything(b)
    assert a.all_notes() == {"p1": "newer, from B"} and sorted(a.read_ids()) == ["p1", "p2"]
    assert a.starred_ids() == {"p2"}


def test_a_deletion_on_one_machine_reaches_the_other(machines):
    a, _, b, _, sync = machines
    a.set_starred(["p1"], True)
    a.set_read(["p1"], True)
    a.change_tags("p1", ["moe", "rl"])
    a.set_note("p1", "draft")
    a.save_view(SavedView("Moe", "moe"))
    a.add_mute_rule("title:survey")
    a.sync_marks(sync)
    b.sync_marks(sync)
    assert everything(b) == everything(a)
    b.set_starred(["p1"], False)
    b.set_read(["p1"], False)
    b.change_tags("p1", remove=["rl"])
    b.set_note("p1", "")
    b.delete_view("moe")
    b.remove_mute_rule("title:survey")
    b.sync_marks(sync)
    report = a.sync_marks(sync).merged
    assert report is not None and report.summary() == (
        "1 paper marked unread, 1 paper unstarred, 1 tag removed, 1 note deleted, 1 view deleted, "
        "1 mute rule removed"
    )
    assert everything(a) == everything(b) == ([], [], {"p1": ("moe",)}, {}, [], [])
    kinds = {(r["kind"], r["value"] in (False, None)) for r in records(a)}
    assert {("starred", True), ("read", True), ("tag", True), ("note", True), ("view", True),
            ("mute", True)} <= kinds  # the tombstones travel on


def test_a_tombstone_is_kept_by_a_machine_that_never_had_the_mark(machines, tmp_path):
    a, _, b, _, sync = machines
    a.set_starred(["p1"], True)
    a.set_starred(["p1"], False)
    a.sync_marks(sync)
    b.sync_marks(sync)
    assert b.starred_ids() == frozenset()
    assert [r for r in records(b) if r["kind"] == "starred"] == [r for r in records(a) if r["kind"] == "starred"]
    # A third machine that starred p1 before A's unstar learns of it through B's copy alone.
    with StateStore(tmp_path / "c.sqlite3", Clock(START - timedelta(hours=1))) as c:
        c.set_starred(["p1"], True)
        b.export_marks(tmp_path / "from-b.jsonl")
        c.import_marks(tmp_path / "from-b.jsonl")
        assert c.starred_ids() == frozenset()


def test_a_sync_with_nothing_new_on_either_side_writes_nothing(machines):
    a, _, b, _, sync = machines
    a.set_read(["p1"], True)
    assert a.sync_marks(sync).written
    written = sync.stat().st_mtime_ns, sync.read_bytes()
    version = a.version()
    outcome = a.sync_marks(sync)
    assert not outcome.written and outcome.merged is None
    assert (sync.stat().st_mtime_ns, sync.read_bytes()) == written and a.version() == version
    b.set_read(["p2"], True)  # the other machine's change, then ours: both go through again
    b.sync_marks(sync)
    a.set_starred(["p1"], True)
    assert a.sync_marks(sync).written
    b.sync_marks(sync)
    assert everything(a) == everything(b) == (["p1", "p2"], ["p1"], {}, {}, [], [])


def test_a_missing_sync_folder_is_an_error_naming_it_and_nothing_is_written(tmp_path):
    with StateStore(tmp_path / "a.sqlite3", Clock()) as a:
        a.set_read(["p1"], True)
        with pytest.raises(FileWriteError, match="the folder .*Nowhere does not exist"):
            a.sync_marks(tmp_path / "Nowhere" / "marks.jsonl")
        assert not (tmp_path / "Nowhere").exists()


def test_an_undo_after_a_sync_is_newer_and_travels_too(machines):
    a, _, b, _, sync = machines
    a.set_read(["p1"], True)
    a.sync_marks(sync)
    b.sync_marks(sync)
    a.undo()
    a.sync_marks(sync)
    b.sync_marks(sync)
    assert b.read_ids() == frozenset()


# -- import --------------------------------------------------------------------------------------


def test_an_import_is_one_undo_step_that_gives_back_exactly_what_was(tmp_path):
    clock = Clock()
    with StateStore(tmp_path / "other.sqlite3", Clock(START + timedelta(hours=1))) as other:
        other.set_read(["p1", "p2", "unknown-to-this-machine"], True)
        other.set_starred(["p3"], True)
        other.set_starred(["p3"], False)
        other.change_tags("p1", ["moe"])
        other.set_note("p2", "theirs")
        other.save_view(SavedView("Theirs", "rl", "starred"))
        other.add_mute_rule("title:survey")
        other.export_marks(tmp_path / "theirs.jsonl")
    with StateStore(tmp_path / "mine.sqlite3", clock) as mine:
        mine.set_starred(["p3"], True)
        mine.set_note("p2", "mine")
        mine.save_view(SavedView("theirs", "old query"))
        before, exported = everything(mine), _export(mine)
        report = mine.import_marks(tmp_path / "theirs.jsonl")
        assert report.summary() == (
            "3 papers marked read, 1 paper unstarred, 1 tag added, 1 note saved, 1 view saved, 1 mute rule added"
        )
        assert "unknown-to-this-machine" in mine.read_ids()  # kept for a paper not fetched yet
        assert mine.all_notes() == {"p2": "theirs"}
        undone = mine.undo()
        assert undone is not None and undone.description == "import marks from theirs.jsonl"
        assert everything(mine) == before
        assert mine.saved_views() == [SavedView("theirs", "old query")]
        assert mine.undo() is not None and mine.starred_ids() == {"p3"}  # the step before is untouched
        assert exported  # (the export before the import is what a user could compare against)


def test_importing_a_file_twice_changes_nothing_the_second_time(tmp_path):
    with StateStore(tmp_path / "a.sqlite3", Clock()) as a, StateStore(tmp_path / "b.sqlite3", Clock()) as b:
        a.set_read(["p1"], True)
        a.export_marks(tmp_path / "m.jsonl")
        assert b.import_marks(tmp_path / "m.jsonl").summary() == "1 paper marked read"
        undo_steps = b._db().execute("SELECT count(*) FROM actions").fetchone()[0]
        assert b.import_marks(tmp_path / "m.jsonl").summary() == "nothing changed"
        assert b._db().execute("SELECT count(*) FROM actions").fetchone()[0] == undo_steps


def test_older_changes_are_ignored_and_counted(tmp_path):
    old_clock, new_clock = Clock(START), Clock(START + timedelta(days=1))
    with StateStore(tmp_path / "old.sqlite3", old_clock) as old, StateStore(tmp_path / "new.sqlite3", new_clock) as new:
        old.set_read(["p1", "p2"], True)
        new.set_read(["p1", "p2"], False)  # never read here: no change, so nothing newer
        new.set_read(["p1", "p2"], True)
        new.set_read(["p1", "p2"], False)  # unread, a day later
        old.export_marks(tmp_path / "old.jsonl")
        assert new.import_marks(tmp_path / "old.jsonl").summary() == "nothing changed; 2 older changes ignored"
        assert new.read_ids() == frozenset()


# -- refused files -------------------------------------------------------------------------------


def _valid(tmp_path) -> bytes:
    with StateStore(tmp_path / "source.sqlite3", Clock()) as source:
        source.set_read(["p1", "p2"], True)
        source.change_tags("p1", ["moe"])
        return _export(source)


def _with_line(line: dict) -> bytes:
    """A file whose header counts its one record and has no checksum (as a hand-made one)."""
    header = {"format": "reader-marks", "version": 1, "records": 1}
    return (json.dumps(header) + "\n" + json.dumps(line) + "\n").encode()


AT = "2026-12-03T01:02:03.123456Z"


def _one(kind: str, value: object = True, at: str = AT, **naming: object) -> bytes:
    return _with_line({"kind": kind, **naming, "value": value, "at": at})


HOSTILE = {
    "not JSON Lines": (b"<html>hello</html>\n", ":1: is not a reader marks file"),
    "unknown version": (b'{"format":"reader-marks","version":7}\n', ":1: has format version 7"),
    "binary": (b"\x00\xff\xfe" * 10 + b"\n", ":1: is not a reader marks file"),
    "empty": (b"", "is empty"),
    "non-string id": (_one("read", paper=12), ":2: the paper id must be text"),
    "absurd id": (_one("read", paper="x" * 5000), ":2: the paper id must have"),
    "control in id": (_one("read", paper="p\x1b[2J"), ":2: the paper id holds"),
    "control in tag": (_one("tag", paper="p", tag="a\x07b"), ":2: 'a\\x07b' is not a tag"),
    "markup tag": (_one("tag", paper="p", tag="[b]x[/b]"), ":2: '[b]x[/b]' is not a tag"),
    "control in view name": (_one("view", None, name="a\x1bb"), ":2: a saved view's name cannot hold"),
    "long view name": (_one("view", None, name="v" * 61), ":2: a saved view's name has at most"),
    "bad view": (_one("view", {"query": "q", "view": "x"}, name="v"), ":2: a saved view's view"),
    "string flag": (_one("read", "yes", paper="p"), ":2: the value must be true or false"),
    "bad time": (_one("read", at="tomorrow", paper="p"), ":2: the time 'tomorrow'"),
    "unknown kind": (_one("rating", 5, paper="p"), ":2: unknown kind 'rating'"),
    "extra field": (_one("read", paper="p", x=1), ":2: a read record has"),
    "a list": (b'{"format":"reader-marks","version":1}\n[1, 2]\n', ":2: the line is not a JSON object"),
    "huge note": (_one("note", "n" * 20_001, paper="p"), ":2: a note must be null or text"),
    "escape in a mute rule": (_one("mute", query="title:\x1b]52;c;x\x07"), ":2: a mute rule is longer than"),
    "absurd mute rule": (_one("mute", query="q" * 10_001), ":2: a mute rule is longer than"),
}


def _truncated(tmp_path) -> dict[str, tuple[bytes, str]]:
    valid = _valid(tmp_path)
    lines = valid.splitlines(keepends=True)
    return {
        "cut mid-line": (valid[:-10], ":4: the last line is cut short"),
        "lines missing": (b"".join(lines[:-1]), "the header promises 3 records but 2 follow"),
        "edited": (valid.replace(b'"p2"', b'"p9"'), ":1: the records do not match the header's checksum"),
    }


@pytest.mark.parametrize("case", [*HOSTILE, "cut mid-line", "lines missing", "edited"])
def test_a_truncated_or_hostile_file_is_refused_with_one_line_and_nothing_changes(tmp_path, case):
    data, expected = HOSTILE[case] if case in HOSTILE else _truncated(tmp_path)[case]
    path = tmp_path / "Sync" / "marks.jsonl"
    path.parent.mkdir()
    path.write_bytes(data)
    with StateStore(tmp_path / "mine.sqlite3", Clock()) as mine:
        mine.set_read(["mine"], True)
        before = _export(mine)
        with pytest.raises(MarksFileError) as refused:
            mine.import_marks(path)
        message = str(refused.value)
        assert expected in message and message.startswith(str(path)) and "\n" not in message
        assert message.endswith("nothing was changed")
        with pytest.raises(MarksFileError):
            mine.sync_marks(path)  # the sync file: refused the same way, and never overwritten
        assert path.read_bytes() == data
        assert _export(mine) == before and not mine.undo().description.startswith("import")


def test_a_file_the_reader_wrote_reads_back_the_same():
    rows = [
        Record("read", "2412.0001", "", True, AT),
        Record("note", "p", "", "multi\nline “quoted” ✓", AT),
        Record("view", "", "Ünïcode View", {"query": 'title:"x"', "view": "starred"}, AT),
        Record("mute", "", "title:survey", False, AT),
        Record("tag", "p", "long-context", True, AT),
    ]
    data = encode(rows)
    assert decode(data, "f") == sorted(rows, key=lambda r: ("read", "starred", "tag", "note", "view",
                                                             "mute").index(r.kind))
    assert encode(reversed(rows)) == data  # a stable order: the same state writes the same bytes


def test_a_file_with_windows_line_ends_reads_the_same(tmp_path):
    data = _valid(tmp_path)
    assert decode(data.replace(b"\n", b"\r\n"), "f") == decode(data, "f")


# -- the migration -------------------------------------------------------------------------------


def test_a_version_3_file_upgrades_to_4_keeping_every_mark_with_its_time(tmp_path):
    path = tmp_path / "state.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    schema.upgrade(db, 0, 3)  # the shape this reader's migrations gave version 3
    db.executemany("INSERT INTO marks VALUES (?, ?, ?, ?, ?)", [
        ("p1", 1, "2025-01-02T03:04:05+00:00", 1, "2025-01-03T00:00:00+00:00"),
        ("p2", 0, None, 1, "2025-01-04T00:00:00+00:00"),
        ("p3", 1, None, 0, None),  # a read mark whose time was never kept
        ("p4", 0, None, 0, None),
    ])
    db.execute("INSERT INTO tags VALUES ('p1', 'moe', '2025-02-01T00:00:00+00:00')")
    db.execute("INSERT INTO notes VALUES ('p2', 'a note', '2025-02-02T00:00:00+00:00')")
    db.execute("INSERT INTO saved_views VALUES ('Moe', 'moe', 'unread', '2025-02-03T00:00:00+00:00')")
    db.execute("INSERT INTO mute_rules VALUES ('title:survey', '2025-02-04T00:00:00+00:00')")
    db.execute("INSERT INTO actions (id, at, description) VALUES (1, '2025-01-03T00:00:00+00:00', 'star 1 paper')")
    db.execute("INSERT INTO changes VALUES (1, 'p1', 'starred', 0, NULL, 1)")
    db.execute("PRAGMA user_version = 3")
    db.execute("COMMIT")
    db.close()
    with StateStore(path, Clock()) as store:
        assert store._db().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert everything(store) == (
            ["p1", "p3"], ["p1", "p2"], {"p1": ("moe",)}, {"p2": "a note"}, [("moe", "moe", "unread")],
            ["title:survey"],
        )
        assert store.mark("p1").read_at == "2025-01-02T03:04:05+00:00"  # the state's own times untouched
        assert records(store) == [
            {"kind": "read", "paper": "p1", "value": True, "at": "2025-01-02T03:04:05.000000Z"},
            {"kind": "read", "paper": "p3", "value": True, "at": EPOCH},
            {"kind": "starred", "paper": "p1", "value": True, "at": "2025-01-03T00:00:00.000000Z"},
            {"kind": "starred", "paper": "p2", "value": True, "at": "2025-01-04T00:00:00.000000Z"},
            {"kind": "tag", "paper": "p1", "tag": "moe", "value": True, "at": "2025-02-01T00:00:00.000000Z"},
            {"kind": "note", "paper": "p2", "value": "a note", "at": "2025-02-02T00:00:00.000000Z"},
            {"kind": "view", "name": "Moe", "value": {"query": "moe", "view": "unread"},
             "at": "2025-02-03T00:00:00.000000Z"},
            {"kind": "mute", "query": "title:survey", "value": True, "at": "2025-02-04T00:00:00.000000Z"},
        ]
        assert store.undo().description == "star 1 paper"  # the journal written by version 3
        assert store.starred_ids() == {"p2"}
        assert [r["kind"] for r in records(store) if r["paper" if "paper" in r else "kind"] == "p1"
                and r["value"] is False] == ["starred"]  # the undo left a tombstone


def test_stamps_survive_a_restore_and_keep_following_changes(tmp_path):
    with StateStore(tmp_path / "old.sqlite3", Clock()) as old:
        old.set_read(["p1"], True)
        old.set_starred(["p1"], True)
        old.set_starred(["p1"], False)
    with StateStore(tmp_path / "state.sqlite3", Clock(START + timedelta(days=1))) as store:
        store.restore_from(tmp_path / "old.sqlite3")
        assert {(r["kind"], r["value"]) for r in records(store)} == {("read", True), ("starred", False)}
        store.set_starred(["p2"], True)  # the triggers still stamp after the file was replaced
        assert {(r["kind"], r["paper"]) for r in records(store)} >= {("starred", "p2")}


@pytest.mark.parametrize("seed", range(8))
def test_random_changes_and_syncs_on_three_machines_converge_on_the_newest_change(tmp_path, seed):
    import random

    rng = random.Random(seed)
    (tmp_path / "Sync").mkdir()
    sync = tmp_path / "Sync" / "reader-marks.jsonl"
    clocks = [Clock(START + timedelta(seconds=skew)) for skew in (0, 3, -2)]  # clocks that disagree
    stores = [StateStore(tmp_path / f"m{n}.sqlite3", clock) for n, clock in enumerate(clocks)]
    newest: dict[tuple[str, str], tuple[datetime, object]] = {}  # what each thing was last set to
    try:
        for _ in range(120):
            n = rng.randrange(3)
            store, clock = stores[n], clocks[n]
            for other in clocks:
                other.now += timedelta(milliseconds=rng.randrange(1, 50))
            pid = f"p{rng.randrange(6)}"
            kind = rng.choice(["read", "starred", "tag", "note", "sync"])
            if kind == "sync":
                store.sync_marks(sync)
                continue
            value: object = rng.random() < 0.5
            if kind == "read":
                changed = store.set_read([pid], bool(value))
            elif kind == "starred":
                changed = store.set_starred([pid], bool(value))
            elif kind == "tag":
                added, removed = store.change_tags(pid, ["moe"] if value else [], [] if value else ["moe"])
                changed = len(added) + len(removed)
            else:
                value = rng.choice(["", "a", "b"])
                changed = store.set_note(pid, str(value))
            if changed and ((kind, pid) not in newest or newest[kind, pid][0] < clock.now):
                newest[kind, pid] = (clock.now, value)  # newer by its clock, whatever the order of events
        for _ in range(2):
            for store in stores:
                store.sync_marks(sync)
        expected = (
            sorted(pid for (kind, pid), (_, value) in newest.items() if kind == "read" and value),
            sorted(pid for (kind, pid), (_, value) in newest.items() if kind == "starred" and value),
            {pid: ("moe",) for (kind, pid), (_, value) in newest.items() if kind == "tag" and value},
            {pid: value for (kind, pid), (_, value) in newest.items() if kind == "note" and value},
            [], [],
        )
        assert _export(stores[0]) == _export(stores[1]) == _export(stores[2])
        for store in stores:
            assert everything(store) == expected
    finally:
        for store in stores:
            store.close()
