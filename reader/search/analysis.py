"""The one analysis of titles and abstracts: the analyzer, text -> terms, and the matched words.

The Whoosh index, the fast index, highlights and snippets all see words through this module,
so a word the search matched is the word that gets marked. `WORDS` analyses each distinct
token as written once for the life of the process: indexing, highlights and snippets share
that one cache.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.tokenizers import default_pattern
from whoosh.support.charset import accent_map

# Distinct tokens as written whose terms the cache remembers (an English vocabulary fits
# many times over); past it the cache starts again, so hostile text cannot grow it forever.
TERM_CACHE_MAX = 200_000
_STOPPED = ""  # cache value for a token the analyzer drops (real terms are never empty here)

TermFunction = Callable[[str], list[str]]
Span = tuple[int, int]


def make_analyzer():
    """One analyzer for title and abstract: fold accents, drop stop words, stem."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter(cachesize=100_000)
    )


ANALYZER = make_analyzer()


# Whoosh's default token pattern, [\w\*]+(\.?[\w\*]+)*, on ASCII text: runs of these bytes, a
# dot kept only between two of them. Checked against the regex in the tests.
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_*.")
_ASCII_TOKEN_TABLE = bytes(code if code in _WORD_BYTES else 32 for code in range(256))


def _default_tokens(findall: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """The default pattern's tokens: byte operations for ASCII text, the regex otherwise."""

    def tokens(text: str) -> list[str]:
        if not text.isascii():
            return findall(text)
        padded = b" " + text.encode("ascii").translate(_ASCII_TOKEN_TABLE) + b" "
        if b"." in padded:  # a dot next to a dot or a space is no part of a token
            padded = padded.replace(b"..", b"  ").replace(b". ", b"  ").replace(b" .", b"  ")
        return padded.decode("ascii").split()

    return tokens


# The default pattern with its group made non-capturing, so findall returns whole tokens.
_DEFAULT_FINDALL = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE).findall


def _chain_parts(analyzer):
    """The settings of the reader's analyzer chain, or None when it is another chain."""
    if not isinstance(analyzer, CompositeAnalyzer):
        return None
    kinds = [type(item) for item in analyzer.items]
    if kinds != [RegexTokenizer, LowercaseFilter, CharsetFilter, StopFilter, StemFilter]:
        return None
    tokenizer, _, charset, stop, stemmer = analyzer.items
    if tokenizer.gaps or not stop.renumber or getattr(stemmer, "lang", None):
        return None
    expression = tokenizer.expression
    if expression.pattern == default_pattern.pattern and expression.flags == default_pattern.flags:
        tokens = _default_tokens(_DEFAULT_FINDALL)
    else:
        tokens = lambda text: [match.group(0) for match in expression.finditer(text)]  # noqa: E731
    return tokens, expression, charset.charmap, stop.stops, stop.min, stop.max, stemmer.stemfn, stemmer.ignore


class WordAnalysis:
    """An analyzer's words: a text's terms, and where the words a query matched are.

    For the reader's chain (RegexTokenizer | Lowercase | CharsetFilter | StopFilter |
    StemFilter) both are the analyzer's computation without Whoosh's per-token objects:
    tokens from byte operations (ASCII text) or the tokenizer's regex, then one dict lookup
    per token (the fold/stop/stem of each distinct token is cached). Stop words are removed
    and the survivors are consecutive, which is what the StopFilter's renumbering does to
    positions. Any other chain falls back to calling the analyzer.
    """

    def __init__(self, analyzer) -> None:
        self.analyzer = analyzer
        self.cache: dict[str, str] = {}  # token as written -> its term (_STOPPED when dropped)
        self._chain = _chain_parts(analyzer)

    def fold(self, raw: str) -> str:
        """The term of one token as written (_STOPPED when the analyzer drops it), uncached."""
        if self._chain is None:
            return next((token.text for token in self.analyzer(raw)), _STOPPED)
        _, _, charmap, stops, minsize, maxsize, stem, ignore = self._chain
        text = raw.lower().translate(charmap)
        if len(text) < minsize or (maxsize is not None and len(text) > maxsize) or text in stops:
            return _STOPPED
        return text if text in ignore else stem(text)

    def terms(self, text: str) -> list[str]:
        """`text`'s analysed terms in order, exactly as the analyzer indexes them."""
        if self._chain is None:
            return [token.text for token in self.analyzer(text)]
        cache = self.cache
        raw = self._chain[0](text)
        found = list(map(cache.get, raw))
        if None in found:  # tokens not seen before
            if len(cache) >= TERM_CACHE_MAX:  # hostile input: unbounded distinct tokens
                cache.clear()
            for at, term in enumerate(found):
                if term is None:
                    found[at] = cache[raw[at]] = self.fold(raw[at])
        return list(filter(None, found))

    def spans(self, text: str, terms: Collection[str], prefixes: Collection[str]) -> list[Span]:
        """Character spans of the words of `text` whose term is one of `terms` or starts with
        one of `prefixes`: the words a query with those terms matched."""
        if not text or not (terms or prefixes):
            return []
        if self._chain is None:
            return self._analyzer_spans(text, terms, prefixes)
        starts = tuple(prefixes)
        cache = self.cache
        spans = []
        for match in self._chain[1].finditer(text):
            term = cache.get(match.group())
            if term is None:
                term = self._remember(match.group())
            if term and (term in terms or (starts and term.startswith(starts))):
                spans.append(match.span())
        return spans

    def _remember(self, raw: str) -> str:
        if len(self.cache) >= TERM_CACHE_MAX:  # hostile input: unbounded distinct tokens
            self.cache.clear()
        term = self.cache[raw] = self.fold(raw)
        return term

    def _analyzer_spans(self, text: str, terms: Collection[str], prefixes: Collection[str]) -> list[Span]:
        starts = tuple(prefixes)
        return [
            (token.startchar, token.endchar)
            for token in self.analyzer(text, chars=True, mode="index")
            if token.text in terms or token.text.startswith(starts)
        ]


WORDS = WordAnalysis(ANALYZER)


def make_term_function(analyzer=ANALYZER) -> TermFunction:
    """text -> its analysed terms in order, exactly as `analyzer` indexes them (the shared
    cache of WORDS for the reader's analyzer)."""
    return WORDS.terms if analyzer is ANALYZER else WordAnalysis(analyzer).terms


def match_spans(text: str, terms: Collection[str], prefixes: Collection[str]) -> list[Span]:
    """Character spans of the words in `text` that a query with these analysed terms and
    prefixes matched: the one matcher behind highlights and snippets."""
    return WORDS.spans(text, terms, prefixes)
