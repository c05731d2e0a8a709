"""The one analysis of titles and abstracts: the analyzer, and text -> analysed terms.

The Whoosh index, the fast index, highlights and snippets all see words through this module,
so a word the search matched is the word that gets marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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

# Distinct raw tokens whose terms one analysis run remembers (an English vocabulary fits).
TERM_CACHE_MAX = 100_000


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


TermFunction = Callable[[str], list[str]]
_STOPPED = ""  # cache value for a token the analyzer drops (real terms are never empty here)


def make_term_function(analyzer=ANALYZER) -> TermFunction:
    """text -> its analysed terms in order, exactly as `analyzer` indexes them.

    For the reader's chain (RegexTokenizer | Lowercase | CharsetFilter | StopFilter |
    StemFilter) this is the same computation without Whoosh's per-token objects: tokens from
    byte operations (ASCII text) or the tokenizer's regex, then one dict lookup per token (the
    fold/stop/stem of each distinct token is cached for the life of the function). Stop words
    are removed and the survivors are consecutive, which is what the StopFilter's renumbering
    does to positions. Any other chain falls back to calling the analyzer.
    """
    parts = _chain_parts(analyzer)
    if parts is None:
        return lambda text: [token.text for token in analyzer(text)]
    tokens, charmap, stops, minsize, maxsize, stem, ignore = parts
    cache: dict[str, str] = {}

    def fold_token(raw: str) -> str:
        text = raw.lower().translate(charmap)
        if len(text) < minsize or (maxsize is not None and len(text) > maxsize) or text in stops:
            return _STOPPED
        return text if text in ignore else stem(text)

    def terms(text: str) -> list[str]:
        raw = tokens(text)
        found = list(map(cache.get, raw))
        if None in found:  # tokens not seen before
            if len(cache) >= TERM_CACHE_MAX:  # hostile input: unbounded distinct tokens
                cache.clear()
            for at, term in enumerate(found):
                if term is None:
                    found[at] = cache[raw[at]] = fold_token(raw[at])
        return list(filter(None, found))

    return terms


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
    return tokens, charset.charmap, stop.stops, stop.min, stop.max, stemmer.stemfn, stemmer.ignore


# The default pattern with its group made non-capturing, so findall returns whole tokens.
_DEFAULT_FINDALL = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE).findall
