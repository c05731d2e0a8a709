"""The `list_upvotes` setting: on by default, turned off in config.toml, a wrong value named."""

from __future__ import annotations

from pathlib import Path

from reader.domain.config import read_config_file

from support.cli import run


def test_upvotes_are_listed_unless_the_config_turns_them_off(tmp_path: Path):
    path = tmp_path / "config.toml"
    assert read_config_file(path).list_upvotes is True
    path.write_text('theme = "nord"\nlist_upvotes = false\n', encoding="utf-8")
    assert read_config_file(path).list_upvotes is False


def test_a_wrong_value_is_a_problem_on_its_line_and_the_default_stays(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('read_on_open = 2\nlist_upvotes = "yes"\n', encoding="utf-8")
    config = read_config_file(path)
    assert config.list_upvotes is True
    assert config.problems == (f"{path}:2: list_upvotes must be true or false, not 'yes'; using true",)


def test_reader_config_default_and_check_know_the_setting(home: Path):
    default = run(home, "config", "--default").stdout
    assert "\nlist_upvotes = true\n" in default
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("list_upvotes = 3\n", encoding="utf-8")
    checked = run(home, "config", "--check", check=False)
    assert "list_upvotes must be true or false, not 3" in checked.stdout + checked.stderr
