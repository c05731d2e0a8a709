"""`reader export`: papers as Markdown, JSON, CSV or BibTeX, to standard output or a file
(written through the one atomic file writer)."""

from __future__ import annotations

from reader.cli.context import CommandError, Context
from reader.cli.matching import papers_matching
from reader.cli.output import err, write_raw
from reader.domain.annotations import Annotations
from reader.domain.text import escape_name
from reader.library.export import export_papers
from reader.system.files import FileWriteError, MissingFolder, writable_target, write_file


def cmd_export(ctx: Context) -> int:
    to_file = ctx.args.output not in (None, "-")
    if to_file:
        try:
            writable_target(ctx.args.output)  # first: a path that cannot be written costs no work and no other message
        except FileWriteError as error:
            raise _not_exported(error) from error
    library = ctx.library()
    state = ctx.state()
    query = ctx.args.query or ""
    if ctx.args.starred:
        query += " is:starred"
    if ctx.args.unread:
        query += " is:unread"
    annotations = Annotations.load(state)
    ids = papers_matching(ctx, query, annotations)
    papers = [paper for paper in (library.paper(pid) for pid in ids) if paper is not None]
    text = export_papers(papers, state.marks([paper.id for paper in papers]), ctx.args.format, annotations)
    if not to_file:
        write_raw(text)
        return 0
    try:
        write_file(ctx.args.output, text)
    except FileWriteError as error:
        raise _not_exported(error) from error
    err(f"exported {len(papers)} paper{'s' if len(papers) != 1 else ''} to {escape_name(ctx.args.output)}")
    return 0


def _not_exported(error: FileWriteError) -> CommandError:
    if isinstance(error, MissingFolder):
        return CommandError(f"not exported: {error}; create it first (nothing was written)")
    return CommandError(f"not exported: {error}")
