"""`reader config`: where the config file is, a default one, or a check of one."""

from __future__ import annotations

from pathlib import Path

from reader.cli.context import EXIT_ERROR, EXIT_NOT_FOUND, EXIT_OK, Context
from reader.cli.output import out, write_raw
from reader.domain.config import CONFIG_FILE, all_problems, default_config_text, read_config_file


def cmd_config(ctx: Context) -> int:
    # The binding table and the theme names belong to the interface (they load a little of Textual).
    from reader.tui.bindings import key_bindings
    from reader.tui.themes import builtin_theme_names

    path = ctx.dirs.config / CONFIG_FILE
    if ctx.args.default:
        write_raw(default_config_text(key_bindings()))
        return EXIT_OK
    if not ctx.args.check:
        out(str(path))
        return EXIT_OK
    if ctx.args.check is not True:
        path = Path(ctx.args.check).expanduser()
    if not path.exists():
        out(f"{path}: no config file, so the defaults apply (reader config --default > FILE writes one)")
        return EXIT_OK if ctx.args.check is True else EXIT_ERROR
    config = read_config_file(path, builtin_theme_names())
    problems = all_problems(config, key_bindings())
    for problem in problems:
        out(problem)
    if not problems:
        out(f"{path}: no problems")
    return EXIT_NOT_FOUND if problems else EXIT_OK
