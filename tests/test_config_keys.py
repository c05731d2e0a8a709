"""[keys] in config.toml: a key is never taken from another binding silently, and every
binding id is documented."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from reader.domain.config import (
    all_problems,
    default_config_text,
    load_config,
    read_config_file,
    resolve_keys,
)
from reader.tui.bindings import COMMANDS, key_bindings

README = Path(__file__).resolve().parents[1] / "README.md"


def config_with(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(tmp_path), path


def test_a_key_held_by_another_binding_stays_with_it_and_both_are_named(tmp_path):
    config, path = config_with(tmp_path, '# my keys\n[keys]\ntoggle_star = "s,f"\n')
    keymap, problems = resolve_keys(config, key_bindings())
    assert keymap == {"toggle_star": "s"}  # toggle_filters is not in it: it keeps its own f
    assert problems == (
        (
            f'{path}:3: keys.toggle_star: "f" is already the key of toggle_filters; '
            'toggle_filters keeps it and toggle_star keeps "s"'
        ),
    )


def test_a_binding_whose_new_key_is_taken_keeps_its_default(tmp_path):
    config, _ = config_with(tmp_path, '[keys]\ntoggle_star = "z"\ntoggle_read = "z"\n')
    keymap, (problem,) = resolve_keys(config, key_bindings())
    assert keymap == {"toggle_star": "z", "toggle_read": "r"}
    assert 'keys.toggle_read: "z" is already the key of toggle_star' in problem and 'toggle_read keeps "r"' in problem


def test_keys_can_be_swapped_and_spaces_after_commas_do_not_matter(tmp_path):
    config, _ = config_with(tmp_path, '[keys]\ntoggle_star = "f"\ntoggle_filters = "s, ctrl+f"\n')
    assert resolve_keys(config, key_bindings()) == ({"toggle_star": "f", "toggle_filters": "s,ctrl+f"}, ())


def test_an_unknown_binding_id_is_a_problem_with_its_line(tmp_path):
    config, path = config_with(tmp_path, '[keys]\nundo = "ctrl+z"\nstar_it = "z"\n')
    keymap, (problem,) = resolve_keys(config, key_bindings())
    assert keymap == {"undo": "ctrl+z"}
    assert problem.startswith(f"{path}:3: no binding called 'star_it'")


def test_an_unknown_theme_is_a_problem_when_the_themes_are_known(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('theme = "nrod"\n', encoding="utf-8")
    config = read_config_file(path, {"nord", "dracula"})
    assert config.theme is None
    assert config.problems == (f"{path}:1: no theme called 'nrod' (themes: dracula, nord); ignored",)


def test_a_toml_error_starts_with_file_and_line(tmp_path):
    config, path = config_with(tmp_path, 'theme = "nord"\nread_on_open = = 2\n')
    (problem,) = config.problems
    assert problem.startswith(f"{path}:2: ")


def test_problems_are_listed_in_line_order(tmp_path):
    config, path = config_with(tmp_path, 'read_on_open = "soon"\n[keys]\nnope = "z"\nundo = "s"\ncolour = 1\n')
    located = rf"{re.escape(str(path))}:(\d+): "
    lines = [int(re.match(located, p).group(1)) for p in all_problems(config, key_bindings())]
    assert lines == [1, 3, 4, 5]  # read_on_open, nope, undo taking s, colour (read in two passes)


def test_the_default_file_is_accepted_as_it_is_and_with_every_line_switched_on(tmp_path):
    text = default_config_text(key_bindings())
    config, _ = config_with(tmp_path, text)
    assert all_problems(config, key_bindings()) == []
    switched_on = re.sub(r"^# (\w+ = )", r"\1", text, flags=re.MULTILINE)
    data = tomllib.loads(switched_on)
    assert set(data["keys"]) == {command.id for command in COMMANDS} and data["theme"] == "nord"
    config, _ = config_with(tmp_path, switched_on)
    assert all_problems(config, key_bindings()) == []
    assert resolve_keys(config, key_bindings())[0] == {command.id: command.keys for command in COMMANDS}


def test_the_readme_configuration_section_lists_every_binding_id():
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [command.id for command in COMMANDS if f"`{command.id}`" not in section]
    assert missing == []
    for setting in ("read_on_open", "theme", "[keys]", "reader config --check", "reader config --default"):
        assert setting in section


def test_the_readme_example_file_has_no_problems_and_moves_f_to_star(tmp_path):
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config, _ = config_with(tmp_path, example)
    assert all_problems(config, key_bindings()) == []
    assert resolve_keys(config, key_bindings())[0]["toggle_star"] == "f"
