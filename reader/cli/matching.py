"""The papers a command's `--query` names: searched as the app searches (tags, notes and
`is:` filters included), notices on stderr, muted papers left out unless --include-muted."""

from __future__ import annotations

from reader.cli.context import Context
from reader.cli.output import err, say_muted
from reader.domain.annotations import Annotations


def papers_matching(ctx: Context, query: str, annotations: Annotations | None = None) -> list[str]:
    """Ids of the papers matching `query` (every paper for an empty one), best first."""
    library, state = ctx.library(), ctx.state()
    annotations = annotations if annotations is not None else Annotations.load(state)
    result = library.search(
        library.plan(query.strip()), state.read_ids(), state.starred_ids(), annotations=annotations
    )
    for notice in result.notices:
        err(f"reader: {notice}")
    hidden = ctx.hidden()
    say_muted(sum(pid in hidden for pid in result.ids))
    return [pid for pid in result.ids if pid not in hidden]
