"""Saved views from the command line: `reader views` lists them, `search --view` finds one."""

from __future__ import annotations

from reader.cli.context import CommandError, Context
from reader.cli.output import err, out, print_json
from reader.domain.annotations import Annotations
from reader.domain.models import SavedView
from reader.domain.text import strip_controls
from reader.library.saved_views import count_saved_views, find_saved_view
from reader.state.store import StateStore


def saved_view(state: StateStore, name: str) -> SavedView:
    """The saved view called `name`; a CommandError naming the saved ones if there is none."""
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
        print_json([{"name": v.name, "query": v.query, "view": v.view, "papers": counts[v.name]} for v in saved])
        return 0
    for view in saved:
        out(f"{view.name:<24} {counts[view.name]:>6} papers  {view.view:<7}  {view.query}")
    if not saved:
        err("no saved views (press ctrl+s in the reader to save a search)")
    return 0
