"""Tags and notes as the user types them: normalising, the `t` box's syntax, completion.

A tag is one lowercase word (letters, digits and `-_.+/`), so it reads the same in the
list, the filter pane, a `tag:` filter and an export, and never carries markup or spaces.
Notes are free text; only terminal controls are removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reader.domain.text import fold, strip_controls

ANY_TAG = "*"  # the filter pane's "Any tag": as `tag:*`, every paper with a tag
MAX_TAG_CHARS = 40
MAX_NOTE_CHARS = 20_000
_NOT_IN_TAG = re.compile(r"[^\w.+/-]+")
_SEPARATORS = re.compile(r"[\s,;]+")


def normalise_tag(text: str) -> str:
    """`  MoE ` -> `moe`, `Long Context` -> `long-context`; '' when nothing usable is left.

    Accents are kept (a tag is shown as typed), case is folded, inner spaces become `-`,
    anything else outside letters, digits and `-_.+/` is dropped.
    """
    cleaned = strip_controls(text).strip().casefold()
    cleaned = re.sub(r"\s+", "-", cleaned)
    cleaned = _NOT_IN_TAG.sub("", cleaned).strip("-+./")
    return cleaned[:MAX_TAG_CHARS].rstrip("-+./")


def normalise_note(text: str) -> str:
    """A note as stored: controls gone, line ends unified, outer blank space trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_controls(text).strip()


@dataclass(frozen=True)
class TagEdit:
    """What the `t` box asked for: tags to add and tags to remove (normalised)."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()  # words that held no usable character
    # (as typed, as kept) where the two differ: told to the user, not part of the edit itself
    changed: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)

    def changes(self) -> str:
        """What normalising did to the words typed, in one line ('' when nothing):
        "Tag `Bad!Tag` saved as `badtag`"."""
        if not self.changed:
            return ""
        parts = [
            f"`{typed}` {'saved' if tag in self.add else 'removed'} as `{tag}`" for typed, tag in self.changed
        ]
        return ("Tag " if len(parts) == 1 else "Tags ") + "; ".join(parts)


def parse_tag_edit(text: str) -> TagEdit:
    """`moe -survey, +rl` -> add moe and rl, remove survey.

    Words are separated by spaces, commas or semicolons; a leading `-` removes the tag, a
    leading `+` (or nothing) adds it. The last word about a tag wins.
    """
    wanted: dict[str, bool] = {}
    typed_as: dict[str, str] = {}  # tag -> the word it came from, as the user typed it
    ignored: list[str] = []
    for word in _SEPARATORS.split(text):
        if not word:
            continue
        adding = not word.startswith("-")
        typed = word.lstrip("+-")
        tag = normalise_tag(typed)
        if not tag:
            if word not in "+-":
                ignored.append(word)
            continue
        wanted.pop(tag, None)  # re-insert: keeps the order of the last mention
        wanted[tag] = adding
        typed_as[tag] = typed
    return TagEdit(
        tuple(tag for tag, adding in wanted.items() if adding),
        tuple(tag for tag, adding in wanted.items() if not adding),
        tuple(ignored),
        tuple((typed_as[tag], tag) for tag in wanted if typed_as[tag] != tag),
    )


def apply_tag_edit(current: Iterable[str], edit: TagEdit) -> tuple[str, ...]:
    """The tags after `edit`, sorted."""
    return tuple(sorted((set(current) | set(edit.add)) - set(edit.remove)))


def complete_tag(text: str, known: Iterable[str]) -> str | None:
    """`text` with its last, half-typed word completed from `known` tags; None when none fits.

    Works after a `-` or `+` too, so removing a tag is completed as well.
    """
    match = re.search(r"([+-]?)([^\s,;+-][^\s,;]*)$", text)
    if match is None:
        return None
    typed = normalise_tag(match.group(2))
    if not typed:
        return None
    candidates = sorted(tag for tag in known if tag.startswith(typed) and tag != typed)
    if not candidates:
        return None
    return text[: match.start(2)] + candidates[0]


def tag_counts(tags: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """tag -> how many papers carry it, most used first, then by name."""
    counts: dict[str, int] = {}
    for paper_tags in tags.values():
        for tag in paper_tags:
            counts[tag] = counts.get(tag, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def tags_label(tags: Iterable[str], width: int | None = None) -> str:
    """A compact form for one list row: as many whole tags as fit in `width`, then how many
    more (`#moe #rl +3`); a lone tag longer than the room is cut with an ellipsis."""
    tags = list(tags)
    words: list[str] = []
    for number, tag in enumerate(tags):
        rest = len(tags) - number - 1
        candidate = " ".join(words + [f"#{tag}"] + ([f"+{rest}"] if rest else []))
        if width is not None and len(candidate) > width:
            if not words:
                head = f"#{tag}"[: max(1, width - len(f" +{rest}") - 1 if rest else width - 1)] + "…"
                return head + (f" +{rest}" if rest else "")
            return " ".join(words + [f"+{len(tags) - number}"])
        words.append(f"#{tag}")
    return " ".join(words)


def tag_title(tag: str) -> str:
    """A chosen tag filter as titles show it: `#moe`, or `any tag`."""
    return "any tag" if tag == ANY_TAG else f"#{tag}"


def tag_key(text: str) -> str:
    """What a `tag:` filter compares: the normalised tag, accents folded."""
    return fold(normalise_tag(text))
