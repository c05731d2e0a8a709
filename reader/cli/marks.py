"""Commands that change marks: `mark` (read, unread, star, unstar) and `undo`."""

from __future__ import annotations

from reader.cli.context import Context
from reader.cli.output import out
from reader.cli.papers import paper_by_id

MARK_ACTIONS = ("read", "unread", "star", "unstar")


def cmd_mark(ctx: Context) -> int:
    library = ctx.library()
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
    return 0


def cmd_undo(ctx: Context) -> int:
    papers = ctx.library().view().papers  # opened first: a library that fails to open must not cost an undo
    result = ctx.state().undo()
    if result is None:
        out("nothing to undo")
        return 0
    out(f"undid: {result.naming_the_paper(lambda pid: papers[pid].title if pid in papers else None)}")
    return 0
