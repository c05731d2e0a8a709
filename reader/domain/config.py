"""The user's config file: `config.toml` in the config folder.

    read_on_open = 2          # seconds a paper must stay open to count as read; 0 or "never" disables
    theme = "nord"            # the first theme; a theme picked in the app is remembered instead
    list_upvotes = true       # list rows show a fetched paper's upvotes
    sync_file = "~/Sync/reader-marks.jsonl"  # marks shared with other machines (off by default)

    [keys]                    # binding id -> keys, e.g. to swap j/k for arrows only
    next_paper = "down,ctrl+n"

A bad file never stops the app: each problem becomes a message naming the file and line,
and the setting falls back to its default. `reader config --check` lists the same problems.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

CONFIG_FILE = "config.toml"
DEFAULT_READ_ON_OPEN = 2.0
KNOWN_SETTINGS = ("read_on_open", "theme", "list_upvotes", "keys", "sync_file")


@dataclass(frozen=True)
class Config:
    read_on_open: float | None = DEFAULT_READ_ON_OPEN  # seconds; None: never
    theme: str | None = None
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = None  # the file read, when there was one
    problems: tuple[str, ...] = ()  # messages for the user, each naming file and line
    key_lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))  # binding id -> line
    list_upvotes: bool = True  # list rows show the upvotes of fetched papers
    sync_file: Path | None = None  # the marks file shared with other machines; None: no sync


@dataclass(frozen=True)
class KeyBinding:
    """What the config needs to know of one of the reader's bindings."""

    id: str
    keys: str  # the default keys, comma separated
    description: str
    after: str = ""  # the prefix binding these keys follow: a key space of their own


def load_config(config_dir: Path, themes: Collection[str] | None = None) -> Config:
    """Read config_dir/config.toml; defaults when it is missing, unreadable or wrong."""
    return read_config_file(Path(config_dir) / CONFIG_FILE, themes)


def read_config_file(path: Path, themes: Collection[str] | None = None) -> Config:
    """Read one config file; defaults when it is missing, unreadable or wrong.

    With `themes` (the names the app knows), a theme not among them is a problem too."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        return Config(path=path, problems=(f"{path}: cannot read the config file ({error}); using the defaults",))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line N, column M)".
        line = re.search(r"at line (\d+)", str(error))
        where = f"{path}:{line.group(1)}" if line else str(path)
        return Config(path=path, problems=(f"{where}: {error}; using the default settings",))
    return _from_table(data, text, path, themes)


def _from_table(data: dict, text: str, path: Path, themes: Collection[str] | None) -> Config:
    problems: list[str] = []

    def problem(key: str, message: str, table: str | None = None) -> None:
        problems.append(f"{path}:{_line_of(text, key, table)}: {message}")

    for key in data:
        if key not in KNOWN_SETTINGS:
            problem(key, f"unknown setting {key!r} (known: {', '.join(KNOWN_SETTINGS)}); ignored")

    read_on_open: float | None = DEFAULT_READ_ON_OPEN
    if "read_on_open" in data:
        parsed = parse_read_on_open(data["read_on_open"])
        if parsed is False:
            problem(
                "read_on_open",
                f'read_on_open must be a number of seconds or "never", not {data["read_on_open"]!r}; '
                f"using {DEFAULT_READ_ON_OPEN:g} s",
            )
        else:
            read_on_open = parsed

    theme = data.get("theme")
    if theme is not None and not (isinstance(theme, str) and theme.strip()):
        problem("theme", f"theme must be a theme name, not {theme!r}; ignored")
        theme = None
    elif theme is not None and themes is not None and theme.strip() not in themes:
        problem("theme", f"no theme called {theme!r} (themes: {', '.join(sorted(themes))}); ignored")
        theme = None

    list_upvotes = data.get("list_upvotes", True)
    if not isinstance(list_upvotes, bool):
        problem("list_upvotes", f"list_upvotes must be true or false, not {list_upvotes!r}; using true")
        list_upvotes = True

    keys: dict[str, str] = {}
    key_lines: dict[str, int] = {}
    raw_keys = data.get("keys", {})
    if not isinstance(raw_keys, dict):
        problem("keys", "keys must be a table: [keys] then lines like  binding_id = \"key\"; ignored")
        raw_keys = {}
    for binding_id, value in raw_keys.items():
        key_lines[binding_id] = _line_of(text, binding_id, "keys")
        if isinstance(value, str) and value.strip():
            keys[binding_id] = value.strip()
        elif isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
            keys[binding_id] = ",".join(v.strip() for v in value)
        else:
            problem(binding_id, f"keys.{binding_id} must be a key such as \"ctrl+j\", not {value!r}; ignored", "keys")
    sync_file = None
    if "sync_file" in data:
        sync_file, sync_problem = parse_sync_file(data["sync_file"])
        if sync_problem:
            problem("sync_file", f"{sync_problem}; marks are not synced")
    return Config(
        read_on_open, theme.strip() if theme else None, MappingProxyType(keys), path, tuple(problems),
        MappingProxyType(key_lines), list_upvotes=list_upvotes, sync_file=sync_file,
    )


def resolve_keys(config: Config, bindings: Iterable[KeyBinding]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The keymap to apply (binding id -> keys) and the problems found in [keys].

    A key is never taken from a binding silently: a key the user gives to one binding that
    another still holds stays with the other (both are named in the problem). Bindings the
    user left alone hold their keys first; the ones set in [keys] follow in file order. A
    binding left with none of its new keys keeps its default keys where they are free.
    """
    bindings = list(bindings)
    defaults = {binding.id: _split_keys(binding.keys) for binding in bindings}
    space = {binding.id: binding.after for binding in bindings}  # keys after a prefix are apart
    where = config.path or CONFIG_FILE
    problems: list[str] = []
    chosen: dict[str, list[str]] = {}
    for binding_id, text in config.keys.items():
        if binding_id in defaults:
            chosen[binding_id] = _split_keys(text)
        else:
            problems.append(
                f"{where}:{config.key_lines.get(binding_id, 1)}: no binding called {binding_id!r} in [keys] "
                "(`reader config --default` lists them all); ignored"
            )
    holder = {
        (space[binding_id], key): binding_id
        for binding_id, keys in defaults.items()
        if binding_id not in chosen
        for key in keys
    }
    keymap: dict[str, str] = {}
    for binding_id, keys in chosen.items():
        kept = _claim(keys, binding_id, holder, space[binding_id])
        lost = [key for key in keys if key not in kept]
        if not kept:  # none of the new keys is free: the binding stays where it was
            kept = _claim(defaults[binding_id], binding_id, holder, space[binding_id])
        if kept:
            keymap[binding_id] = ",".join(kept)
        left = f'keeps "{",".join(kept)}"' if kept else "is left without a key"
        problems += [
            f'{where}:{config.key_lines.get(binding_id, 1)}: keys.{binding_id}: "{key}" is already the key of '
            f"{other}; {other} keeps it and {binding_id} {left}"
            for key in lost
            for other in [holder[space[binding_id], key]]
        ]
    return keymap, tuple(problems)


def all_problems(config: Config, bindings: Iterable[KeyBinding]) -> list[str]:
    """Every problem in the file, in line order (what `reader config --check` lists)."""
    problems = [*config.problems, *resolve_keys(config, bindings)[1]]
    return sorted(problems, key=lambda problem: int(m.group(1)) if (m := re.search(r":(\d+): ", problem)) else 0)


def _claim(keys: list[str], binding_id: str, holder: dict[tuple[str, str], str], after: str) -> list[str]:
    """The keys no other binding holds (after the same prefix), now held by this one."""
    free = [key for key in keys if holder.get((after, key), binding_id) == binding_id]
    holder.update({(after, key): binding_id for key in free})
    return free


def _split_keys(keys: str) -> list[str]:
    return list(dict.fromkeys(key.strip() for key in keys.split(",") if key.strip()))


def default_config_text(bindings: Iterable[KeyBinding]) -> str:
    """A config file with every setting, commented, that `reader config --check` accepts."""
    lines = [
        "# reader's settings (config.toml). Lines starting with # are comments: remove the # to",
        "# change a setting. `reader config --check` checks this file; the README's",
        '# "Configuration" section explains each setting.',
        "",
        "# Seconds a paper must stay open before it counts as read; 0 or \"never\" turns it off.",
        f"read_on_open = {DEFAULT_READ_ON_OPEN:g}",
        "",
        "# The colour theme at start (ctrl+p, then \"theme\", lists them); a theme picked in the",
        "# reader is remembered and wins over this one.",
        '# theme = "nord"',
        "",
        "# Whether the paper list shows the upvotes of papers fetched from Hugging Face (▲ 42).",
        "list_upvotes = true",
        "",
        "# A marks file shared with your other machines through a file sync tool (Syncthing, a",
        "# cloud folder, git): the reader merges it at start and writes it after each change.",
        "# For each paper and kind of mark the newer change wins, deletions included. A profile",
        "# other than the default syncs through a file beside it (reader-marks.work.jsonl).",
        '# sync_file = "~/Sync/reader-marks.jsonl"',
        "",
        "# Keys, by binding id: one key or several separated by commas, as Textual names them",
        '# ("j", "G", "ctrl+n", "f2", "pagedown", "slash", "question_mark"). A key that another',
        "# binding still holds stays with it: give that binding another key too.",
        "[keys]",
    ]
    for binding in bindings:
        after = f" (the key after {binding.after})" if binding.after else ""
        lines.append(f'# {binding.id} = "{binding.keys}"  # {binding.description}{after}')
    return "\n".join(lines) + "\n"


def parse_read_on_open(value: object) -> float | None | bool:
    """Seconds, or None for never; False when the value makes no sense."""
    if isinstance(value, str) and value.strip().lower() in ("never", "off", "no"):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if value != value or value < 0 or value == float("inf"):  # NaN, negative, infinite
        return False
    return None if value == 0 else float(value)


def parse_sync_file(value: object) -> tuple[Path | None, str]:
    """The sync file's path (`~` expanded) and '', or None and what is wrong with the value."""
    if not isinstance(value, str) or not value.strip():
        return None, f"sync_file must be the path of a file, not {value!r}"
    if not value.isprintable():
        return None, "sync_file holds control characters"
    path = Path(value.strip()).expanduser()
    if not path.is_absolute():
        return None, f"sync_file must be an absolute path or start with ~, not {value!r}"
    if path.is_dir():
        return None, f"sync_file {value!r} is a folder; name a file in it"
    return path, ""


def _line_of(text: str, key: str, table: str | None = None) -> int:
    """Line of `key = ...` (inside [table] when given); 1 when it cannot be found."""
    in_table = table is None
    key_line = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            in_table = table is not None and header.group(1).strip() == table
            continue
        if in_table and key_line.match(line):
            return number
    return 1
