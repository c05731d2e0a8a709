"""Commands that look at the papers: digests, search, show, similar and stats."""

from __future__ import annotations

import shutil
import textwrap

from reader.cli.context import EXIT_NOT_FOUND, EXIT_OK, CommandError, Context
from reader.cli.output import err, out, paper_json, print_json, say_muted, status_marks
from reader.cli.stats_summary import gather_stats, summary_lines
from reader.cli.views import saved_view
from reader.domain.annotations import Annotations
from reader.domain.links import listed_links
from reader.domain.models import Paper
from reader.domain.paper_meta_text import meta_lines
from reader.domain.text import escape_name
from reader.library.library import Library
from reader.library.provenance import provenance
from reader.library.saved_views import run_saved_view
from reader.search.similar import similar_papers


def paper_by_id(library: Library, text: str) -> Paper:
    """The paper a user named by its id or a unique prefix of it."""
    try:
        pid = library.resolve_id(text)
    except KeyError as error:
        raise CommandError(error.args[0]) from None
    paper = library.paper(pid)
    if paper is None:
        raise CommandError(f"no paper with id {text!r}")
    return paper


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
        print_json(rows)
        return 0
    for row in rows:
        date = row["date"] or "undated"
        out(
            f"{escape_name(row['label']):<24} {date:<10}  {row['entries']:>5} entries  {row['new']:>5} new  "
            f"{row['seen_before']:>5} seen before  {row['unread']:>5} unread  {escape_name(row['file'])}"
        )
    return 0


def cmd_search(ctx: Context) -> int:
    if (ctx.args.query is None) == (ctx.args.view is None):
        raise CommandError("give a query or --view NAME (one of the two)")
    state = ctx.state()
    saved = saved_view(state, ctx.args.view) if ctx.args.view is not None else None
    library = ctx.library()
    read_ids, starred_ids = state.read_ids(), state.starred_ids()
    annotations = Annotations.load(state)
    hidden = ctx.hidden()
    limit = ctx.args.limit + len(hidden)  # enough hits to fill the limit once the muted ones are out
    if saved is not None:
        result = run_saved_view(
            library, saved, read_ids, starred_ids, limit=limit, annotations=annotations, sort=ctx.args.sort
        )
    else:  # without --sort: the engine's order (by relevance with words, else by date)
        query = library.plan(ctx.args.query)
        result = library.search(
            query, read_ids, starred_ids, limit=limit, annotations=annotations, sort=ctx.args.sort
        )
    for notice in result.notices:
        err(f"reader: {notice}")
    say_muted(sum(pid in hidden for pid in result.ids))
    shown = [pid for pid in result.ids if pid not in hidden][: ctx.args.limit]
    papers = [paper for paper in (library.paper(pid) for pid in shown) if paper is not None]
    found = EXIT_OK if papers else EXIT_NOT_FOUND  # as grep: a script can test for hits
    if ctx.args.json:
        scores = result.scores or {}
        print_json([paper_json(p, p.id in read_ids, p.id in starred_ids, scores.get(p.id)) for p in papers])
        return found
    for paper in papers:
        seen = paper.appearances[0].label if paper.appearances else ""
        marks = status_marks(paper.id in read_ids, paper.id in starred_ids)
        out(f"{marks} {paper.id}  {paper.title}  ({seen})")
    if not papers:
        err("no papers match")
    return found


def cmd_show(ctx: Context) -> int:
    library = ctx.library()
    paper = paper_by_id(library, ctx.args.id)
    mark = ctx.state().mark(paper.id)
    annotations = Annotations.load(ctx.state())
    tags, note = annotations.tags.get(paper.id, ()), annotations.notes.get(paper.id)
    if ctx.args.json:
        record = paper_json(paper, mark.read, mark.starred)
        del record["score"]
        record.update(abstract=paper.abstract, read_at=mark.read_at, starred_at=mark.starred_at)
        record.update(tags=list(tags), note=note)
        print_json(record)
        return 0
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    status = ", ".join(
        part for part in ("read" if mark.read else "unread", "starred" if mark.starred else "") if part
    )
    out(paper.title)
    out(f"id {paper.id} · {status}")
    out(f"seen in {len(paper.appearances)} digest{'s' if len(paper.appearances) != 1 else ''}: "
        + ", ".join(f"{a.dated_label} (#{a.position})" for a in paper.appearances))
    for line in meta_lines(paper.meta):  # a fetched paper's authors, arXiv id, date, counts, keywords
        out(line.label + line.text)
    if tags:
        out("tags: " + " ".join(f"#{tag}" for tag in tags))
    if note:
        out()
        out("Note:")
        out(textwrap.indent(note, "  "))
    out()
    out(textwrap.fill(paper.abstract or "(no abstract)", width=width))
    links = listed_links(paper)
    if links:
        out()
        for number, (label, url) in enumerate(links, start=1):
            out(f"[{number}] {label + '  ' if label else ''}{url}")
    return 0


def cmd_similar(ctx: Context) -> int:
    library = ctx.library()
    paper = paper_by_id(library, ctx.args.id)
    found = similar_papers(library, paper.id, ctx.args.limit)
    state = ctx.state()
    marks = state.marks([item.id for item in found])
    if ctx.args.json:
        records = []
        for item in found:
            similar = library.paper(item.id)
            if similar is not None:
                records.append(paper_json(similar, marks[item.id].read, marks[item.id].starred, item.score))
        print_json(records)
        return 0
    out(f"like: {paper.title}")
    for item in found:
        out(f"{status_marks(marks[item.id].read, marks[item.id].starred)} {item.id}  {item.title}")
    if not found:
        err("no similar papers found")
    return 0


def cmd_stats(ctx: Context) -> int:
    view = ctx.library().view()
    state = ctx.state()
    muted = ctx.muted().intersection(view.papers)
    ids = set(view.papers) - (frozenset() if ctx.args.include_muted else muted)
    read_ids, starred_ids = state.read_ids(), state.starred_ids()
    read = len(ids & read_ids)
    starred = len(ids & starred_ids)
    stats = {
        "papers": len(ids),
        "digests": len(view.digests),
        "entries": sum(info.entries for info in view.digests),
        "read": read,
        "unread": len(ids) - read,
        "starred": starred,
        "muted": len(muted),  # hidden by mute rules: not in the counts above unless --include-muted
    }
    series = gather_stats(ctx, read_ids, starred_ids)
    if ctx.args.json:
        print_json(stats | series.as_json())
    else:
        for key, value in stats.items():
            out(f"{key:<8} {value:>7,}")
        for line in summary_lines(series):
            out(line)
    return 0
