"""Commands that change what the reader reads: `add` copies digest files into the digest
folder (through the one atomic file writer), `index` brings the search index up to date."""

from __future__ import annotations

from pathlib import Path

from reader.cli.context import CommandError, Context
from reader.cli.output import err, out
from reader.domain.text import escape_name
from reader.ingest.digest import MAX_FILE_BYTES, parse_read, read_digest
from reader.ingest.sources import digest_file_name
from reader.state.store import make_private_dirs
from reader.system.files import FileWriteError, write_file


def cmd_add(ctx: Context) -> int:
    added = sum(_add_one(ctx.dirs.digests, Path(name).expanduser()) for name in ctx.args.files)
    if added:
        if ctx.args.digests:
            err("note: --digests was given, so the added digests show in runs without it")
        else:
            ctx.library()
    return 0


def _add_one(folder: Path, source: Path) -> bool:
    """Copy one digest into `folder`; False when the very same file is already there."""
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
        err(f"reader: warning: {warning}")
    if not digest.entries:
        reasons = "; ".join(w.message for w in digest.warnings) or "no papers found"
        raise CommandError(f"{shown}: not added: {reasons}")
    target = folder / digest_file_name(source.name)
    if target.exists():
        if target.stat().st_size == len(read.data) and target.read_bytes() == read.data:
            out(f"{escape_name(source.name)}: already added")
            return False
        raise CommandError(
            f"{shown}: not added: a different digest named {escape_name(target.name)} is already in "
            f"{escape_name(folder)}; rename the file"
        )
    make_private_dirs(folder)  # the data folder is private (0700) whoever creates it
    try:
        write_file(target, read.data)  # only what the reader reads of it
    except FileWriteError as error:
        raise CommandError(f"{shown}: not added: {error}") from error
    out(f"added {escape_name(source.name)}{_added_as(source, target)}: {escape_name(digest.label)}, "
        f"{len(digest.entries)} papers{_cut_note(read.cut_at_line)}")
    return True


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
    out(
        f"{report.parsed} digest{'s' if report.parsed != 1 else ''} read, {report.unchanged} unchanged, "
        f"{report.removed} removed; {report.written} papers indexed, {report.deleted} dropped "
        f"in {report.seconds:.2f} s"
    )
    return 0
