"""The user's config file: `config.toml` in the config folder.

    read_on_open = 2          # seconds a paper must stay open to count as read; 0 or "never" disables
    theme = "nord"            # the first theme; a theme picked in the app is remembered instead

    [keys]                    # binding id -> keys, e.g. to swap j/k for arrows only
    next_paper = "down,ctrl+n"

A bad file never stops the app: each problem becomes a message naming the file and line,
and the setting falls back to its default.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

CONFIG_FILE = "config.toml"
DEFAULT_READ_ON_OPEN = 2.0
KNOWN_SETTINGS = ("read_on_open", "theme", "keys")


@dataclass(frozen=True)
class Config:
    read_on_open: float | None = DEFAULT_READ_ON_OPEN  # seconds; None: never
    theme: str | None = None
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = None  # the file read, when there was one
    problems: tuple[str, ...] = ()  # messages for the user, each naming file and line


def load_config(config_dir: Path) -> Config:
    """Read config_dir/config.toml; defaults when it is missing, unreadable or wrong."""
    path = Path(config_dir) / CONFIG_FILE
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
        return Config(path=path, problems=(f"{path}: {error}; using the default settings",))
    return _from_table(data, text, path)


def _from_table(data: dict, text: str, path: Path) -> Config:
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

    keys: dict[str, str] = {}
    raw_keys = data.get("keys", {})
    if not isinstance(raw_keys, dict):
        problem("keys", "keys must be a table: [keys] then lines like  binding_id = \"key\"; ignored")
        raw_keys = {}
    for binding_id, value in raw_keys.items():
        if isinstance(value, str) and value.strip():
            keys[binding_id] = value.strip()
        elif isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
            keys[binding_id] = ",".join(v.strip() for v in value)
        else:
            problem(binding_id, f"keys.{binding_id} must be a key such as \"ctrl+j\", not {value!r}; ignored", "keys")
    return Config(read_on_open, theme.strip() if theme else None, MappingProxyType(keys), path, tuple(problems))


def parse_read_on_open(value: object) -> float | None | bool:
    """Seconds, or None for never; False when the value makes no sense."""
    if isinstance(value, str) and value.strip().lower() in ("never", "off", "no"):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if value != value or value < 0 or value == float("inf"):  # NaN, negative, infinite
        return False
    return None if value == 0 else float(value)


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
