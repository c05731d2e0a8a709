"""What the user types -> reader filters plus a Whoosh query.

The search box takes Whoosh syntax (words are ANDed, "phrases", title: / abstract:,
prefix*, fuzzy~, OR, NOT) plus the reader's own filters: is:read, is:unread, is:starred,
is:unstarred, digest:LABEL, tag:TAG and note:WORDS, and the metadata filters author:, upvotes:,
comments:, has: and year: (reader.search.meta_query). Filters are applied as id sets (from the
state database, the catalog's metadata), so marking or tagging a paper never touches the index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import qparser
from whoosh.query import NullQuery, Prefix, Query, Term

from reader.domain.mark_filter import OPPOSITE, STATUSES
from reader.domain.text import fold
from reader.search.fuzzy import bounded_distance, leaves
from reader.search.index import make_schema
from reader.search.meta_query import META_FILTER_NAMES, MetaFilter, split_meta_filters

STATUS_FILTERS = STATUSES  # is:read and the like: see reader.domain.mark_filter
# Typing "tr" should not expand to every term starting with "tr": prefixes start at this length.
MIN_PREFIX_CHARS = 2
# A half-typed word is also matched to the indexed terms it starts with, if they are at
# least this long and half the word (`performanc` -> `perform`, `generaliza` -> `generaliz`
# and `gener`), so results do not vanish while typing past a stem.
MIN_STEM_CHARS = 5
# `NOT is:starred` or `-is:starred`: the opposite status (NOT in capitals, as the query's operators).
_NEGATED_STATUS = re.compile(r'(?<!\S)(?:NOT\s+|-)is:(\S+)')
_FILTER = re.compile(r'(?<!\S)(is|digest):(?:"([^"]*)"|(\S+))', re.IGNORECASE)
_ANNOTATION_FILTER = re.compile(r'(?<!\S)(tag|note):(?:"([^"]*)"|(\S+))', re.IGNORECASE)
_BARE_WORD = re.compile(r"(?<![\w:*~\"])(\w[\w\-]*)$")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_BINARY_OPERATORS = _OPERATORS - {"NOT"}
# What Whoosh reads as one piece: a "phrase" (closed or not), a bracket, or a run of anything else.
_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')
_FIELD_NAME = re.compile(r"([A-Za-z_]\w*):(?!//)")  # `name:`, not a URL's `https://`
_FIELDS = frozenset(make_schema().names())
_FILTER_NAMES = frozenset({"is", "digest", "tag", "note", *META_FILTER_NAMES})
_FILTERS_LISTED = ", ".join(f"{name}:" for name in ("is", "digest", "tag", "note", *META_FILTER_NAMES))


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the full-text part, as typed
    statuses: tuple[str, ...] = ()
    digests: tuple[str, ...] = ()
    query: Query | None = None  # None: no full-text part, list everything that passes the filters
    notices: tuple[str, ...] = field(default=())
    raw: str = ""  # everything as typed, filters included
    typing: bool = False  # the last word is still being typed (it is also matched as a prefix)
    tags: tuple[str, ...] = ()  # tag:TAG filters (all must hold)
    notes: tuple[str, ...] = ()  # note:WORDS filters (all must hold)
    # Parsed against the index's terms: a half-typed last word also matches the indexed
    # stems it has run past (see `_with_last_word_as_prefix`); the search need not parse again.
    stems_checked: bool = False
    shown_query: Query | None = None  # when those stems were added: the query as typed, to mark words
    meta: tuple[MetaFilter, ...] = ()  # author:, upvotes:, comments:, has:, year: (all must hold)

    @property
    def has_text(self) -> bool:
        return self.query is not None

    @property
    def marked_query(self) -> Query | None:
        """The query whose words are marked in shown text: as typed, without the stems
        matched in the index (which only keep results from vanishing while typing)."""
        return self.shown_query if self.shown_query is not None else self.query


def _parser() -> qparser.MultifieldParser:
    parser = qparser.MultifieldParser(["title", "abstract"], make_schema())
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


_PARSER = _parser()
_PLAIN_PARSER = qparser.MultifieldParser(
    ["title", "abstract"], make_schema(), plugins=[qparser.WhitespacePlugin()]
)


def split_filters(raw: str) -> tuple[str, list[str], list[str], list[str]]:
    """Pull is: and digest: out of the text; returns (rest, statuses, digests, notices)."""
    statuses: list[str] = []
    digests: list[str] = []
    notices: list[str] = []

    def take(match: re.Match[str]) -> str:
        kind = match.group(1).lower()
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if kind == "is":
            if value.lower() in STATUS_FILTERS:
                statuses.append(value.lower())
            else:
                notices.append(f"unknown filter is:{value} (use {', '.join('is:' + s for s in STATUS_FILTERS)})")
        elif value:
            digests.append(value)
        return " "

    def take_negated(match: re.Match[str]) -> str:
        value = match.group(1).lower()
        if value in OPPOSITE:
            statuses.append(OPPOSITE[value])
        else:
            notices.append(f"unknown filter is:{match.group(1)} (use {', '.join('is:' + s for s in STATUS_FILTERS)})")
        return " "

    rest = _FILTER.sub(take, _NEGATED_STATUS.sub(take_negated, raw))
    return rest, statuses, digests, notices


def split_annotation_filters(raw: str) -> tuple[str, list[str], list[str]]:
    """Pull tag: and note: out of the text; returns (rest, tags, notes)."""
    found: dict[str, list[str]] = {"tag": [], "note": []}

    def take(match: re.Match[str]) -> str:
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if value and value.strip():
            found[match.group(1).lower()].append(value.strip())
        return " "

    rest = _ANNOTATION_FILTER.sub(take, raw)
    return rest, found["tag"], found["note"]


def _with_last_word_as_prefix(text: str, known_term: Callable[[str], bool] | None) -> str:
    """`... word` -> `... (word OR word*)`, so results appear while typing.

    The index holds stems, so a half-typed word can run past its stem (`learni` after
    `learn`) and a prefix alone would find nothing; with `known_term` the indexed terms
    that the typed word starts with are tried too.
    """
    match = _BARE_WORD.search(text)
    if not match or match.group(1).upper() in _OPERATORS or len(match.group(1)) < MIN_PREFIX_CHARS:
        return text
    word = match.group(1)
    folded = fold(word)
    alternatives = [word, f"{folded}*"]
    if known_term:
        alternatives += _indexed_stems_of(folded, known_term)
    return f"{text[: match.start()]}({' OR '.join(alternatives)})"


def _indexed_stems_of(folded: str, known_term: Callable[[str], bool]) -> list[str]:
    shortest = max(MIN_STEM_CHARS, (len(folded) + 1) // 2)
    return [folded[:length] for length in range(len(folded) - 1, shortest - 1, -1) if known_term(folded[:length])]


def parse_query(raw: str, known_term: Callable[[str], bool] | None = None) -> ParsedQuery:
    """Never raises: a query Whoosh cannot parse falls back to plain words, with a notice.

    `known_term(text)` says whether the index holds a term; it lets a half-typed word
    match the stem it has run past (see `_with_last_word_as_prefix`).
    """
    without_annotations, tags, notes = split_annotation_filters(raw)
    without_filters, statuses, digests, notices = split_filters(without_annotations)
    rest, meta, meta_notices = split_meta_filters(without_filters)
    notices += meta_notices
    text = rest.strip()
    query = shown = None
    typing = bool(text) and not raw.endswith(" ")
    if text:
        searched, closing, syntax_notice = _without_syntax_errors(text)
        field_notices_at = len(notices)
        if searched:
            typed = _with_last_word_as_prefix(searched, None) if typing else searched
            stemmed = _with_last_word_as_prefix(searched, known_term) if typing and known_term else typed
            query = _parse_text(stemmed + closing, notices)
            if stemmed != typed:
                shown = _parse_text(typed + closing, [])
        notices[field_notices_at:field_notices_at] = _unknown_field_notices(text, searched=query is not None)
        if syntax_notice:
            notices.insert(0, syntax_notice if query is not None else f"{syntax_notice}; no words left to search for")
        elif query is None:
            notices.append(f"no words to search for in {text!r} (one-letter and very common words are skipped)")
    if query is not None:
        query = bounded_distance(query, notices)
    if shown is not None:
        shown = bounded_distance(shown, [])
    return ParsedQuery(
        text, tuple(statuses), tuple(digests), query, tuple(notices), raw, typing, tuple(tags), tuple(notes),
        stems_checked=known_term is not None, shown_query=shown, meta=tuple(meta),
    )


def _without_syntax_errors(text: str) -> tuple[str, str, str | None]:
    """(the text repaired so Whoosh reads what the user meant, the `)` that close it, and a
    one-line notice of the repairs: None when the text is well formed). Whoosh would drop
    such parts silently, or all of the query (`(( AND`), which lists every paper.

    An unclosed quote is taken out (its words are searched one by one), an unclosed `(` is
    closed at the end, an unmatched `)` and an operator without its words are left out."""
    repairs: list[str] = []
    quote = next((start for start, token in _tokens(text) if token.startswith('"') and not _closed(token)), None)
    if quote is not None:
        # `abstract:"mixture of` -> `abstract:mixture of`: the field keeps its first word
        text = text[:quote] + ("" if text[quote - 1 : quote] == ":" else " ") + text[quote + 1 :]
        repairs.append("an unclosed quote (its words are searched one by one)")
    opened, unmatched = _unbalanced_brackets(_tokens(text))
    closing = ")" * opened
    if opened:
        repairs.append(f'{"an" if opened == 1 else opened} unclosed "(" (closed at the end)')
    if unmatched:
        repairs.append(f'{"an" if len(unmatched) == 1 else len(unmatched)} unmatched ")" (left out)')
    tokens = _tokens(text + closing)  # an operator right before the closing `)` has no word after it
    operators = _dangling_operators(tokens, set(unmatched))
    repairs += [f"{_operator_problem(name)} (left out)" for name in dict.fromkeys(tokens[i][1] for i in operators)]
    if not repairs:
        return text, "", None
    kept = list(text)
    for i in [*unmatched, *operators]:
        start, token = tokens[i]
        kept[start : start + len(token)] = [" "] * len(token)
    return "".join(kept).strip(), closing, "in the query: " + _join(repairs)


def _tokens(text: str) -> list[tuple[int, str]]:
    return [(match.start(), match.group()) for match in _TOKEN.finditer(text)]


def _closed(quoted: str) -> bool:
    return len(quoted) > 1 and quoted.endswith('"')


def _unbalanced_brackets(tokens: list[tuple[int, str]]) -> tuple[int, list[int]]:
    """How many `(` are never closed, and the positions (in tokens) of each `)` never opened."""
    depth = 0
    unmatched: list[int] = []
    for i, (_, token) in enumerate(tokens):
        if token == "(":
            depth += 1
        elif token == ")" and depth:
            depth -= 1
        elif token == ")":
            unmatched.append(i)
    return depth, unmatched


def _dangling_operators(tokens: list[tuple[int, str]], dropped: set[int]) -> list[int]:
    """Operators without the word(s) they need (`NOT` alone, `llm AND`, `x AND OR y`)."""
    found: list[int] = []
    while True:
        kept = [i for i in range(len(tokens)) if i not in dropped and i not in found]
        for position, i in enumerate(kept):
            token = tokens[i][1]
            if token not in _OPERATORS:
                continue
            before = tokens[kept[position - 1]][1] if position > 0 else None
            after = tokens[kept[position + 1]][1] if position + 1 < len(kept) else None
            no_word_after = after is None or after == ")" or after in _BINARY_OPERATORS
            no_word_before = before is None or before == "(" or before in _OPERATORS
            if no_word_after or (token in _BINARY_OPERATORS and no_word_before):
                found.append(i)
                break
        else:
            return found


def _operator_problem(name: str) -> str:
    return f"{name} without a word after it" if name == "NOT" else f"{name} without a word on each side"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _unknown_field_notices(text: str, searched: bool) -> list[str]:
    """`foo:bar` where foo is not a field: Whoosh searches it as plain words; say so, but only
    when words were `searched` (else another notice says that none were left)."""
    notices: list[str] = []
    for match in _TOKEN.finditer(text):
        field_match = _FIELD_NAME.match(match.group())
        if field_match is None or field_match.group(1) in _FIELDS or field_match.group(1).lower() in _FILTER_NAMES:
            continue
        plain_words = f"; {match.group()} was searched as plain words" if searched else ""
        notices.append(
            f"{field_match.group(1)} is not a field (fields: title:, abstract:; filters: {_FILTERS_LISTED})"
            + plain_words
        )
    return list(dict.fromkeys(notices))


def _parse_text(text: str, notices: list[str]) -> Query | None:
    query = _try_parse(_PARSER, text)
    if query is None:
        query = _try_parse(_PLAIN_PARSER, " ".join(re.findall(r"\w+", text)))
        if query is not None:
            notices.append("could not parse the query; searching for the plain words instead")
    return query


def _try_parse(parser: qparser.QueryParser, text: str) -> Query | None:
    try:
        query = parser.parse(text)
    except Exception:  # Whoosh raises many types on odd input
        return None
    return None if query is None or query is NullQuery else query


def query_terms(query: Query | None) -> tuple[set[str], set[str]]:
    """(analysed terms, folded prefixes) in the query: what to highlight in shown text."""
    terms: set[str] = set()
    prefixes: set[str] = set()
    if query is None:
        return terms, prefixes
    for part in leaves(query):
        if isinstance(part, Prefix):
            prefixes.add(str(part.text))
        elif isinstance(part, Term):
            terms.add(str(part.text))
        elif hasattr(part, "words"):  # phrases
            terms.update(str(word) for word in part.words)
        elif hasattr(part, "text"):
            prefixes.add(str(part.text).rstrip("*?~").split("~")[0])
    return terms, {prefix for prefix in prefixes if prefix}


