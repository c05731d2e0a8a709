"""`reader marks export FILE` and `reader marks import FILE`: every mark, tag, note, saved
view and mute rule with when it last changed, in a file another machine can merge (per
thing, the newer change wins); and the sync file (config `sync_file`) that commands
changing marks bring up to date at their end."""

from __future__ import annotations

from pathlib import Path

from reader.cli.context import EXIT_OK, CommandError, Context
from reader.cli.output import err, out
from reader.domain.config import load_config
from reader.state.errors import StateError
from reader.state.marks_file import profile_sync_file
from reader.state.sync_format import MarksFileError
from reader.system.files import FileWriteError

MARKS_ACTIONS = ("export", "import", "sync")


def cmd_marks(ctx: Context) -> int:
    if ctx.args.marks_action == "sync":
        return _sync_now(ctx)
    path = Path(ctx.args.file).expanduser()
    state = ctx.state()
    if ctx.args.marks_action == "export":
        try:
            count, skipped = state.export_marks(path)
        except FileWriteError as error:
            raise CommandError(f"{error}; nothing was written") from None
        out(f"wrote {count:,} record{'' if count == 1 else 's'} to {path}")
        if skipped:
            err(f"reader: warning: left out {skipped:,} record{'' if skipped == 1 else 's'} no reader would take "
                "(a saved view or mute rule too long or holding control characters)")
        return EXIT_OK
    report = state.import_marks(path)  # MarksFileError (a ValueError): one line, exit 2, nothing changed
    out(f"{path}: {report.summary()}{'; `reader undo` takes it back' if report else ''}")
    sync_after_change(ctx)
    return EXIT_OK


def _sync_file(ctx: Context) -> Path | None:
    """The profile's sync file (config `sync_file`), or None when there is none."""
    path = load_config(ctx.dirs.config).sync_file
    return None if path is None else profile_sync_file(path, ctx.args.profile)


def _sync_now(ctx: Context) -> int:
    path = _sync_file(ctx)
    if path is None:
        raise CommandError("no sync file: set sync_file in config.toml (`reader config --default` shows it)")
    try:
        outcome = ctx.state().sync_marks(path)
    except FileWriteError as error:
        raise CommandError(f"{error}; the sync file was left as it was") from None
    merged = outcome.merged.summary(ignored=False) if outcome.merged else "nothing new in it"
    out(f"{path}: {merged}; {'written' if outcome.written else 'already up to date'}")
    return EXIT_OK


def sync_after_change(ctx: Context) -> None:
    """Bring the sync file up to date after a command changed marks (nothing when no
    `sync_file` is set). A failure is told on stderr; the command's own change stays saved."""
    path = _sync_file(ctx)
    if path is None:
        return
    state = ctx.state()
    if state.read_only:
        return  # nothing of ours to add, and nothing in the file may be taken in
    try:
        outcome = state.sync_marks(path)
    except (MarksFileError, FileWriteError, StateError, OSError) as error:
        err(f"reader: warning: marks not synced with {path}: {_reason(error)}")
        return
    if outcome.merged:
        err(f"reader: from the sync file {path}: {outcome.merged.summary(ignored=False)}")


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and not isinstance(error, FileWriteError):
        return f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")
    return str(error)
