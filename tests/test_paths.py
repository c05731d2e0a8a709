"""Where the reader keeps things, and that the bundled folders are found."""

from __future__ import annotations

from reader import paths


def test_reader_home_puts_all_three_dirs_under_it(monkeypatch, tmp_path):
    monkeypatch.setenv("READER_HOME", str(tmp_path))
    dirs = paths.user_dirs()
    assert {dirs.data.parent, dirs.cache.parent, dirs.config.parent} == {tmp_path}
    assert dirs.digests == tmp_path / "data" / "digests"


def test_without_reader_home_uses_platform_dirs(monkeypatch, tmp_path):
    monkeypatch.delenv("READER_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    assert paths.user_dirs().data == tmp_path / "xdg-data" / "reader"


def test_bundled_seeds_and_styles_are_found():
    assert len(list(paths.seeds_dir().glob("*.txt"))) == 5
    assert (paths.styles_dir() / "reader.tcss").is_file()


def test_default_sources_are_seeds_then_user_digests(monkeypatch, tmp_path):
    monkeypatch.setenv("READER_HOME", str(tmp_path))
    dirs = paths.user_dirs()
    assert paths.default_sources(dirs) == [paths.seeds_dir(), dirs.digests]
