"""Text from users and digests, made ready for Textual: always plain, never markup.

Queries, digest labels and file names, saved view names, mute rules, tags, notes, titles and
warnings may hold `[...]`, which Textual would read as markup: `[/]` crashes the app, `[b]`
changes the look, `[@click=app.quit]` runs an action. Every such string reaches a border,
the palette, a notification or a dialog through `plain` (or `plain_line`), which builds
`Content` directly and never parses it.
"""

from __future__ import annotations

from textual.content import Content
from textual.fuzzy import Matcher

from reader.domain.text import strip_controls

LINE_BREAK = "↵"  # shown for a line break in text that must stay on one line


def plain(text: str) -> Content:
    """`text` exactly as typed (terminal controls removed), never read as markup."""
    return Content(strip_controls(text))


def plain_line(text: str) -> Content:
    """`plain`, on one line: for borders, the palette and status lines, where a line break
    would hide the rest of the text."""
    return plain(text.replace("\r\n", LINE_BREAK).replace("\n", LINE_BREAK).replace("\r", LINE_BREAK))


def matched(matcher: Matcher, text: str) -> Content:
    """A palette entry with the letters the query matched highlighted, as `Matcher.highlight`
    does, except that the entry is plain text (`Matcher.highlight` parses it as markup)."""
    content = plain_line(text)
    candidate = content.plain
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
