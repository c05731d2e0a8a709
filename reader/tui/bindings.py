"""The command table: every key the reader answers to, in one place.

The main screen's BINDINGS, the app's global bindings, the help screen and the command
palette are all generated from COMMANDS, so they cannot drift apart. Each command has a
stable id, which is also the name users put in the [keys] table of config.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from textual.binding import Binding

from reader.domain.config import KeyBinding

MOVE = "Move"
TRIAGE = "Triage"
FIND = "Find and filter"
SELECT = "Select and act on many"
APP = "App"
GROUPS = (MOVE, TRIAGE, FIND, SELECT, APP)
BULK = "bulk_prefix"  # the key that makes the next key act on the selection


@dataclass(frozen=True)
class Command:
    id: str
    keys: str  # Textual key names, comma separated; the first is the one shown
    action: str  # an action on the main screen, or "app.<action>"
    description: str  # short, for the footer and the help screen
    group: str
    footer: bool = False  # one of the handful the footer shows
    label: str = ""  # the footer's word for it, when shorter than the description
    palette: bool = True  # offered in the command palette
    # Priority keys are handled as they arrive, before later keys are passed on: needed
    # where the key moves focus, or keys typed right after it land in the old place.
    priority: bool = False
    # The id of the prefix command this key follows (`;` then `r`): its keys are looked for
    # only after the prefix, so they may be the same as other commands' keys.
    after: str = ""


COMMANDS: tuple[Command, ...] = (
    Command("next_paper", "j,down", "cursor_down", "Next paper", MOVE),
    Command("previous_paper", "k,up", "cursor_up", "Previous paper", MOVE),
    Command("first_paper", "g,home", "cursor_first", "First paper", MOVE),
    Command("last_paper", "G,end", "cursor_last", "Last paper", MOVE),
    Command("page_down", "pagedown", "page_down", "Page down the list", MOVE),
    Command("page_up", "pageup", "page_up", "Page up the list", MOVE),
    Command("open", "enter", "open", "Read the paper (focus the detail)", MOVE),
    Command("read_on", "space", "read_on", "Page the detail, then the next paper", MOVE),
    Command("next_unread", "n", "next_unread", "Next unread", MOVE, footer=True, label="next unread"),
    Command("previous_unread", "p", "previous_unread", "Previous unread", MOVE),
    Command("back", "escape", "back", "Back to the list; again to clear the search", MOVE, priority=True),
    Command("read_and_next", "x", "read_and_next", "Mark read and next", TRIAGE, footer=True, label="read+next"),
    Command("toggle_read", "r", "toggle_read", "Toggle read", TRIAGE, footer=True, label="read"),
    Command("toggle_star", "s", "toggle_star", "Toggle star", TRIAGE, footer=True, label="star"),
    Command("mark_all_read", "A", "mark_all_read", "Mark all shown read (asks first)", TRIAGE),
    Command("mark_above_read", "K", "mark_above_read", "Mark all above read, starred kept (asks first)", TRIAGE),
    Command("undo", "u", "undo", "Undo the last change", TRIAGE, footer=True, label="undo"),
    Command("edit_tags", "t", "edit_tags", "Add or remove tags", TRIAGE),
    Command("edit_note", "N", "edit_note", "Write a note on the paper", TRIAGE),
    Command("open_link", "o", "open_link", "Open a link (a chooser when several; none: search)", TRIAGE),
    Command("copy", "y", "copy", "Copy title and link", TRIAGE),
    Command("search", "slash", "search", "Search", FIND, footer=True, label="search", priority=True),
    Command("view_all", "1", "show_view('all')", "View all papers", FIND),
    Command("view_unread", "2", "show_view('unread')", "View unread papers", FIND),
    Command("view_starred", "3", "show_view('starred')", "View starred papers", FIND),
    Command("view_new", "4", "show_view('new')", "View new papers (unseen, or new in the digest)", FIND),
    Command("view_for_you", "5", "show_view('for_you')", "View unread papers ranked by your stars (For you)", FIND),
    Command("mute", "M", "mute", "Mute papers matching a search", FIND),
    Command("toggle_muted", "H", "toggle_muted", "Show or hide muted papers", FIND),
    Command("save_view", "ctrl+s", "save_view", "Save the search as a named view", FIND),
    Command("cycle_sort", "S", "cycle_sort", "Sort by date, upvotes, comments, title or relevance", FIND),
    Command("toggle_filters", "f", "toggle_filters", "Show or hide the filter pane", FIND),
    Command("fetch", "R", "fetch", "Fetch Daily Papers since the last fetch", FIND),
    Command("select_paper", "v", "select_paper", "Select or unselect the paper, then next", SELECT),
    Command("select_range", "V", "select_range", "Select from the last v-selected paper to here", SELECT),
    Command("select_all", "asterisk", "select_all", "Select every paper in the list (esc clears)", SELECT),
    Command("select_matching", "T", "select_matching", "Select the papers here that a search matches", SELECT),
    Command(BULK, "semicolon", "bulk_prefix", "Next key acts on the selection, else on the paper", SELECT,
            palette=False),
    Command("bulk_read", "r", "bulk_read", "Mark the selection read", SELECT, label="read selection", after=BULK),
    Command("bulk_star", "s", "bulk_star", "Star the selection; unstar it when all are starred", SELECT,
            label="star selection", after=BULK),
    Command("bulk_tag", "t", "bulk_tag", "Add or remove tags on the selection", SELECT, label="tag selection",
            after=BULK),
    Command("bulk_mute", "m", "bulk_mute", "Mute the selection's titles (one rule per title)", SELECT,
            label="mute titles", after=BULK),
    Command("bulk_export", "e", "bulk_export", "Export the selection to a file", SELECT, label="export selection",
            after=BULK),
    Command("mark_old_digests", "o", "mark_old_digests",
            "Mark older digests read, starred kept (asks first)", SELECT, label="older digests read",
            after=BULK),
    Command("help", "question_mark", "help", "Help: all keys", APP, footer=True, label="help"),
    Command("statistics", "percent_sign", "statistics", "Statistics: your reading, rising terms, tags", APP),
    Command("message_log", "L", "app.message_log", "Messages: every notice and warning of this session", APP),
    Command("command_palette", "ctrl+p", "app.command_palette", "Command palette", APP, palette=False, priority=True),
    Command("quit", "q", "app.quit", "Quit", APP, footer=True, label="quit"),
)

BY_ID: Mapping[str, Command] = {command.id: command for command in COMMANDS}
# Keys the help screen spells out instead of Textual's key names.
_KEY_NAMES = {
    "question_mark": "?", "slash": "/", "escape": "esc", "space": "space", "pagedown": "PgDn",
    "pageup": "PgUp", "down": "↓", "up": "↑", "enter": "enter", "home": "Home", "end": "End",
    "semicolon": ";", "asterisk": "*", "percent_sign": "%",
}


def binding(command: Command, keys: str | None = None) -> Binding:
    """The Textual binding for a command (the keymap in config.toml may change its keys)."""
    return Binding(
        keys or command.keys,
        command.action,
        command.label or command.description,
        show=command.footer,
        priority=command.priority,
        id=command.id,
        tooltip=command.description,
    )


def screen_bindings() -> list[Binding]:
    return [
        binding(command)
        for command in COMMANDS
        if not command.after and (not command.action.startswith("app.") or command.id == "quit")
    ]


def prefixed_bindings(prefix: str) -> list[Binding]:
    """The keys that may follow a prefix key (`;`), shown in the footer while it waits."""
    return [binding(replace(command, footer=True)) for command in COMMANDS if command.after == prefix]


def app_bindings() -> list[Binding]:
    return [binding(command) for command in COMMANDS if command.action.startswith("app.") and command.id != "quit"]


def keys_for(command: Command, keymap: Mapping[str, str]) -> list[str]:
    """The keys that run `command` now: the user's keymap wins over the default."""
    keys = keymap.get(command.id) or command.keys
    return [key.strip() for key in keys.split(",") if key.strip()]


def key_label(key: str) -> str:
    """How a Textual key name reads to a person: "question_mark" -> "?", "ctrl+p" -> "ctrl+p"."""
    return _KEY_NAMES.get(key, key)


def keys_label(command: Command, keymap: Mapping[str, str]) -> str:
    """The keys of a command as a person reads them; a prefixed key after its prefix ("; r")."""
    label = " ".join(key_label(key) for key in keys_for(command, keymap))
    if command.after:
        return f"{key_label(keys_for(BY_ID[command.after], keymap)[0])} {label}"
    return label


def key_bindings() -> list[KeyBinding]:
    """Every binding as config.toml knows it: id, default keys, description."""
    return [KeyBinding(command.id, command.keys, command.description, command.after) for command in COMMANDS]
