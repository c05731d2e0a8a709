"""The cache as a user (or another user) can break it: a killed bulk index, a lock left by a
dead reader, folders open to other users, a planted index file, a damaged catalog."""

from __future__ import annotations

import json
import os
import pickle
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import whoosh
from benchmarks.synthetic import write_corpus
from reader import paths
from reader.domain.config import Config
from reader.search.index_lock import OwnedLock
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen
from whoosh.filedb.structfile import StructFile
from whoosh.index import _CURRENT_TOC_VERSION, _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

ABSTRACT = "We propose a tiny method. It is evaluated on a toy benchmark with care."
FOREIGN_UID = 12345


def write_digest(path: Path, date_line: str, titles: list[str]) -> Path:
    body = "".join(f"{title}\n\n{ABSTRACT}\n\n" for title in titles)
    path.write_text(f"{date_line}\n\n{body}", encoding="utf-8")
    return path


def run(home: Path, *args: str, check: bool = True, timeout: float = 300, umask: int | None = None):
    env = {**os.environ, "READER_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, env=env, timeout=timeout, check=False,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )
    if check:
        assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "digests"
    folder.mkdir()
    write_digest(folder / "2026-01-01.txt", "Jan 1", ["Alpha Paper", "Shared Paper"])
    write_digest(folder / "2026-01-02.txt", "Jan 2", ["Beta Paper", "Shared Paper"])
    return folder


def star(home: Path, folder: Path, query: str, **options) -> subprocess.CompletedProcess:
    [hit] = json.loads(run(home, "--digests", str(folder), "search", query, "--json", **options).stdout)
    return run(home, "--digests", str(folder), "mark", "star", hit["id"], **options)


def library_folder(home: Path) -> Path:
    [found] = [path for path in (home / "cache" / "index").iterdir() if "." not in path.name]
    return found


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


def wait_for(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


# -- a killed bulk index -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_bulk_index_leaves_no_worker_and_the_next_run_indexes(tmp_path, how):
    big = tmp_path / "big"
    write_corpus(big, 1500, per_digest=100)  # about 1.7 MB: indexed by two worker processes
    home = tmp_path / "home"
    env = {**os.environ, "READER_HOME": str(home)}
    parent = subprocess.Popen(
        [sys.executable, "-m", "reader", "--digests", str(big), "index"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children(parent.pid)) >= 2, timeout=120), "the bulk workers never started"
        workers = children(parent.pid)
        parent.send_signal(how)
        parent.wait(timeout=10)
        assert wait_for(lambda: not any(running(pid) for pid in workers), timeout=5), "workers outlived the reader"
    finally:
        parent.kill()
        for pid in workers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
    result = run(home, "--digests", str(big), "index")
    assert "read-only" not in result.stderr
    assert "1500 papers indexed" in result.stdout


# -- a lock left behind ------------------------------------------------------------------

HOLD_LOCK = """
import fcntl, os, sys, time
path, owner = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_CREAT | os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
if owner == "dead-parent":
    # As a killed reader's worker: the lock taken by a process that is gone, held by its child.
    child = os.fork()
    if child:
        print(child, flush=True)
        os._exit(0)
    os.ftruncate(fd, 0)  # an older reader wrote no owner
else:
    os.ftruncate(fd, 0)
    os.pwrite(fd, (owner + " 0\\n").encode(), 0)
    print(os.getpid(), flush=True)
sys.stdout.close()
time.sleep(120)
"""


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.parametrize("owner", ["recorded", "dead-parent"])
def test_a_lock_left_by_a_reader_that_is_gone_is_broken_with_a_notice(tmp_path, folder, owner):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "index")
    lock = library_folder(home) / "whoosh" / "papers_WRITELOCK"
    gone = dead_pid()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock), str(gone) if owner == "recorded" else owner],
        stdout=subprocess.PIPE, text=True,
    )
    holding = int(holder.stdout.readline())
    try:
        write_digest(folder / "2026-01-03.txt", "Jan 3", ["Gamma Paper"])
        result = run(home, "--digests", str(folder), "search", "gamma")
        dead = gone if owner == "recorded" else holder.pid
        assert f"left locked by a reader that is no longer running (pid {dead}); the lock was removed" in result.stderr
        assert "read-only" not in result.stderr
        assert "Gamma Paper" in result.stdout
    finally:
        os.kill(holding, signal.SIGKILL)
        holder.wait()


def test_a_lock_held_by_a_running_reader_is_respected(tmp_path):
    path = str(tmp_path / "papers_WRITELOCK")
    notices: list[str] = []
    first, second = OwnedLock(path, notices.append), OwnedLock(path, notices.append)
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire() and not notices
    second.release()


# -- private folders ---------------------------------------------------------------------


def modes(home: Path) -> dict[str, int]:
    found = {}
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            path = Path(root, name)
            found[str(path.relative_to(home))] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def test_every_folder_and_file_is_private_whatever_the_umask(tmp_path, folder):
    home = tmp_path / "home"
    star(home, folder, "alpha", umask=0)
    found = modes(home)
    assert any(name.endswith("catalog.sqlite3") for name in found)
    assert any("/whoosh/" in name for name in found) and any("/fast/" in name for name in found)
    opened = {name: f"{mode:04o}" for name, mode in found.items() if mode & 0o077}
    assert opened == {}


def plant_toc(whoosh_folder: Path, marker: Path) -> None:
    """A table of contents whose schema pickle runs code when Whoosh loads it."""

    class Planted:
        def __reduce__(self):
            return (exec, (f"open({str(marker)!r}, 'w').close()",))

    with open(whoosh_folder / "_papers_999.toc", "wb") as raw:
        stream = StructFile(raw)
        for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
            stream.write_varint(size)
        stream.write_int(-12345)
        stream.write_int(_CURRENT_TOC_VERSION)
        for number in whoosh.__version__[:3]:
            stream.write_varint(number)
        stream.write_string(pickle.dumps(Planted(), 2))
        stream.write_int(999)
        stream.write_int(0)
        stream.write_pickle([])


@pytest.mark.parametrize("opening", ["folder 0777", "file of another user"])
def test_an_index_others_could_write_is_moved_aside_never_loaded(tmp_path, folder, opening):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "index")
    library = library_folder(home)
    marker = tmp_path / "code-ran"
    plant_toc(library / "whoosh", marker)
    if opening == "folder 0777":
        os.chmod(library, 0o777)
        reason = f"{library} may be written by other users (mode 0777)"
    else:
        os.chown(library / "whoosh" / "_papers_999.toc", FOREIGN_UID, FOREIGN_UID)
        reason = f"{library / 'whoosh' / '_papers_999.toc'} belongs to another user (uid {FOREIGN_UID})"
    result = run(home, "--digests", str(folder), "search", "alpha")
    assert not marker.exists(), "the planted pickle was loaded"
    [aside] = (home / "cache" / "index").glob(f"{library.name}.unsafe-*")
    assert f"reader: not using the index: {reason}; moved it to {aside}; rebuilding the index" in result.stderr
    assert "Alpha Paper" in result.stdout
    assert (aside / "whoosh" / "_papers_999.toc").exists()
    assert stat.S_IMODE(library.stat().st_mode) == 0o700


def test_a_cache_of_another_user_is_not_used(tmp_path, folder):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "index")
    library = library_folder(home)
    marker = tmp_path / "code-ran"
    plant_toc(library / "whoosh", marker)
    os.chown(home / "cache", FOREIGN_UID, FOREIGN_UID)
    result = run(home, "--digests", str(folder), "search", "alpha")
    assert not marker.exists(), "the planted pickle was loaded"
    assert f"not using the cache folder {home / 'cache'}: {home / 'cache'} belongs to another user" in result.stderr
    assert "building the index in" in result.stderr
    assert "Alpha Paper" in result.stdout


def test_folders_open_to_others_are_closed_with_a_notice(tmp_path, folder):
    home = tmp_path / "home"
    star(home, folder, "alpha")
    (home / "config").mkdir()  # the user's to make: the reader only reads it
    (home / "config" / "config.toml").write_text("", encoding="utf-8")
    for name in ("data", "config", "cache"):
        os.chmod(home / name, 0o777)
    result = run(home, "--digests", str(folder), "search", "is:starred")
    for name in ("data", "config", "cache"):
        assert f"reader: the {name} folder {home / name} could be written by other users; closed it to them" in (
            result.stderr
        )
    assert {name: stat.S_IMODE((home / name).stat().st_mode) for name in ("data", "config", "cache")} == {
        "data": 0o700, "config": 0o755, "cache": 0o700,  # the config is the user's to show
    }
    assert "Alpha Paper" in result.stdout
    assert "other users" not in run(home, "--digests", str(folder), "search", "is:starred").stderr


def test_a_data_folder_holding_another_users_file_is_refused(tmp_path, folder):
    home = tmp_path / "home"
    star(home, folder, "alpha")
    state = home / "data" / "state.sqlite3"
    os.chown(state, FOREIGN_UID, FOREIGN_UID)
    before = state.read_bytes()
    result = run(home, "--digests", str(folder), "mark", "star", "0000", check=False)
    assert result.returncode == 2
    refused = f"reader: not using the data folder {home / 'data'}: {state} belongs to another user (uid {FOREIGN_UID})"
    assert refused in result.stderr
    assert state.read_bytes() == before


# -- a damaged catalog -------------------------------------------------------------------


def damage_catalog(home: Path) -> Path:
    catalog = library_folder(home) / "catalog.sqlite3"
    garbage = os.urandom(100_000)
    catalog.write_bytes(garbage)
    return catalog


def test_index_rebuild_repairs_a_damaged_catalog(tmp_path, folder):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "index")
    catalog = damage_catalog(home)
    garbage = catalog.read_bytes()
    result = run(home, "--digests", str(folder), "index", "--rebuild")
    [aside] = catalog.parent.glob("catalog.sqlite3.damaged-*")
    assert (
        f"reader: the digest catalog was damaged (file is not a database); moved it to {aside}; rebuilding it"
        in result.stderr
    )
    assert aside.read_bytes() == garbage
    assert "Alpha Paper" in run(home, "--digests", str(folder), "search", "alpha").stdout
    with sqlite3.connect(catalog) as db:
        assert db.execute("SELECT count(*) FROM papers").fetchone()[0] == 3


@pytest.mark.parametrize("damage", ["not a database", "pages overwritten"])
def test_any_command_repairs_a_damaged_catalog(tmp_path, folder, damage):
    home = tmp_path / "home"
    run(home, "--digests", str(folder), "index")
    if damage == "not a database":
        damage_catalog(home)
    else:  # the header intact, the tables garbage: found when they are read
        catalog = library_folder(home) / "catalog.sqlite3"
        with catalog.open("r+b") as handle:
            handle.seek(4096)
            handle.write(os.urandom(catalog.stat().st_size - 4096))
    result = run(home, "--digests", str(folder), "search", "beta")
    assert "the digest catalog was damaged" in result.stderr
    assert "Beta Paper" in result.stdout


async def test_the_app_starts_on_a_damaged_catalog_and_says_so(tmp_path, folder, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("READER_HOME", str(home))
    run(home, "--digests", str(folder), "index")
    damage_catalog(home)
    app = ReaderApp(sources=[folder], dirs=paths.user_dirs(), config=Config())
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        deadline = time.monotonic() + 30
        while screen.library_view is None or screen.paper_list.row_count < 3:
            assert time.monotonic() < deadline, "the papers never appeared"
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        messages = [str(notification.message) for notification in app._notifications]
    assert any(message.startswith("the digest catalog was damaged (file is not a database)") for message in messages)
