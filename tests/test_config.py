"""config.toml: defaults when absent, every setting read, and bad files explained, never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader.domain.config import DEFAULT_READ_ON_OPEN, Config, load_config, parse_read_on_open


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_defaults(tmp_path):
    config = load_config(tmp_path / "missing")
    assert config == Config()
    assert config.read_on_open == DEFAULT_READ_ON_OPEN == 2.0
    assert config.problems == () and dict(config.keys) == {} and config.theme is None


def test_every_setting_is_read(tmp_path):
    path = write(
        tmp_path,
        'read_on_open = 5\ntheme = "nord"\n\n[keys]\ntoggle_star = "f2"\nnext_paper = ["j", "ctrl+n"]\n',
    )
    config = load_config(tmp_path)
    assert config.read_on_open == 5.0
    assert config.theme == "nord"
    assert dict(config.keys) == {"toggle_star": "f2", "next_paper": "j,ctrl+n"}
    assert config.path == path and config.problems == ()


@pytest.mark.parametrize(("value", "expected"), [('"never"', None), ("0", None), ("0.5", 0.5), ('"Never"', None)])
def test_read_on_open_can_be_switched_off_or_timed(tmp_path, value, expected):
    write(tmp_path, f"read_on_open = {value}\n")
    config = load_config(tmp_path)
    assert config.read_on_open == expected and config.problems == ()


def test_a_toml_syntax_error_names_the_file_and_line_and_keeps_the_defaults(tmp_path):
    path = write(tmp_path, 'theme = "nord"\nread_on_open = = 3\n')
    config = load_config(tmp_path)
    assert config.read_on_open == DEFAULT_READ_ON_OPEN and config.theme is None
    (problem,) = config.problems
    assert str(path) in problem and "line 2" in problem


def test_a_wrong_value_names_its_line_and_falls_back_for_that_setting_only(tmp_path):
    path = write(tmp_path, 'theme = "dracula"\n\nread_on_open = "sometimes"\n')
    config = load_config(tmp_path)
    assert config.read_on_open == DEFAULT_READ_ON_OPEN and config.theme == "dracula"
    (problem,) = config.problems
    assert problem.startswith(f"{path}:3:") and "sometimes" in problem


def test_bad_key_entries_and_unknown_settings_are_reported_and_skipped(tmp_path):
    path = write(tmp_path, 'colour = "red"\n[keys]\nundo = "ctrl+z"\nquit = 3\n')
    config = load_config(tmp_path)
    assert dict(config.keys) == {"undo": "ctrl+z"}
    assert any(p.startswith(f"{path}:1:") and "colour" in p for p in config.problems)
    assert any(p.startswith(f"{path}:4:") and "keys.quit" in p for p in config.problems)


def test_a_file_that_is_not_text_is_a_problem_not_a_crash(tmp_path):
    tmp_path.joinpath("config.toml").write_bytes(b"\xff\xfe\x00bad")
    config = load_config(tmp_path)
    assert config.read_on_open == DEFAULT_READ_ON_OPEN
    assert len(config.problems) == 1 and "config.toml" in config.problems[0]


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), True, "soon", [2]])
def test_nonsense_delays_are_refused(value):
    assert parse_read_on_open(value) is False
