"""The views (All / Unread / Starred / New), the saved views, the digests, newest first, the
tags and the mute rules, with live counts.

While a query is active the counts are the query's hits: "12 of 340" for a view (hits of
papers in it), "3 of 100" for a digest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from reader.domain.library_view import DigestInfo
from reader.domain.tags import ANY_TAG
from reader.domain.views import View
from reader.tui.filter_data import FilterData
from reader.tui.widgets.virtual_list import VirtualList

ACTIVE_MARK = "▸"


@dataclass(frozen=True)
class FilterRow:
    kind: str  # "view", "saved", "all-digests", "digest", "digest-news", "all-tags", "tag", "mute" or "heading"
    label: str
    count: str = ""
    view: View | None = None
    digest_id: int | None = None
    tag: str | None = None
    hits: bool = False  # the count is the query's hits
    rule: str | None = None


UNSELECTABLE = ("heading", "digest-news")


def digest_news_row(data: FilterData, info: DigestInfo) -> list[FilterRow]:
    """Under a digest: how many of its entries first appeared there, how many were seen before."""
    news = data.digest_news.get(info.id)
    if news is None:
        return []
    return [FilterRow("digest-news", f"{news.new:,} new · {news.seen_before:,} seen", digest_id=info.id)]


def mute_rows(data: FilterData) -> list[FilterRow]:
    """The mute rules with how many papers each hides; enter on one offers to delete it."""
    if not data.mute_counts:
        return []
    heading = "Muted (shown: H hides)" if data.muted_shown else "Muted (H shows)"
    rows = [FilterRow("heading", ""), FilterRow("heading", heading)]
    rows += [FilterRow("mute", rule, f"{count:,}", rule=rule) for rule, count in data.mute_counts]
    return rows


DigestRows = dict[tuple, list[FilterRow]]  # (digest id, unread, total, news) -> its rows


def digest_rows(data: FilterData, known: DigestRows) -> list[FilterRow]:
    """Each digest's row with its unread / total, and the new and seen line under it. Rows
    built before for the same counts are taken from `known` (a thousand digests, of which a
    mark changes one or two)."""
    rows: list[FilterRow] = []
    counts, news = data.digest_counts, data.digest_news
    for info in data.digests:
        unread, total = counts.get(info.id, (0, info.entries))
        key = (info.id, unread, total, news.get(info.id))  # the cache is emptied when the digests change
        built = known.get(key)
        if built is None:
            built = [FilterRow("digest", info.label, f"{unread:,}/{total:,}", digest_id=info.id)]
            built += digest_news_row(data, info)
            known[key] = built
        rows += built
    return rows


def filter_rows(data: FilterData, known: DigestRows | None = None) -> list[FilterRow]:
    counts = data.counts
    view_count = {
        View.ALL: counts.total if counts else None,
        View.UNREAD: counts.unread if counts else None,
        View.STARRED: counts.starred if counts else None,
        View.NEW: data.new_count,
        View.FOR_YOU: None,  # ranked when shown
    }
    rows = [
        FilterRow("view", view.title, f"{view_count[view]:,}" if view_count[view] is not None else "", view=view)
        for view in View
    ]
    rows.extend(saved_view_rows(data))
    rows.append(FilterRow("heading", ""))
    rows.append(FilterRow("heading", "Digests"))
    rows.append(FilterRow("all-digests", "All digests", f"{len(data.digests):,}" if data.digests else ""))
    rows += digest_rows(data, {} if known is None else known)
    rows += tag_rows(data)
    rows.extend(mute_rows(data))
    return _with_hit_counts(rows, data)


def tag_rows(data: FilterData) -> list[FilterRow]:
    """The Tags section: shown once any paper has a tag."""
    if not data.tag_counts:
        return []
    rows = [FilterRow("heading", ""), FilterRow("heading", "Tags")]
    rows.append(FilterRow("all-tags", "Any tag", f"{data.tagged:,}", tag=ANY_TAG))
    rows += [FilterRow("tag", f"#{tag}", f"{count:,}", tag=tag) for tag, count in data.tag_counts.items()]
    return rows


def saved_view_rows(data: FilterData) -> list[FilterRow]:
    """The "Saved" section: each saved view with how many papers it lists (blank until counted)."""
    if not data.saved_views:
        return []
    rows = [FilterRow("heading", ""), FilterRow("heading", "Saved")]
    for saved in data.saved_views:
        count = data.saved_counts.get(saved.name)
        rows.append(FilterRow("saved", saved.name, f"{count:,}" if count is not None else ""))
    return rows


def _with_hit_counts(rows: list[FilterRow], data: FilterData) -> list[FilterRow]:
    """Counts turned into "hits of papers" while a query is active."""
    hits = data.hits
    if hits is None:
        return rows
    counts = data.counts
    totals = {
        View.ALL: counts.total if counts else None,
        View.UNREAD: counts.unread if counts else None,
        View.STARRED: counts.starred if counts else None,
        View.NEW: data.new_count,
        View.FOR_YOU: None,  # ranked when shown
    }
    found = {**hits.views, View.NEW: data.new_hits}
    entries = {info.id: info.entries for info in data.digests}

    def of(found: int, total: int | None) -> str:
        return f"{found:,} of {total:,}" if total is not None else f"{found:,}"

    changed = []
    for row in rows:
        if row.kind == "view" and row.view is not None and found.get(row.view) is not None:
            row = replace(row, count=of(found[row.view] or 0, totals.get(row.view)), hits=True)
        elif row.kind == "digest" and row.digest_id is not None:
            total = data.digest_counts.get(row.digest_id, (0, entries.get(row.digest_id, 0)))[1]
            row = replace(row, count=of(hits.digests.get(row.digest_id, 0), total), hits=True)
        changed.append(row)
    return changed


class FilterList(VirtualList):
    """One focusable list for both choices; enter or a click applies the row."""

    COMPONENT_CLASSES = {
        "filter-list--cursor",
        "filter-list--active",
        "filter-list--heading",
        "filter-list--count",
        "filter-list--done",
        "filter-list--hits",
        "filter-list--news",
    }

    DEFAULT_CSS = """
    FilterList {
        background: $surface;
        & > .filter-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .filter-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .filter-list--active { color: $text-primary; text-style: bold; }
        & > .filter-list--heading { color: $text-muted; text-style: bold; }
        & > .filter-list--count { color: $text-muted; }
        & > .filter-list--done { color: $text-muted; }
        & > .filter-list--hits { color: $text-accent; }
        & > .filter-list--news { color: $text-muted; text-style: italic; }
    }
    """

    data: reactive[FilterData] = reactive(FilterData, init=False, repaint=False)

    class ViewChosen(Message):
        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    class SavedViewChosen(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class DigestChosen(Message):
        def __init__(self, digest_id: int | None) -> None:
            super().__init__()
            self.digest_id = digest_id

    class TagChosen(Message):
        def __init__(self, tag: str | None) -> None:
            super().__init__()
            self.tag = tag
    class MuteRuleChosen(Message):
        def __init__(self, rule: str) -> None:
            super().__init__()
            self.rule = rule

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[FilterRow] = []
        self._digest_rows: DigestRows = {}

    def watch_data(self, old: FilterData, data: FilterData) -> None:
        previous = self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None
        if data.digests is not old.digests or len(self._digest_rows) > 4 * len(data.digests):
            self._digest_rows = {}  # other digests (a sync): the rows built for the old ones go
        old_rows, self._rows = self._rows, filter_rows(data, self._digest_rows)
        cursor = self.cursor
        if previous is not None and not _same(self._rows[cursor] if cursor < len(self._rows) else None, previous):
            # stay on the same view or digest while counts change
            cursor = next((i for i, row in enumerate(self._rows) if _same(row, previous)), cursor)
        if len(self._rows) != self.row_count:
            self.set_row_count(len(self._rows), cursor)
        elif _active_changed(old, data):
            self.refresh_rows()
        else:  # only counts changed (a mark, a recount): redraw the rows whose count did
            rows = self._rows
            self.refresh_some_rows(lambda index: index >= len(old_rows) or rows[index] != old_rows[index])

    def selectable(self, index: int) -> bool:
        return 0 <= index < len(self._rows) and self._rows[index].kind not in UNSELECTABLE

    def row_at(self, index: int) -> FilterRow | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def choose(self, index: int) -> None:
        row = self.row_at(index)
        if row is None:
            return
        if row.kind == "view" and row.view is not None:
            self.post_message(self.ViewChosen(row.view))
        elif row.kind in ("digest", "all-digests"):
            self.post_message(self.DigestChosen(row.digest_id))
        elif row.kind in ("tag", "all-tags"):
            self.post_message(self.TagChosen(None if self._active(row) else row.tag))  # again: off
        elif row.kind == "saved":
            self.post_message(self.SavedViewChosen(row.label))
        elif row.kind == "mute" and row.rule is not None:
            self.post_message(self.MuteRuleChosen(row.rule))

    def _active(self, row: FilterRow) -> bool:
        if row.kind == "view":
            return row.view == self.data.view
        if row.kind == "all-digests":
            return self.data.digest_id is None
        if row.kind in ("tag", "all-tags"):
            return row.tag == self.data.tag
        if row.kind == "saved":
            return row.label == self.data.saved_active
        return row.kind == "digest" and row.digest_id == self.data.digest_id

    def render_row(self, index: int, width: int, cursor: bool) -> Strip:
        row = self._rows[index]
        base = self.get_visual_style("filter-list--cursor") if cursor else self.get_visual_style()

        def part(name: str):
            return self.get_visual_style(name, partial=True)

        if row.kind == "heading":
            line = Content(f" {row.label}").stylize(part("filter-list--heading"))
        elif row.kind == "digest-news":
            line = Content(f"    {row.label}").stylize(part("filter-list--news"))
        else:
            active = self._active(row)
            label = Content(row.label)
            if active:
                label = label.stylize(part("filter-list--active"))
            count_style = "filter-list--count"
            if row.hits:
                count_style = "filter-list--hits" if not row.count.startswith("0 ") else "filter-list--done"
            elif row.kind == "digest" and row.count.startswith("0/"):
                count_style = "filter-list--done"  # nothing left to read in it
            count = Content(row.count).stylize(part(count_style))
            room = max(0, width - 3 - count.cell_length - 2)
            line = Content.assemble(
                " ",
                (ACTIVE_MARK if active else " ", part("filter-list--active")),
                " ",
                label.truncate(room, ellipsis=True, pad=True),
                " ",
                count,
                " ",
            )
        return Strip(line.render_segments(base)).adjust_cell_length(width, base.rich_style)


def _active_changed(old: FilterData, new: FilterData) -> bool:
    """Another view, digest, tag or saved view is active: the ▸ moves."""
    return (old.view, old.digest_id, old.tag, old.saved_active) != (new.view, new.digest_id, new.tag, new.saved_active)


def _same(row: FilterRow | None, other: FilterRow) -> bool:
    if row is None:
        return False
    same = (row.kind, row.view, row.digest_id, row.tag, row.rule) == (
        other.kind, other.view, other.digest_id, other.tag, other.rule
    )
    return same and (row.kind != "saved" or row.label == other.label)
