"""`reader rank`: the unread papers ranked by likeness to the starred ones (or one tag's), each
with the words that weighed most (reader.library.for_you, as the reader's view 5)."""

from __future__ import annotations

from reader.cli.context import EXIT_NOT_FOUND, EXIT_OK, Context
from reader.cli.output import err, out, paper_json, print_json
from reader.domain.annotations import Annotations
from reader.library.for_you import because_line, for_you


def cmd_rank(ctx: Context) -> int:
    state = ctx.state()
    library = ctx.library()
    tag = ctx.args.tag
    tagged = Annotations.load(state).ids_with_tag(tag) if tag is not None else None
    starred = state.starred_ids()
    ranking = for_you(library, starred, state.read_ids(), ctx.muted(), tagged, tag, limit=ctx.args.limit)
    shown = [(item, paper) for item in ranking.ranked if (paper := library.paper(item.id)) is not None]
    if ctx.args.json:
        records = []
        for item, paper in shown:
            record = paper_json(paper, False, paper.id in starred, item.score)  # unread: read papers are left out
            record["because"] = list(item.because)
            records.append(record)
        print_json(records)
    else:
        for item, paper in shown:
            out(f"{paper.id}  {paper.title}")
            out(f"    {because_line(item.because)}")
    if not shown and ranking.empty_reason:
        err(ranking.empty_reason)
    return EXIT_OK if shown else EXIT_NOT_FOUND
