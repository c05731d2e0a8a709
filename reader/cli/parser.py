"""The command line's grammar: global options, the commands, their options, and which
function runs each."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from reader import __version__
from reader.cli.backups import cmd_restore
from reader.cli.config import cmd_config
from reader.cli.context import Context
from reader.cli.digest_files import cmd_add, cmd_index
from reader.cli.export import cmd_export
from reader.cli.fetch import cmd_fetch
from reader.cli.marks import MARK_ACTIONS, cmd_mark, cmd_undo
from reader.cli.marks_sync import MARKS_ACTIONS, cmd_marks
from reader.cli.open_app import cmd_open
from reader.cli.papers import cmd_digests, cmd_search, cmd_show, cmd_similar, cmd_stats
from reader.cli.rank import cmd_rank
from reader.cli.views import cmd_views
from reader.library.export import FORMATS
from reader.library.sorting import SORT_KEYS

Handler = Callable[[Context], int]


def build_parser() -> argparse.ArgumentParser:
    # Global options work before or after the command; the command's copy must not reset them.
    common = _global_options(default_profile="default", digests_default=None)
    in_command = _global_options(default_profile=argparse.SUPPRESS, digests_default=argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="reader", parents=[common],
        description="A keyboard-driven terminal reader for daily ML-paper digests. With no command, opens the reader.",
        epilog=(
            "exit status: 0 done; 1 nothing found (search) or problems found (config --check); 2 an error; "
            "130 interrupted (ctrl+c)"
        ),
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[in_command], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    _paper_commands(command)
    _change_commands(command)
    _file_commands(command)
    _marks_file_commands(command)
    _rank_command(command)
    parser.set_defaults(handler=cmd_open)
    return parser


def _paper_commands(command: Callable[[str, str, Handler], argparse.ArgumentParser]) -> None:
    sub = command("digests", "list the digests with their entries and unread counts", cmd_digests)
    sub.add_argument("--json", action="store_true")
    sub = command("search", "search every paper (Whoosh syntax plus is:, digest:, tag:, note:, author:, upvotes:, "
                  "comments:, has: and year: filters)", cmd_search)
    sub.add_argument("query", nargs="?")
    sub.add_argument("--sort", choices=SORT_KEYS, help="the order (default: relevance with words, else date)")
    sub.add_argument("--view", metavar="NAME", help="run a saved view instead of a query")
    sub.add_argument("--limit", type=_positive_int, default=20, metavar="N")
    sub.add_argument("--json", action="store_true")
    _include_muted_option(sub)
    sub = command("views", "list the saved views with how many papers each lists", cmd_views)
    sub.add_argument("--json", action="store_true")
    _include_muted_option(sub)
    sub = command("show", "everything about one paper", cmd_show)
    sub.add_argument("id", help="paper id (or a unique prefix of at least 4 characters)")
    sub.add_argument("--json", action="store_true")
    sub = command("similar", "the papers most like one paper (by title and abstract)", cmd_similar)
    sub.add_argument("id", help="paper id (or a unique prefix of at least 4 characters)")
    sub.add_argument("--limit", type=_positive_int, default=5, metavar="N")
    sub.add_argument("--json", action="store_true")


def _change_commands(command: Callable[[str, str, Handler], argparse.ArgumentParser]) -> None:
    sub = command("mark", "mark papers read, unread, starred or unstarred", cmd_mark)
    sub.add_argument("action", choices=MARK_ACTIONS)
    sub.add_argument("ids", nargs="*", metavar="ID", help="paper ids (or unique prefixes of at least 4 characters)")
    sub.add_argument("--query", metavar="Q", help="every paper matching this search instead (one undo step)")
    _include_muted_option(sub)
    command("undo", "undo the last change to your marks, tags or notes", cmd_undo)
    sub = command("export", "export papers as Markdown, JSON, CSV or BibTeX", cmd_export)
    sub.add_argument("--starred", action="store_true", help="only starred papers")
    sub.add_argument("--unread", action="store_true", help="only unread papers")
    sub.add_argument("--query", metavar="Q", help="only papers matching this search (tag: and note: work too)")
    sub.add_argument("--format", choices=FORMATS, required=True)
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    _include_muted_option(sub)


def _file_commands(command: Callable[[str, str, Handler], argparse.ArgumentParser]) -> None:
    sub = command("add", "check digest files and copy them into your digest folder", cmd_add)
    sub.add_argument("files", nargs="+", metavar="FILE")
    _fetch_command(command)
    sub = command("index", "bring the search index up to date", cmd_index)
    sub.add_argument("--rebuild", action="store_true", help="rebuild it from nothing")
    sub = command("stats", "count papers, digests, read and starred", cmd_stats)
    sub.add_argument("--json", action="store_true")
    _include_muted_option(sub)
    sub = command("config", "print where the config file is, print a default one, or check yours", cmd_config)
    choice = sub.add_mutually_exclusive_group()
    choice.add_argument("--default", action="store_true", help="print a config file with every setting, commented")
    choice.add_argument(
        "--check", nargs="?", const=True, metavar="FILE",
        help="check the config file (or FILE): each problem with file and line; exit 1 if there are any",
    )
    sub = command("restore", "list the daily backups of your marks, or bring one back", cmd_restore)
    sub.add_argument(
        "backup", nargs="?", metavar="DATE|FILE",
        help="a backup's date (YYYY-MM-DD), its file name, or a path to a state file; none: list backups",
    )


def _fetch_command(command: Callable[[str, str, Handler], argparse.ArgumentParser]) -> None:
    sub = command(
        "fetch", "download Hugging Face Daily Papers into your digest folder (HF_ENDPOINT, HF_TOKEN) and index them",
        cmd_fetch,
    )
    which = sub.add_mutually_exclusive_group()
    which.add_argument("date", nargs="?", metavar="DATE", help="the day to fetch, YYYY-MM-DD (default: today, UTC)")
    which.add_argument("--week", metavar="YYYY-Www", help="every day of an ISO week, e.g. 2026-W47")
    which.add_argument("--month", metavar="YYYY-MM", help="every day of a month, e.g. 2026-11")
    which.add_argument(
        "--since-last", action="store_true",
        help="every day since the newest one fetched, up to today (at most 31 days): for a daily cron job",
    )
    sub.add_argument("--refresh", action="store_true", help="fetch days already fetched again (upvotes change)")
    sub.add_argument("--json", action="store_true")


def _marks_file_commands(command: Callable[[str, str, Handler], argparse.ArgumentParser]) -> None:
    sub = command(
        "marks", "export your marks, tags, notes, saved views and mute rules to a file, or merge one in", cmd_marks
    )
    in_command = _global_options(default_profile=argparse.SUPPRESS, digests_default=argparse.SUPPRESS)
    actions = sub.add_subparsers(dest="marks_action", metavar="ACTION", required=True)
    helps = {
        "export": "write every mark, tag, note, saved view and mute rule with when it last changed "
                  "(deletions too) to FILE as JSON Lines",
        "import": "merge FILE in: for each paper and kind the newer change wins, deletions included "
                  "(one undo step)",
        "sync": "merge the sync file of config.toml in and write it back now (as the reader does at start)",
    }
    for action in MARKS_ACTIONS:
        one = actions.add_parser(action, parents=[in_command], help=helps[action], description=helps[action])
        if action != "sync":
            one.add_argument("file", metavar="FILE")


def _rank_command(command: Callable[[str, str, Handler], argparse.ArgumentParser]) -> None:
    sub = command(
        "rank", "the unread papers most like your starred ones (or one tag's), with the words that weighed most",
        cmd_rank,
    )
    sub.add_argument("--tag", metavar="T", help="rank by the papers with this tag instead of the starred ones")
    sub.add_argument("--limit", type=_positive_int, default=20, metavar="N")
    sub.add_argument("--json", action="store_true")


def _include_muted_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--include-muted", action="store_true",
        help="include the papers your mute rules hide (left out by default, as in the reader)",
    )


def _global_options(default_profile: Any, digests_default: Any) -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--digests", action="append", metavar="PATH", default=digests_default,
        help="read only these digest files or folders (repeatable) instead of the bundled seeds and your digest folder",
    )
    options.add_argument(
        "--profile", default=default_profile, metavar="NAME", help="keep separate read/starred marks (default: default)"
    )
    return options


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
