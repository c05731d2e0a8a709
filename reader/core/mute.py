"""Mute rules: saved queries whose papers leave every view until shown again.

A rule is a search as typed in the box (`title:survey`, `"reinforcement learning" robot`,
`digest:"Mar 14"`), matched word for word (no prefix while typing). Rules live in the state
database per profile; the papers they hide are computed here as one id set, so views and
counts drop them with a set lookup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reader.core.library import Library, LibraryView
from reader.core.query import ParsedQuery, parse_query


class BadRule(ValueError):
    """A mute query that would not match anything sensible; the message says why."""


def parse_rule(text: str) -> ParsedQuery:
    """The rule as a query, or BadRule: no words, only is: filters, or unparseable."""
    text = text.strip()
    if not text:
        raise BadRule("type a search to mute, e.g. title:survey")
    parsed = parse_query(text + " ")  # a finished query: the last word is not a prefix
    if parsed.statuses:
        raise BadRule("is: filters cannot mute papers (read and starred change all the time)")
    if parsed.notices:
        raise BadRule(parsed.notices[0])
    if parsed.query is None and not parsed.digests:
        raise BadRule("type words to match, e.g. title:survey")
    return parsed


@dataclass(frozen=True, eq=False)
class Muting:
    """What each rule hides, and every hidden paper."""

    hidden_by: Mapping[str, frozenset[str]] = field(default_factory=dict)  # rule -> paper ids
    ids: frozenset[str] = frozenset()

    @property
    def rules(self) -> list[str]:
        return list(self.hidden_by)


def match_rules(library: Library, rules: Iterable[str]) -> Muting:
    """Run each rule over the library (blocking: call it off the UI thread)."""
    if not library.fast.loaded:
        # At start-up, before the sync loads it: mapped in a fraction of the time Whoosh takes
        # to list every matching paper of a 100,000-paper index.
        library.fast.load()
    hidden_by: dict[str, frozenset[str]] = {}
    for rule in rules:
        try:
            parsed = parse_rule(rule)
        except BadRule:
            hidden_by[rule] = frozenset()  # kept, so it can still be listed and deleted
            continue
        hidden_by[rule] = frozenset(library.search(parsed).ids)
    everything: frozenset[str] = frozenset().union(*hidden_by.values()) if hidden_by else frozenset()
    return Muting(hidden_by, everything)


def without_muted(view: LibraryView, muted: frozenset[str]) -> LibraryView:
    """The view with the muted papers taken out of its papers, order and digests (O(papers))."""
    if not muted:
        return view
    papers = {pid: summary for pid, summary in view.papers.items() if pid not in muted}
    order = [pid for pid in view.order if pid not in muted]
    members = {digest_id: ids - muted for digest_id, ids in view.papers_in_digest.items()}
    return LibraryView(view.digests, papers, order, members)
