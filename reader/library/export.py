"""Export papers (with the user's marks, tags and notes) as Markdown, JSON, CSV or BibTeX.

Digest text is untrusted: every format strips terminal control characters
again here, and escapes what its own syntax needs, so an exported file shows
exactly the text that was typed and cannot drive a terminal.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence

from reader.domain.annotations import Annotations
from reader.domain.links import arxiv_links
from reader.domain.models import Mark, Paper
from reader.domain.paper_meta import PaperMeta
from reader.domain.paper_meta_text import counts_line

FORMATS = ("md", "json", "csv", "bibtex")

# C0 (except tab/newline), DEL, C1 (incl. CSI \x9b) and bidi overrides that can
# disguise text.  \r is handled separately (normalised to \n).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def _clean_block(text: str) -> str:
    """Multi-line text (abstracts): keep tabs and newlines, drop controls."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _clean_line(text: str) -> str:
    """Single-line text (titles, ids, labels): controls dropped, spaces collapsed."""
    return _SPACES.sub(" ", _CONTROL.sub("", text.replace("\r", " "))).strip()


def _digest_date(paper: Paper) -> str | None:
    first = paper.first_seen
    return first.date.isoformat() if first and first.date else None


def export_papers(
    papers: Sequence[Paper],
    marks: Mapping[str, Mark],
    fmt: str,
    annotations: Annotations | None = None,
) -> str:
    """Render ``papers`` in ``fmt`` (one of FORMATS); unmarked papers count as unread.

    With ``annotations`` every format carries each paper's tags and note.
    """
    try:
        render = _RENDERERS[fmt]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}"
        ) from None
    return render(papers, marks, annotations or Annotations())


def _tags(annotations: Annotations, paper: Paper) -> list[str]:
    return [_clean_line(tag) for tag in annotations.tags.get(paper.id, ())]


def _note(annotations: Annotations, paper: Paper) -> str:
    return _clean_block(annotations.notes.get(paper.id, ""))


# -- JSON ------------------------------------------------------------------


def _json(papers: Sequence[Paper], marks: Mapping[str, Mark], annotations: Annotations) -> str:
    items = []
    for p in papers:
        mark = marks.get(p.id, Mark())
        items.append(
            {
                "id": _clean_line(p.id),
                "title": _clean_line(p.title),
                "abstract": _clean_block(p.abstract),
                "links": [_clean_line(link) for link in p.links],
                "digests": [
                    {
                        "label": _clean_line(a.label),
                        "date": a.date.isoformat() if a.date else None,
                        "position": a.position,
                    }
                    for a in p.appearances
                ],
                "read": mark.read,
                "starred": mark.starred,
                "tags": _tags(annotations, p),
                "note": _note(annotations, p) or None,
                **_meta_record(p),
            }
        )
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _meta_record(paper: Paper) -> dict[str, object]:
    """The metadata's keys, as `reader show --json` has them: null when the paper was not fetched."""
    record = (paper.meta or PaperMeta()).to_record()
    return {key: _clean_value(value) for key, value in record.items()}


def _clean_value(value: object) -> object:
    if isinstance(value, str):
        return _clean_line(value)
    if isinstance(value, list):
        return [_clean_line(item) if isinstance(item, str) else item for item in value]
    return value


# -- CSV -------------------------------------------------------------------


def _csv_cell(text: str) -> str:
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


_CSV_META = ("arxiv_id", "authors", "upvotes", "comments", "github", "github_stars", "project", "published",
             "keywords")


def _csv_meta(paper: Paper) -> list[str]:
    record = _meta_record(paper)
    cells = [record[key] for key in _CSV_META]
    return [_csv_cell("; ".join(c) if isinstance(c, list) else "" if c is None else str(c)) for c in cells]


def _csv(papers: Sequence[Paper], marks: Mapping[str, Mark], annotations: Annotations) -> str:
    out = io.StringIO()
    # "\n" line ends: a bare \r is a control character we never emit.
    writer = csv.writer(out, lineterminator="\n")
    # Fetched papers' metadata columns follow; a list of page copies keeps the columns it had.
    with_meta = any(p.meta is not None for p in papers)
    writer.writerow(
        ["id", "title", "first_seen", "digests", "links", "read", "starred", "abstract", "tags", "note"]
        + (list(_CSV_META) if with_meta else [])
    )
    for p in papers:
        mark = marks.get(p.id, Mark())
        writer.writerow(
            [
                _csv_cell(_clean_line(p.id)),
                _csv_cell(_clean_line(p.title)),
                _digest_date(p) or "",
                _csv_cell("; ".join(_clean_line(a.label) for a in p.appearances)),
                _csv_cell("; ".join(_clean_line(link) for link in p.links)),
                "true" if mark.read else "false",
                "true" if mark.starred else "false",
                _csv_cell(_clean_block(p.abstract)),
                _csv_cell("; ".join(_tags(annotations, p))),
                _csv_cell(_note(annotations, p)),
            ]
            + (_csv_meta(p) if with_meta else [])
        )
    return out.getvalue()


# -- Markdown --------------------------------------------------------------

# Inline syntax (emphasis, code, links, HTML, entities, strikethrough) ...
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&~])")
# ... and what starts a block at the beginning of a line (heading, quote, list).
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))", re.MULTILINE)
_SAFE_URL = re.compile(r"https?://[^\s<>]+")


def _md_escape(text: str) -> str:
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)),
        text,
    )


def _md(papers: Sequence[Paper], marks: Mapping[str, Mark], annotations: Annotations) -> str:
    parts = ["# Exported papers\n"]
    for p in papers:
        mark = marks.get(p.id, Mark())
        box = "[x]" if mark.read else "[ ]"
        star = " ★" if mark.starred else ""
        lines = [f"- {box} **{_md_escape(_clean_line(p.title))}**{star}"]
        if p.meta is not None:
            lines += _md_meta(p.meta)
        for link in p.links:
            link = _clean_line(link)
            shown = f"<{link}>" if _SAFE_URL.fullmatch(link) else _md_escape(link)
            lines.append(f"  - {shown}")
        first = p.first_seen
        if first is not None:
            seen = _digest_date(p) or _clean_line(first.label)
            lines.append(f"  - First seen: {_md_escape(seen)}")
        tags = _tags(annotations, p)
        if tags:
            lines.append(f"  - Tags: {_md_escape(', '.join(tags))}")
        note = _note(annotations, p)
        if note:
            # A quote inside the item: the note is set apart from the abstract.
            lines.append("  - Note:")
            for line in _md_escape(note).split("\n"):
                lines.append(f"    > {line.strip()}".rstrip())
        abstract = _clean_block(p.abstract)
        if abstract:
            lines.append("")
            # Indent every line so the abstract stays inside the list item;
            # blank lines become paragraph breaks.
            for line in _md_escape(abstract).split("\n"):
                lines.append(f"  {line.strip()}" if line.strip() else "")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def _md_link(url: str) -> str:
    url = _clean_line(url)
    return f"<{url}>" if _SAFE_URL.fullmatch(url) else _md_escape(url)


def _md_meta(meta: PaperMeta) -> list[str]:
    """A fetched paper's authors, arXiv id, date, counts, code and project links, keywords."""
    lines = []
    if meta.authors:
        lines.append(f"  - Authors: {_md_escape(', '.join(_clean_line(name) for name in meta.authors))}")
    if meta.arxiv_id:
        abstract = arxiv_links(meta.arxiv_id)[0][1]
        lines.append(f"  - {_md_escape('arXiv: ' + _clean_line(meta.arxiv_id))} ({_md_link(abstract)})")
    if meta.published:
        lines.append(f"  - Published: {meta.published.isoformat()}")
    counts = counts_line(meta)
    if counts:
        lines.append(f"  - {_md_escape(counts)}")
    for label, url in (("Code", meta.github), ("Project page", meta.project)):
        if url:
            lines.append(f"  - {label}: {_md_link(url)}")
    if meta.keywords:
        lines.append(f"  - Keywords: {_md_escape(', '.join(_clean_line(word) for word in meta.keywords))}")
    return lines


# -- BibTeX ----------------------------------------------------------------

# Braces use text commands so the field's own braces always balance (BibTeX
# counts even escaped braces).
_BIB_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIB_SPECIAL = re.compile("[" + re.escape("".join(_BIB_ESCAPES)) + "]")
_STOPWORDS = frozenset("a an the on of in for to and with from is are do does".split())


def _bib_escape(text: str) -> str:
    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES[m.group()], _clean_line(text))


def _bib_url(url: str) -> str:
    # URL fields are read verbatim by biblatex: percent-encode, don't TeX-escape.
    url = _clean_line(url)
    for char, code in (("%", "%25"), ("\\", "%5C"), ("{", "%7B"), ("}", "%7D"), (" ", "%20")):
        url = url.replace(char, code)
    return url


def _ascii_words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return re.findall(r"[a-z0-9]+", ascii_text.decode().lower())


def _bib_key_base(paper: Paper) -> str:
    """arXiv's own style for a fetched paper (`hinton2026speculative`: the first author's last
    name, the year, the first word of the title), else the first title word and the year."""
    words = _ascii_words(paper.title)
    content = [w for w in words if w not in _STOPWORDS] or words
    year = _year(paper)
    meta = paper.meta
    surname = _ascii_words(meta.authors[0])[-1:] if meta is not None and meta.arxiv_id and meta.authors else []
    if surname:
        return surname[0][:30] + (year or "") + "".join(content[:1])[:30]
    # First meaningful word; add the next one when it is too short to read.
    key = "".join(content[:2]) if content and len(content[0]) < 4 else "".join(content[:1])
    key = key[:30] or "paper"
    return key + (year or "")


def _year(paper: Paper) -> str | None:
    """The year published (a fetched paper), else the year of the digest that first listed it."""
    if paper.meta is not None and paper.meta.published is not None:
        return str(paper.meta.published.year)
    first = paper.first_seen
    return str(first.date.year) if first and first.date else None


def _bib_author(authors: Sequence[str]) -> str:
    # A name holding " and " is braced whole, so BibTeX does not split it into two people.
    names = [_bib_escape(name) for name in authors]
    return " and ".join(f"{{{name}}}" if " and " in f" {name.lower()} " else name for name in names)


def _bib_meta_fields(paper: Paper) -> list[tuple[str, str]]:
    """author, year, eprint and archivePrefix of a fetched paper (page copies have none)."""
    meta = paper.meta
    if meta is None:
        return []
    fields = []
    if meta.authors:
        fields.append(("author", _bib_author(meta.authors)))
    year = _year(paper)
    if year:
        fields.append(("year", year))
    if meta.arxiv_id:
        fields += [("eprint", _bib_escape(meta.arxiv_id)), ("archivePrefix", "arXiv")]
    return fields


def _bib_link(paper: Paper) -> str | None:
    """The arXiv abstract when the id is known, else the paper's first link."""
    if paper.meta is not None and paper.meta.arxiv_id:
        return arxiv_links(paper.meta.arxiv_id)[0][1]
    return paper.links[0] if paper.links else None


def _suffixes() -> Iterator[str]:
    # a, b, ..., z, aa, ab, ... (unbounded).
    n = 0
    while True:
        n += 1
        s, k = "", n
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(ord("a") + r) + s
        yield s


def _bibtex(papers: Sequence[Paper], marks: Mapping[str, Mark], annotations: Annotations) -> str:
    used: set[str] = set()
    entries = []
    for p in papers:
        base = _bib_key_base(p)
        key = base
        if key in used:
            key = next(base + s for s in _suffixes() if base + s not in used)
        used.add(key)
        fields = [("title", _bib_escape(p.title)), *_bib_meta_fields(p), ("abstract", _bib_escape(p.abstract))]
        link = _bib_link(p)
        if link:
            fields.append(("url", _bib_url(link)))
        if p.appearances:
            labels = ", ".join(_clean_line(a.label) for a in p.appearances)
            fields.append(("note", _bib_escape(f"Seen in: {labels}")))
        tags = _tags(annotations, p)
        if tags:
            fields.append(("keywords", _bib_escape(", ".join(tags))))
        note = _note(annotations, p)
        if note:
            # `annote` is BibTeX's field for the reader's own annotation; `note` stays
            # where the paper was seen, which bibliography styles print.
            fields.append(("annote", _bib_escape(note)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@misc{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


_RENDERERS = {"md": _md, "json": _json, "csv": _csv, "bibtex": _bibtex}


# -- writing a file ----------------------------------------------------------

EXTENSIONS = {"md": ".md", "json": ".json", "csv": ".csv", "bibtex": ".bib"}


def with_extension(path: str, fmt: str) -> str:
    """`path` with its export extension switched to ``fmt``'s (other names are kept)."""
    for extension in EXTENSIONS.values():
        if path.endswith(extension):
            return path[: -len(extension)] + EXTENSIONS[fmt]
    return path
