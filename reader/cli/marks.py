"""Commands that change marks: `mark` (read, unread, star, unstar; by id or by query, one
undo step either way) and `undo`."""

from __future__ import annotations

from reader.cli.context import EXIT_NOT_FOUND, CommandError, Context
from reader.cli.marks_sync import sync_after_change
from reader.cli.matching import papers_matching
from reader.cli.output import out
from reader.cli.papers import paper_by_id

MARK_ACTIONS = ("read", "unread", "star", "unstar")


def cmd_mark(ctx: Context) -> int:
    if bool(ctx.args.ids) == (ctx.args.query is not None):
        raise CommandError("give paper ids or --query Q (one of the two)")
    library = ctx.library()
    if ctx.args.query is not None:
        ids = papers_matching(ctx, ctx.args.query)
        if not ids:
            out("no paper matches the query; nothing marked")
            return EXIT_NOT_FOUND
    else:
        ids = [paper_by_id(library, text).id for text in ctx.args.ids]
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
    out(f"{verb} {changed} paper{'s' if changed != 1 else ''}{note}")
    sync_after_change(ctx)
    return 0


def cmd_undo(ctx: Context) -> int:
    papers = ctx.library().view().papers  # opened first: a library that fails to open must not cost an undo
    result = ctx.state().undo()
    if result is None:
        out("nothing to undo")
        return 0
    out(f"undid: {result.naming_the_paper(lambda pid: papers[pid].title if pid in papers else None)}")
    sync_after_change(ctx)
    return 0
