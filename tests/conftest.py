"""Fixtures shared by the test files. Helpers they call by name are in tests/support/."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from support.app import FIXTURES
from support.cli import write_digest
from support.seeds import IndexedHome, built_once, dated_seeds, index_home


def pytest_configure(config) -> None:
    _quicker_pilot_keys()
    _compiled_once_for_child_processes()


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: two workers per core. A Pilot test spends about half its time asleep,
    waiting for the app to go idle, and a CLI test waiting for its `reader` process: with
    one worker per core, the cores sit idle a third of the run."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


def pytest_collection_modifyitems(config, items) -> None:
    """Modules with slow tests run first: under xdist the long tests start early and the
    workers finish together, instead of one worker running the last long test alone."""
    def module(item) -> str:
        return getattr(getattr(item, "module", None), "__name__", "")

    slow = {module(item) for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: module(item) not in slow)


def _quicker_pilot_keys() -> None:
    """After each key, Pilot waits for the app to go idle: it sleeps in steps until one step
    passed with under a millisecond of CPU time. The steps are 20 ms, so typing a path took
    seconds, most of a Pilot test's time. In 5 ms steps the rule is unchanged (a step with
    under a millisecond of work) and keys go four times faster."""
    from textual import _wait

    if hasattr(_wait, "SLEEP_GRANULARITY"):  # Textual's, private: a version without it waits as before
        _wait.SLEEP_GRANULARITY = 0.005


def _compiled_once_for_child_processes() -> None:
    # Hundreds of tests start `python -m reader`. With PYTHONDONTWRITEBYTECODE set, each start
    # compiles the reader's modules again (a third of a second); the children keep their
    # bytecode outside the checkout instead, so it is still written nowhere in it.
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), f"reader-tests-pycache-{os.getuid()}")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty READER_HOME for this test, set in the environment (the app reads it)."""
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def fixture_digests(tmp_path) -> Path:
    """A copy of the small fixture digests (tests/fixtures/digests), free to change."""
    folder = tmp_path / "digests"
    shutil.copytree(FIXTURES, folder)
    return folder


@pytest.fixture
def folder(tmp_path) -> Path:
    """Two small digests sharing one paper: three papers."""
    folder = tmp_path / "digests"
    folder.mkdir()
    write_digest(folder / "2026-01-01.txt", "Jan 1", ["Alpha Paper", "Shared Paper"])
    write_digest(folder / "2026-01-02.txt", "Jan 2", ["Beta Paper", "Shared Paper"])
    return folder


# -- the seeds, indexed once per run (the xdist workers share the index) ----------------------


@pytest.fixture(scope="session")
def shared_root(tmp_path_factory) -> Path:
    """A folder all the workers of this run share (the run's own under xdist)."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


@pytest.fixture(scope="session")
def seeds_index(shared_root) -> IndexedHome:
    """A dated copy of the seeds (support.seeds.SEEDS_MTIME) and its index. Read only."""
    root = built_once(shared_root, "seeds", lambda root: index_home(root / "home", dated_seeds(root / "seeds")))
    return IndexedHome(root / "home", root / "seeds")


@pytest.fixture(scope="session")
def default_seeds_index(shared_root) -> IndexedHome:
    """The index `reader` builds with no --digests: the bundled seeds. Read only."""
    return IndexedHome(built_once(shared_root, "default-seeds", lambda root: index_home(root / "home")) / "home")


@pytest.fixture
def seed_digests(home, seeds_index) -> Path:
    """The seeds as a digest folder, with `home` holding their index: the app starts as on
    its second run. Every test shares the folder: read it, never write to it."""
    seeds_index.copy_into(home)
    return seeds_index.digests


@pytest.fixture
def seeded_home(home, default_seeds_index) -> Path:
    """`home` after `reader index`: the bundled seeds indexed."""
    return default_seeds_index.copy_into(home)
