"""Muting papers by title: the mute rule that hides a paper whose title is this one.

The rule is the title as a phrase in the title field, `title:"attention is all you need"`,
written with the index's own tokens (the words the analyzer splits the title into), so it
matches the paper word for word and carries none of the title's punctuation into the query
language (no quotes, brackets, `field:` or operators). A title with no searchable word
(only stop words, say) gives no rule.
"""

from __future__ import annotations

from whoosh.analysis.tokenizers import default_pattern

from reader.library.mute import BadRule, parse_rule

# Every rule is searched at each start (reader.library.mute.match_rules): past this many titles
# at once, a search that covers them (M) is the better rule.
MAX_TITLE_RULES = 100


def title_rule(title: str) -> str | None:
    """The mute rule for papers titled `title`, or None when it could not match anything."""
    words = [match.group().replace("*", " ").strip() for match in default_pattern.finditer(title)]
    phrase = " ".join(word for word in words if word)
    if not phrase:
        return None
    # Operators typed in capitals (AND, OR, NOT) are words in a phrase, but lower case reads
    # the same to the analyzer and can never be taken for one.
    rule = f'title:"{phrase.lower()}"'
    try:
        parse_rule(rule)
    except BadRule:
        return None
    return rule


def title_rules(titles: list[str]) -> tuple[list[str], int]:
    """The rules for these titles, each once, and how many titles gave none."""
    rules = [title_rule(title) for title in titles]
    return list(dict.fromkeys(rule for rule in rules if rule)), sum(rule is None for rule in rules)
