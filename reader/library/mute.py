"""Mute rules: saved queries whose papers leave every view until shown again.

A rule is a search as typed in the box (`title:survey`, `"reinforcement learning" robot`,
`digest:"Mar 14"`), matched word for word (no prefix while typing). Rules live in the state
database per profile; the papers they hide are computed here as one id set, so views and
counts drop them with a set lookup.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reader.domain.cancel import CancelToken, SearchTimedOut
from reader.domain.library_view import LibraryView
from reader.library.library import Library
from reader.search.query import ParsedQuery, parse_query

# A rule is run on every start: one that takes longer than this is stopped (it hides nothing
# until it is made narrower) and reported by name.
RULE_TIME_LIMIT = 3.0


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
    if parsed.query is None and not parsed.digests and not parsed.meta:
        raise BadRule("type words to match, e.g. title:survey")
    return parsed


@dataclass(frozen=True, eq=False)
class Muting:
    """What each rule hides, and every hidden paper."""

    hidden_by: Mapping[str, frozenset[str]] = field(default_factory=dict)  # rule -> paper ids
    ids: frozenset[str] = frozenset()
    notices: tuple[str, ...] = ()  # e.g. a rule too slow to run

    @property
    def rules(self) -> list[str]:
        return list(self.hidden_by)


def match_rules(library: Library, rules: Iterable[str], time_limit: float = RULE_TIME_LIMIT) -> Muting:
    """Run each rule over the library (blocking: call it off the UI thread); a rule slower
    than `time_limit` seconds is stopped, hides nothing and is named in a notice."""
    if not library.fast.loaded:
        # At start-up, before the sync loads it: mapped in a fraction of the time Whoosh takes
        # to list every matching paper of a 100,000-paper index.
        library.fast.load()
    hidden_by: dict[str, frozenset[str]] = {}
    notices: list[str] = []
    for rule in rules:
        hidden_by[rule] = frozenset()  # a bad or slow rule is kept, so it can be listed and deleted
        try:
            parsed = parse_rule(rule)
        except BadRule:
            continue
        started = time.monotonic()
        try:
            hidden_by[rule] = frozenset(library.search(parsed, cancel=CancelToken(time_limit)).ids)
        except SearchTimedOut:
            notices.append(f"The mute rule {rule} took over {time_limit:g} s and was skipped: it hides nothing "
                           "until it is narrowed or deleted (ctrl+p).")
            continue
        if time.monotonic() - started > time_limit:  # a part of the search that cannot stop early
            notices.append(f"The mute rule {rule} took {time.monotonic() - started:.0f} s to run; "
                           "a narrower rule starts faster.")
    everything: frozenset[str] = frozenset().union(*hidden_by.values()) if hidden_by else frozenset()
    return Muting(hidden_by, everything, tuple(notices))


def without_muted(view: LibraryView, muted: frozenset[str]) -> LibraryView:
    """The view with the muted papers taken out of its papers, order and digests (O(papers))."""
    if not muted:
        return view
    papers = {pid: summary for pid, summary in view.papers.items() if pid not in muted}
    order = [pid for pid in view.order if pid not in muted]
    members = {digest_id: ids - muted for digest_id, ids in view.papers_in_digest.items()}
    return LibraryView(view.digests, papers, order, members, view.rejected)
