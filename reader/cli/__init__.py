"""The `reader` command: with no subcommand it opens the reader; subcommands script it."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from reader import __version__, paths
from reader.domain.annotations import Annotations
from reader.domain.config import (
    CONFIG_FILE,
    all_problems,
    default_config_text,
    read_config_file,
)
from reader.domain.models import Paper, SavedView
from reader.domain.text import escape_name, strip_controls
from reader.ingest.digest import MAX_FILE_BYTES, parse_read, read_digest
from reader.ingest.sources import digest_file_name
from reader.library.export import FORMATS, export_papers
from reader.library.library import Library, SyncReport
from reader.library.mute import match_rules
from reader.library.provenance import provenance
from reader.library.renamed_ids import follow_renamed_ids
from reader.library.saved_views import count_saved_views, find_saved_view, run_saved_view
from reader.search.index import IndexDamaged
from reader.search.query import parse_query
from reader.search.similar import similar_papers
from reader.state.backup import BackupInfo, list_backups, restore_backup
from reader.state.store import StateError, StateStore, make_private_dirs, open_state
from reader.system.files import FileWriteError, MissingFolder, writable_target, write_file

MARK_ACTIONS = ("read", "unread", "star", "unstar")

# Exit codes, as grep has them (listed in the README's "The command line").
EXIT_OK = 0
EXIT_NOT_FOUND = 1  # the command worked and the answer is no: `search` matched nothing, `config --check` found problems
EXIT_ERROR = 2  # a problem: bad arguments (argparse uses 2 too), a missing file, an unknown id, damaged state
EXIT_INTERRUPTED = 130  # ctrl+c


class CommandError(Exception):
    """A problem the user can fix; shown as one line, without a traceback."""


class Context:
    """What every subcommand needs, opened on first use."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.dirs, notices = paths.private_user_dirs()  # a folder another user owns: UnsafeFolder
        for notice in notices:
            _err(f"reader: {notice}")
        self.sources = [Path(p) for p in args.digests] if args.digests else paths.default_sources(self.dirs)
        for source in self.sources:
            if not source.exists() and args.digests:
                raise CommandError(f"{escape_name(source)}: no such file or folder")
        self._library: Library | None = None
        self._state: StateStore | None = None

    def library(self, rebuild: bool = False) -> Library:
        if self._library is None or rebuild:
            self._library = Library(self.sources, paths.index_dir(self.dirs, self.sources))
            report = self._library.sync(progress=_progress_printer(), rebuild=rebuild)
            _print_report(report)
            self.last_report = report
            self._follow_renamed_ids()
        return self._library

    def state(self) -> StateStore:
        if self._state is None:
            self._state, notices = open_state(self.dirs.data, self.args.profile)
            self._state.on_wait = lambda: _err("reader: waiting for another reader to release the state file…")
            for notice in notices:
                _err(f"reader: {notice}")
            self._follow_renamed_ids()
        return self._state

    def _follow_renamed_ids(self) -> None:
        """Once both are open (commands open them in either order; one that needs no marks
        leaves the state alone): marks follow papers whose id a new text clean-up changed."""
        if self._library is not None and self._state is not None:
            notice = follow_renamed_ids(self._library, self._state).notice
            if notice:
                _err(f"reader: {notice}")

    def muted(self) -> frozenset[str]:
        """The papers the user's mute rules hide, as in the reader (whatever --include-muted says)."""
        rules = self.state().mute_rules()
        return match_rules(self.library(), rules).ids if rules else frozenset()

    def hidden(self) -> frozenset[str]:
        """The papers to leave out: the muted ones, unless --include-muted was given."""
        return frozenset() if self.args.include_muted else self.muted()

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
        if self._state is not None:
            self._state.close()


def _progress_printer():
    """A progress line on stderr for long builds, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        if total >= 1000 or stage == "indexing papers" and total >= 200:
            end = "\n" if done >= total else ""
            sys.stderr.write(f"\r{stage}: {done:,}/{total:,}{end}")
            sys.stderr.flush()

    return show


def _print_report(report: SyncReport) -> None:
    for notice in report.notices:
        _err(f"reader: {notice}")
    for warning in report.warnings:
        _err(f"reader: warning: {warning}")
    if report.empty_reason:
        _err(f"reader: {report.empty_reason}")


# -- output helpers ---------------------------------------------------------------------
#
# Digest text (titles, abstracts, labels, even file names) is untrusted. The core cleans
# it, and every line printed here is cleaned once more, so no escape sequence or control
# character from a digest can reach the terminal whatever the path it took.

# What JSON leaves raw (it escapes only C0): escaped instead, so the data is kept exactly.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _safe(text: str) -> str:
    """One or more human-readable lines with every escape sequence and control removed."""
    return strip_controls(str(text))


def _out(text: str = "") -> None:
    print(_safe(text))


def _err(text: str) -> None:
    print(_safe(text), file=sys.stderr)


def _write_raw(text: str) -> None:
    """Formatted output (exports) as is, apart from the controls a terminal would obey."""
    sys.stdout.write(strip_controls(text))


def _appearances_json(paper: Paper) -> list[dict]:
    return [
        {"label": a.label, "date": a.date.isoformat() if a.date else None, "position": a.position, "file": a.path}
        for a in paper.appearances
    ]


def _paper_json(paper: Paper, read: bool, starred: bool, score: float | None = None) -> dict:
    record = {
        "id": paper.id,
        "title": paper.title,
        "score": score,
        "digests": _appearances_json(paper),
        "links": list(paper.links),
        "read": read,
        "starred": starred,
    }
    return record


def _json_text(value) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _print_json(value) -> None:
    print(_json_text(value))


def _status_marks(read: bool, starred: bool) -> str:
    return ("★" if starred else " ") + (" " if read else "●")


# -- subcommands ------------------------------------------------------------------------


def cmd_open(ctx: Context) -> int:
    try:
        from reader.tui.app import ReaderApp
    except ImportError as error:
        raise CommandError(f"the reader's interface could not be loaded ({error})") from error
    app = ReaderApp(sources=ctx.sources, profile=ctx.args.profile, dirs=ctx.dirs)
    app.run()
    return EXIT_ERROR if app.return_code else EXIT_OK  # it stops with a message when the state cannot be used


def cmd_digests(ctx: Context) -> int:
    library = ctx.library()
    view = library.view()
    read_ids = ctx.state().read_ids()
    news = provenance(view).news
    rows = []
    for info in view.digests:
        members = view.papers_in_digest.get(info.id, frozenset())
        rows.append(
            {
                "label": info.label,
                "date": info.date.isoformat() if info.date else None,
                "file": info.path,
                "entries": info.entries,
                "papers": len(members),
                "unread": len(members - read_ids),
                "new": news[info.id].new,  # entries that first appeared in this digest
                "seen_before": news[info.id].seen_before,
                "warnings": list(info.warnings),
            }
        )
    if ctx.args.json:
        _print_json(rows)
        return 0
    for row in rows:
        date = row["date"] or "undated"
        _out(
            f"{escape_name(row['label']):<24} {date:<10}  {row['entries']:>5} entries  {row['new']:>5} new  "
            f"{row['seen_before']:>5} seen before  {row['unread']:>5} unread  {escape_name(row['file'])}"
        )
    return 0


def cmd_search(ctx: Context) -> int:
    if (ctx.args.query is None) == (ctx.args.view is None):
        raise CommandError("give a query or --view NAME (one of the two)")
    state = ctx.state()
    saved = _saved_view(state, ctx.args.view) if ctx.args.view is not None else None
    library = ctx.library()
    read_ids, starred_ids = state.read_ids(), state.starred_ids()
    annotations = Annotations.load(state)
    hidden = ctx.hidden()
    limit = ctx.args.limit + len(hidden)  # enough hits to fill the limit once the muted ones are out
    if saved is not None:
        result = run_saved_view(library, saved, read_ids, starred_ids, limit=limit, annotations=annotations)
    else:
        result = library.search(parse_query(ctx.args.query), read_ids, starred_ids, limit=limit, annotations=annotations)
    for notice in result.notices:
        _err(f"reader: {notice}")
    _say_muted(sum(pid in hidden for pid in result.ids))
    shown = [pid for pid in result.ids if pid not in hidden][: ctx.args.limit]
    papers = [paper for paper in (library.paper(pid) for pid in shown) if paper is not None]
    found = EXIT_OK if papers else EXIT_NOT_FOUND  # as grep: a script can test for hits
    if ctx.args.json:
        _print_json(
            [
                _paper_json(p, p.id in read_ids, p.id in starred_ids, result.scores.get(p.id) if result.scores else None)
                for p in papers
            ]
        )
        return found
    for paper in papers:
        seen = paper.appearances[0].label if paper.appearances else ""
        marks = _status_marks(paper.id in read_ids, paper.id in starred_ids)
        _out(f"{marks} {paper.id}  {paper.title}  ({seen})")
    if not papers:
        _err("no papers match")
    return found


def _say_muted(count: int) -> None:
    if count:
        _err(f"reader: left out {count} muted paper{'s' if count != 1 else ''} (--include-muted keeps them)")


def _saved_view(state: StateStore, name: str) -> SavedView:
    saved = state.saved_views()
    found = find_saved_view(saved, name)
    if found is None:
        known = ", ".join(view.name for view in saved)
        hint = f" (saved views: {known})" if known else " (none saved yet: press ctrl+s in the reader)"
        raise CommandError(f"no saved view named {strip_controls(name)!r}{hint}")
    return found


def cmd_views(ctx: Context) -> int:
    state = ctx.state()
    saved = state.saved_views()
    library = ctx.library()
    counts = count_saved_views(
        library, saved, state.read_ids(), state.starred_ids(), Annotations.load(state), ctx.hidden()
    )
    if ctx.args.json:
        _print_json([{"name": v.name, "query": v.query, "view": v.view, "papers": counts[v.name]} for v in saved])
        return 0
    for view in saved:
        _out(f"{view.name:<24} {counts[view.name]:>6} papers  {view.view:<7}  {view.query}")
    if not saved:
        _err("no saved views (press ctrl+s in the reader to save a search)")
    return 0


def cmd_show(ctx: Context) -> int:
    library = ctx.library()
    paper = _paper_by_id(library, ctx.args.id)
    mark = ctx.state().mark(paper.id)
    annotations = Annotations.load(ctx.state())
    tags, note = annotations.tags.get(paper.id, ()), annotations.notes.get(paper.id)
    if ctx.args.json:
        record = _paper_json(paper, mark.read, mark.starred)
        del record["score"]
        record.update(abstract=paper.abstract, read_at=mark.read_at, starred_at=mark.starred_at)
        record.update(tags=list(tags), note=note)
        _print_json(record)
        return 0
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    status = ", ".join(
        part for part in ("read" if mark.read else "unread", "starred" if mark.starred else "") if part
    )
    _out(paper.title)
    _out(f"id {paper.id} · {status}")
    _out(f"seen in {len(paper.appearances)} digest{'s' if len(paper.appearances) != 1 else ''}: "
         + ", ".join(f"{a.dated_label} (#{a.position})" for a in paper.appearances))
    if tags:
        _out("tags: " + " ".join(f"#{tag}" for tag in tags))
    if note:
        _out()
        _out("Note:")
        _out(textwrap.indent(note, "  "))
    _out()
    _out(textwrap.fill(paper.abstract or "(no abstract)", width=width))
    if paper.links:
        _out()
        for number, link in enumerate(paper.links, start=1):
            _out(f"[{number}] {link}")
    return 0


def cmd_similar(ctx: Context) -> int:
    library = ctx.library()
    paper = _paper_by_id(library, ctx.args.id)
    found = similar_papers(library, paper.id, ctx.args.limit)
    state = ctx.state()
    marks = state.marks([item.id for item in found])
    if ctx.args.json:
        records = []
        for item in found:
            similar = library.paper(item.id)
            if similar is not None:
                records.append(_paper_json(similar, marks[item.id].read, marks[item.id].starred, item.score))
        _print_json(records)
        return 0
    _out(f"like: {paper.title}")
    for item in found:
        _out(f"{_status_marks(marks[item.id].read, marks[item.id].starred)} {item.id}  {item.title}")
    if not found:
        _err("no similar papers found")
    return 0


def _paper_by_id(library: Library, text: str) -> Paper:
    try:
        pid = library.resolve_id(text)
    except KeyError as error:
        raise CommandError(error.args[0]) from None
    paper = library.paper(pid)
    if paper is None:
        raise CommandError(f"no paper with id {text!r}")
    return paper


def cmd_mark(ctx: Context) -> int:
    library = ctx.library()
    ids = [_paper_by_id(library, text).id for text in ctx.args.ids]
    state = ctx.state()
    action = ctx.args.action
    if action in ("read", "unread"):
        changed = state.set_read(ids, action == "read")
        verb = "marked read" if action == "read" else "marked unread"
    else:
        changed = state.set_starred(ids, action == "star")
        verb = "starred" if action == "star" else "unstarred"
    unchanged = len(set(ids)) - changed
    note = f" ({unchanged} already so)" if unchanged else ""
    _out(f"{verb} {changed} paper{'s' if changed != 1 else ''}{note}")
    return 0


def cmd_undo(ctx: Context) -> int:
    papers = ctx.library().view().papers  # opened first: a library that fails to open must not cost an undo
    result = ctx.state().undo()
    if result is None:
        _out("nothing to undo")
        return 0
    _out(f"undid: {result.naming_the_paper(lambda pid: papers[pid].title if pid in papers else None)}")
    return 0


def cmd_export(ctx: Context) -> int:
    to_file = ctx.args.output not in (None, "-")
    if to_file:
        try:
            writable_target(ctx.args.output)  # first: a path that cannot be written costs no work and no other message
        except FileWriteError as error:
            raise _not_exported(error) from error
    library = ctx.library()
    state = ctx.state()
    read_ids, starred_ids = state.read_ids(), state.starred_ids()
    query = ctx.args.query or ""
    if ctx.args.starred:
        query += " is:starred"
    if ctx.args.unread:
        query += " is:unread"
    annotations = Annotations.load(state)
    result = library.search(parse_query(query.strip()), read_ids, starred_ids, annotations=annotations)
    for notice in result.notices:
        _err(f"reader: {notice}")
    hidden = ctx.hidden()
    _say_muted(sum(pid in hidden for pid in result.ids))
    ids = [pid for pid in result.ids if pid not in hidden]
    papers = [paper for paper in (library.paper(pid) for pid in ids) if paper is not None]
    text = export_papers(papers, state.marks([paper.id for paper in papers]), ctx.args.format, annotations)
    if not to_file:
        _write_raw(text)
        return 0
    try:
        write_file(ctx.args.output, text)
    except FileWriteError as error:
        raise _not_exported(error) from error
    _err(f"exported {len(papers)} paper{'s' if len(papers) != 1 else ''} to {escape_name(ctx.args.output)}")
    return 0


def _not_exported(error: FileWriteError) -> CommandError:
    if isinstance(error, MissingFolder):
        return CommandError(f"not exported: {error}; create it first (nothing was written)")
    return CommandError(f"not exported: {error}")


def cmd_add(ctx: Context) -> int:
    folder = ctx.dirs.digests
    added = 0
    for name in ctx.args.files:
        source = Path(name).expanduser()
        shown = escape_name(source)
        if source.is_dir():
            raise CommandError(
                f"{shown}: is a folder; add the digest files in it (reader add {shown}/*.txt), "
                f"or read the folder where it is with --digests {shown}"
            )
        if not source.is_file():
            raise CommandError(f"{shown}: no such file")
        try:
            read = read_digest(source)  # what the reader will use of it, and all it copies
        except OSError as error:
            raise CommandError(f"{shown}: not added: cannot read: {error.strerror or error}") from error
        digest = parse_read(read, str(source))
        for warning in digest.warnings:
            _err(f"reader: warning: {warning}")
        if not digest.entries:
            reasons = "; ".join(w.message for w in digest.warnings) or "no papers found"
            raise CommandError(f"{shown}: not added: {reasons}")
        target = folder / digest_file_name(source.name)
        if target.exists():
            if target.stat().st_size == len(read.data) and target.read_bytes() == read.data:
                _out(f"{escape_name(source.name)}: already added")
                continue
            raise CommandError(
                f"{shown}: not added: a different digest named {escape_name(target.name)} is already in "
                f"{escape_name(folder)}; rename the file"
            )
        make_private_dirs(folder)  # the data folder is private (0700) whoever creates it
        try:
            write_file(target, read.data)  # only what the reader reads of it
        except FileWriteError as error:
            raise CommandError(f"{shown}: not added: {error}") from error
        added += 1
        _out(f"added {escape_name(source.name)}{_added_as(source, target)}: {escape_name(digest.label)}, "
             f"{len(digest.entries)} papers{_cut_note(read.cut_at_line)}")
    if added:
        if ctx.args.digests:
            _err("note: --digests was given, so the added digests show in runs without it")
        else:
            ctx.library()
    return 0


def _added_as(source: Path, target: Path) -> str:
    if source.name.startswith("."):
        return f" as {escape_name(target.name)} (hidden files are not read)"
    return ""


def _cut_note(cut_at_line: int | None) -> str:
    if cut_at_line is None:
        return ""
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return f"; only its first {limit} MiB (to line {cut_at_line:,}) was copied: the reader reads no further"


def cmd_index(ctx: Context) -> int:
    ctx.library(rebuild=ctx.args.rebuild)
    report = ctx.last_report
    _out(
        f"{report.parsed} digest{'s' if report.parsed != 1 else ''} read, {report.unchanged} unchanged, "
        f"{report.removed} removed; {report.written} papers indexed, {report.deleted} dropped "
        f"in {report.seconds:.2f} s"
    )
    return 0


def cmd_stats(ctx: Context) -> int:
    view = ctx.library().view()
    state = ctx.state()
    muted = ctx.muted().intersection(view.papers)
    ids = set(view.papers) - (frozenset() if ctx.args.include_muted else muted)
    read = len(ids & state.read_ids())
    starred = len(ids & state.starred_ids())
    stats = {
        "papers": len(ids),
        "digests": len(view.digests),
        "entries": sum(info.entries for info in view.digests),
        "read": read,
        "unread": len(ids) - read,
        "starred": starred,
        "muted": len(muted),  # hidden by mute rules: not in the counts above unless --include-muted
    }
    if ctx.args.json:
        _print_json(stats)
    else:
        for key, value in stats.items():
            _out(f"{key:<8} {value:>7,}")
    return 0


def cmd_config(ctx: Context) -> int:
    # The binding table and the theme names belong to the interface (they load a little of Textual).
    from textual.theme import BUILTIN_THEMES

    from reader.tui.bindings import key_bindings

    path = ctx.dirs.config / CONFIG_FILE
    if ctx.args.default:
        _write_raw(default_config_text(key_bindings()))
        return EXIT_OK
    if not ctx.args.check:
        _out(str(path))
        return EXIT_OK
    if ctx.args.check is not True:
        path = Path(ctx.args.check).expanduser()
    if not path.exists():
        _out(f"{path}: no config file, so the defaults apply (reader config --default > FILE writes one)")
        return EXIT_OK if ctx.args.check is True else EXIT_ERROR
    config = read_config_file(path, set(BUILTIN_THEMES))
    problems = all_problems(config, key_bindings())
    for problem in problems:
        _out(problem)
    if not problems:
        _out(f"{path}: no problems")
    return EXIT_NOT_FOUND if problems else EXIT_OK


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def _backup_line(info: BackupInfo) -> str:
    if info.problem is not None:
        marks = f"unreadable: {info.problem}"
    else:
        marks = f"{info.read:>6,} read  {info.starred:>6,} starred"
    return f"{info.label:<40} {_size(info.size):>9}  {marks}  {escape_name(info.path.name)}"


def cmd_restore(ctx: Context) -> int:
    data, profile = ctx.dirs.data, ctx.args.profile
    if not ctx.args.backup:
        backups = list_backups(data, profile)
        if not backups:
            _out(f"no backups yet for profile {profile!r}: one is made each day the reader is used (kept: last 7)")
            return 0
        _out(f"backups of profile {profile!r} in {escape_name(backups[0].path.parent)}, oldest first:")
        for info in backups:
            _out("  " + _backup_line(info))
        _out("restore one with: reader restore DATE  (or a file name from this list, or a path)")
        return 0
    store = ctx.state()
    result = restore_backup(store, data, profile, ctx.args.backup)
    _out(f"restored {escape_name(result.source)}: now {result.read:,} read, {result.starred:,} starred")
    if result.left_out:
        _out(f"left behind (only the reader's own tables are restored): {', '.join(result.left_out)}")
    _out(f"your marks from just before were saved as {escape_name(result.before)}")
    _out(f"to take this back: reader{_profile_option(profile)} restore {escape_name(result.before.name)}")
    return 0


def _profile_option(profile: str) -> str:
    return "" if profile == "default" else f" --profile {profile}"


# -- argument parsing -------------------------------------------------------------------


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

    def command(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[in_command], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    sub = command("digests", "list the digests with their entries and unread counts", cmd_digests)
    sub.add_argument("--json", action="store_true")
    sub = command("search", "search every paper (Whoosh syntax plus is:, digest:, tag: and note: filters)", cmd_search)
    sub.add_argument("query", nargs="?")
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
    sub = command("mark", "mark papers read, unread, starred or unstarred", cmd_mark)
    sub.add_argument("action", choices=MARK_ACTIONS)
    sub.add_argument("ids", nargs="+", metavar="ID")
    command("undo", "undo the last change to your marks, tags or notes", cmd_undo)
    sub = command("export", "export papers as Markdown, JSON, CSV or BibTeX", cmd_export)
    sub.add_argument("--starred", action="store_true", help="only starred papers")
    sub.add_argument("--unread", action="store_true", help="only unread papers")
    sub.add_argument("--query", metavar="Q", help="only papers matching this search (tag: and note: work too)")
    sub.add_argument("--format", choices=FORMATS, required=True)
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    _include_muted_option(sub)
    sub = command("add", "check digest files and copy them into your digest folder", cmd_add)
    sub.add_argument("files", nargs="+", metavar="FILE")
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
    parser.set_defaults(handler=cmd_open)
    return parser


def _include_muted_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--include-muted", action="store_true", help="include the papers your mute rules hide (left out by default, as in the reader)"
    )


def _global_options(default_profile, digests_default) -> argparse.ArgumentParser:
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ctx = None
    try:
        ctx = Context(args)
        return args.handler(ctx)
    except (CommandError, StateError, ValueError) as error:
        _err(f"reader: {error}")
        return EXIT_ERROR
    except IndexDamaged as error:
        _err(f"reader: the search index is damaged ({error}); run `reader index --rebuild`")
        return EXIT_ERROR
    except sqlite3.Error as error:
        # Only the digest catalog (a cache) raises these; the state store wraps its own.
        _err(f"reader: the digest catalog could not be used ({error}); try again, or run `reader index --rebuild`")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        name = f"{escape_name(error.filename)}: " if error.filename else ""
        _err(f"reader: {name}{error.strerror or error}")
        return EXIT_ERROR
    finally:
        if ctx is not None:
            ctx.close()
