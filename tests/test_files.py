"""The one file writer (exports, backups, added digests): what it replaces, what it refuses,
and that no temporary file is ever left behind."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from pathlib import Path

import pytest
from reader import cli, paths
from reader.system.files import FileWriteError, MissingFolder, write_file

from support.cli import run, write_digest


def leftovers(where: Path) -> list[str]:
    return sorted(p.name for p in where.iterdir() if p.name.startswith("."))


# -- the writer ---------------------------------------------------------------------------


def test_a_new_file_and_a_regular_file_are_written_whole(tmp_path):
    target = tmp_path / "out.md"
    assert write_file(target, "first") == target
    target.chmod(0o644)
    write_file(target, "second")
    assert target.read_text() == "second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # a replaced file keeps its mode
    assert leftovers(tmp_path) == []


def test_a_symbolic_link_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_file(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere" / "x.md")
    with pytest.raises(FileWriteError, match="symbolic link .* does not exist"):
        write_file(dangling, "x")
    assert leftovers(tmp_path) == []


def test_devices_fifos_and_folders_are_refused_and_left_alone(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileWriteError, match="named pipe"):
        write_file(fifo, "x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    null = tmp_path / "null"
    null.symlink_to("/dev/null")  # followed: the device behind it is refused
    with pytest.raises(FileWriteError, match="is a device"):
        write_file(null, "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and null.is_symlink()
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(FileWriteError, match="is a folder"):
        write_file(folder, "x")
    assert leftovers(tmp_path) == []


def test_a_read_only_file_is_refused_even_for_root(tmp_path):
    target = tmp_path / "kept.md"
    target.write_text("keep me")
    target.chmod(0o444)
    with pytest.raises(FileWriteError, match="read-only"):
        write_file(target, "x")
    assert target.read_text() == "keep me"


def test_a_missing_folder_is_refused_unless_asked_to_create_it(tmp_path):
    target = tmp_path / "new" / "dir" / "x.md"
    with pytest.raises(MissingFolder, match="does not exist"):
        write_file(target, "x")
    assert not (tmp_path / "new").exists()
    write_file(target, "x", create_folder=True)
    assert target.read_text() == "x"


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("old")

    def full_disk(path, data):
        with open(path, "wb") as out:
            out.write(data[:3])  # part of it reached the disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(FileWriteError, match="No space left"):
        write_file(target, "new text")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


# -- reader export -o ---------------------------------------------------------------------


def export(home, folder, output, check=False):
    return run(home, "--digests", str(folder), "export", "--format", "md", "-o", str(output), check=check)


def test_export_onto_a_fifo_a_folder_or_a_missing_folder_is_refused(tmp_path, folder):
    home = tmp_path / "home"
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "pipe")
    (out / "dir").mkdir()
    for target, reason in (
        (out / "pipe", "named pipe"),
        (out / "dir", "is a folder"),
        (out / "missing" / "x.md", "does not exist"),
    ):
        result = export(home, folder, target)
        assert result.returncode == 2 and reason in result.stderr, result.stderr
        assert not re.search(r"^exported \d", result.stderr, re.MULTILINE)
    assert stat.S_ISFIFO((out / "pipe").lstat().st_mode)
    assert not (out / "missing").exists()
    assert leftovers(out) == [] and sorted(p.name for p in out.iterdir()) == ["dir", "pipe"]


def test_export_through_a_symbolic_link_writes_the_file_it_points_to(tmp_path, folder):
    home = tmp_path / "home"
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    export(home, folder, link, check=True)
    assert link.is_symlink() and "Alpha Paper" in real.read_text()


def test_a_failed_export_leaves_no_temporary_file(tmp_path, folder, monkeypatch, capsys):
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    out = tmp_path / "out"
    out.mkdir()

    def fails(*_):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", fails)
    code = cli.main(["--digests", str(folder), "export", "--format", "md", "-o", str(out / "x.md")])
    assert code == 2 and "No space left" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def failing_disk(monkeypatch, error: BaseException) -> None:
    """Every write of the file writer stops part-way with `error`, as a full disk or ctrl+c would."""

    def stops(path, data):
        with open(path, "wb") as out:
            out.write(data[:3])  # part of it reached the disk
        raise error

    monkeypatch.setattr(Path, "write_bytes", stops)


def test_a_failed_export_over_a_file_keeps_the_old_file_and_leaves_no_temporary(tmp_path, folder, monkeypatch, capsys):
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.md").write_text("the old export")
    failing_disk(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    code = cli.main(["--digests", str(folder), "export", "--format", "md", "-o", str(out / "x.md")])
    error = capsys.readouterr().err
    assert code == 2 and "reader: not exported: cannot write" in error and "No space left" in error
    assert not re.search(r"^exported \d", error, re.MULTILINE)
    assert (out / "x.md").read_text() == "the old export"
    assert leftovers(out) == []


def test_an_export_interrupted_mid_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path, folder, monkeypatch, capsys
):
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.md").write_text("the old export")
    failing_disk(monkeypatch, KeyboardInterrupt())
    code = cli.main(["--digests", str(folder), "export", "--format", "md", "-o", str(out / "x.md")])
    assert code == 130 and "exported" not in capsys.readouterr().err
    assert (out / "x.md").read_text() == "the old export"
    assert leftovers(out) == []


def test_an_export_into_a_read_only_folder_is_refused_and_the_old_file_kept(tmp_path, folder, monkeypatch, capsys):
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.md").write_text("the old export")
    out.chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: refuse as the system does for everyone else

        def denied(*_, **__):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr(tempfile, "mkstemp", denied)
    try:
        code = cli.main(["--digests", str(folder), "export", "--format", "md", "-o", str(out / "x.md")])
    finally:
        out.chmod(0o755)
    error = capsys.readouterr().err
    assert code == 2 and "reader: not exported: cannot write" in error and "Permission denied" in error
    assert (out / "x.md").read_text() == "the old export"
    assert sorted(p.name for p in out.iterdir()) == ["x.md"]


def test_a_failed_add_leaves_nothing_in_the_digest_folder(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    monkeypatch.setenv("READER_HOME", str(home))
    digest = write_digest(tmp_path / "2026-09-01.txt", "Sep 1", ["Gamma Paper", "Delta Paper"])
    failing_disk(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    code = cli.main(["add", str(digest)])
    captured = capsys.readouterr()
    assert code == 2 and "2026-09-01.txt: not added: cannot write" in captured.err
    assert "No space left" in captured.err and "added 2026-09-01.txt" not in captured.out
    dirs, _ = paths.private_user_dirs()
    assert dirs.digests.is_dir() and list(dirs.digests.iterdir()) == []
