"""Text clean-up shared by parsing, indexing and display.

Digest text is untrusted: it may carry TeX escapes from arXiv abstracts, terminal escape
sequences or control characters. Everything the reader shows or indexes goes through
`clean_text` first.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# ANSI CSI / OSC / other ESC sequences, and their 8-bit C1 forms (CSI = \x9b, OSC = \x9d).
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI ... final byte
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # two-character escapes
)
# C0 and C1 controls, DEL, and bidirectional overrides that can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\u00a0]+")

_GREEK = {
    name: chr(code)
    for name, code in {
        "alpha": 0x3B1, "beta": 0x3B2, "gamma": 0x3B3, "delta": 0x3B4, "epsilon": 0x3B5,
        "varepsilon": 0x3B5, "zeta": 0x3B6, "eta": 0x3B7, "theta": 0x3B8, "vartheta": 0x3D1,
        "iota": 0x3B9, "kappa": 0x3BA, "lambda": 0x3BB, "mu": 0x3BC, "nu": 0x3BD, "xi": 0x3BE,
        "pi": 0x3C0, "varpi": 0x3D6, "rho": 0x3C1, "varrho": 0x3F1, "sigma": 0x3C3,
        "varsigma": 0x3C2, "tau": 0x3C4, "upsilon": 0x3C5, "phi": 0x3C6, "varphi": 0x3C6,
        "chi": 0x3C7, "psi": 0x3C8, "omega": 0x3C9, "Gamma": 0x393, "Delta": 0x394,
        "Theta": 0x398, "Lambda": 0x39B, "Xi": 0x39E, "Pi": 0x3A0, "Sigma": 0x3A3,
        "Upsilon": 0x3A5, "Phi": 0x3A6, "Psi": 0x3A8, "Omega": 0x3A9,
    }.items()
}
_GREEK_MACRO = re.compile(r"\\(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])")

# \'e, \'{e}, {\'e}, \"o, \^o, \`a, \~n, \c{c}, \v{s}, \u{a}, \={a}, \.{z}
_ACCENT_MARKS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b",
}
_ACCENT = re.compile(r"\{?\\([`'^\"~=.]|[cvuH](?=[{ ]))\s*(?:\{([A-Za-z])\}|([A-Za-z]))\}?")
_TEXT_COMMAND_NAMES = (
    r"\\(?:textbf|textit|emph|texttt|textrm|textsc|textsf|underline|mathrm|mathbf|mathit"
    r"|mathcal|mathbb|mathsf|mathtt|text|operatorname|boldsymbol)"
)
_TEXT_COMMAND = re.compile(_TEXT_COMMAND_NAMES + r"\{([^{}]*)\}")
_UNCLOSED_COMMAND = re.compile(_TEXT_COMMAND_NAMES + r"\{")  # e.g. a brace the author never closed
_OLD_STYLE_GROUP = re.compile(r"\{\\(?:it|bf|em|sl|sc|tt|rm)\s+([^{}]*)\}")
_ESCAPED_CHAR = re.compile(r"\\([%&_#$])")

_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"*"


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep newlines and tabs."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def _accent(match: re.Match[str]) -> str:
    letter = match.group(2) or match.group(3)
    return unicodedata.normalize("NFC", letter + _ACCENT_MARKS[match.group(1)])


def clean_tex(text: str) -> str:
    """Turn the TeX that leaks into arXiv abstracts into plain Unicode."""
    if "\\" not in text:
        return text
    text = _ESCAPED_CHAR.sub(r"\1", text)
    text = _ACCENT.sub(_accent, text)
    for _ in range(3):  # nested commands such as \textbf{\emph{x}}
        text, count = _TEXT_COMMAND.subn(r"\1", text)
        if not count:
            break
    text = _UNCLOSED_COMMAND.sub("", _OLD_STYLE_GROUP.sub(r"\1", text))
    return _GREEK_MACRO.sub(lambda m: _GREEK[m.group(1)], text)


def clean_text(text: str) -> str:
    """One line of display and index text: controls gone, TeX resolved, spaces folded."""
    return _SPACES.sub(" ", clean_tex(strip_controls(text)).replace("\n", " ")).strip()


def _trim_url(url: str) -> str:
    while url:
        last = url[-1]
        if last in _URL_TRAILING:
            url = url[:-1]
        elif last in ")]" and url.count(last) > url.count("(" if last == ")" else "["):
            url = url[:-1]  # a closing bracket that belongs to the sentence, not the URL
        else:
            break
    return url


def find_links(text: str) -> tuple[str, ...]:
    """Every http(s) URL in the text, in order, without duplicates or sentence punctuation."""
    links: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if len(url) > len("https://"):
            links.setdefault(url, None)
    return tuple(links)


def fold(text: str) -> str:
    """Accent-free, case-folded text: the basis of title keys and of accent-blind search."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


_NON_WORD = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """The identity of a paper: folded title with runs of non-alphanumerics as one space."""
    return _NON_WORD.sub(" ", fold(title)).strip()


def paper_id(title: str) -> str:
    """A short, stable id derived from the title key."""
    return hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:12]
