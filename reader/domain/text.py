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
# C0 and C1 controls, DEL, and the characters that change the direction of text (marks,
# embeddings, overrides, isolates): they can disguise what a line says.
_CONTROL_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")
# Characters with no width of their own, or that merge with their neighbour in some terminals
# and not in others: zero-width spaces and joiners, soft hyphen, word joiner and invisible
# operators, BOM, variation selectors, emoji skin-tone modifiers, tag characters. Left in a
# title they misalign the panes (the terminal and the layout disagree on the width) or hide text.
_INVISIBLE_CHARS = (
    "\u00ad\u034f\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2065\u206a-\u206f"
    "\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U0001f3fb-\U0001f3ff\U000e0000-\U000e0fff"
)
_DROPPED = re.compile(f"[{_CONTROL_CHARS}{_INVISIBLE_CHARS}]")
# Hangul fillers are blank letters (used as spaces that are not spaces); line and paragraph
# separators break lines. In one line of text both become a plain space, as newlines do.
_BLANK_CHARS = "\u115f\u1160\u3164\uffa0\u2028\u2029"
_SPACES = re.compile(f"[ \t\n\u00a0{_BLANK_CHARS}]+")
# What a printed name must not carry as is: controls (newlines included), direction changes,
# invisible and blank characters, and lone surrogates (undecodable bytes of a file name).
_UNPRINTABLE_IN_NAME = re.compile(f"[\t\n{_CONTROL_CHARS}{_INVISIBLE_CHARS}{_BLANK_CHARS}\ud800-\udfff]")
_NAME_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

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

# Inline math: `$...$` (or `$$...$$`) with no space just inside the dollars and no digit just
# after, so prices ("costs $5 and $10") are not taken for math. The dollars go when the span
# holds TeX or is one word (`$k$`, `$O(n)$`); a span of plain words keeps them.
_INLINE_MATH = re.compile(r"(?<![\\$])(\${1,2})(?=[^\s$])([^$]{1,300}?)(?<=[^\s\\])\1(?![\d$])")
_MATH_SIGNAL = re.compile(r"[\\^_{}=<>]")
# Symbols of running text and inline math; operator names lose their backslash.
_SYMBOLS = {
    "times": "×", "sim": "∼", "approx": "≈", "simeq": "≃", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "ll": "≪", "gg": "≫", "pm": "±", "mp": "∓", "cdot": "·", "cdots": "⋯",
    "ldots": "…", "dots": "…", "infty": "∞", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔", "mapsto": "↦", "in": "∈", "notin": "∉",
    "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "sum": "∑", "prod": "∏", "int": "∫",
    "partial": "∂", "nabla": "∇", "sqrt": "√", "circ": "∘", "ell": "ℓ", "propto": "∝", "equiv": "≡",
    "forall": "∀", "exists": "∃", "neg": "¬", "oplus": "⊕", "otimes": "⊗", "star": "⋆", "prime": "′",
    "emptyset": "∅", "top": "⊤", "bot": "⊥", "mid": "|", "vert": "|", "lVert": "‖", "rVert": "‖", "Vert": "‖",
    "langle": "⟨", "rangle": "⟩", "quad": " ", "qquad": " ",
    **{name: name for name in ("log", "exp", "max", "min", "arg", "argmax", "argmin", "sin", "cos", "tan",
                               "lim", "sup", "inf", "det", "Pr", "softmax")},
    **dict.fromkeys(("left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "limits"), ""),
}
_SYMBOL_MACRO = re.compile(r"\\(" + "|".join(sorted(_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])")
# `{\rho}` -> `ρ`: braces left grouping nothing but symbols that macros became (`{ρ}`,
# `√{π}`), once scripts and fractions no longer need them. Not an escaped brace (`\{ρ\}`).
_MACRO_SYMBOLS = "".join(sorted({value for value in (*_GREEK.values(), *_SYMBOLS.values()) if len(value) == 1} - {" "}))
_MACRO_SYMBOL_CLASS = "[" + re.escape(_MACRO_SYMBOLS) + "]"
_MACRO_GROUP = re.compile(r"(?<!\\)\{\s*(" + _MACRO_SYMBOL_CLASS + r"(?:\s*" + _MACRO_SYMBOL_CLASS + r")*)\s*\}")
_SPACING = re.compile(r"\\[,;:! ]")
_DEGREES = re.compile(r"\^\{?\\circ\}?")
_FRACTION = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
# `x^{n+1}` -> `x^(n+1)`, `G_{stack}` -> `G_stack`, `10^{-3}` -> `10^-3`.
_SCRIPT = re.compile(r"([\^_])\{([^{}]*)\}")
_ONE_TOKEN = re.compile(r"[-+]?[\w.′]+|\S")
_BRACE = re.compile(r"\\([{}])")

_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"*"


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep newlines and tabs."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAME_ESCAPES:
        return _NAME_ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by the file system decoding
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_name(name: object) -> str:
    """A file name, path or label made safe to print on one line and still recognisable: newlines,
    controls, direction changes and invisible characters are shown as `\\n`, `\\x1b`,
    `\\u202e`... so no name can forge a line of output or reorder what follows it."""
    return _UNPRINTABLE_IN_NAME.sub(_escaped, str(name))


def _accent(match: re.Match[str]) -> str:
    letter = match.group(2) or match.group(3)
    return unicodedata.normalize("NFC", letter + _ACCENT_MARKS[match.group(1)])


def _inline_math(match: re.Match[str]) -> str:
    content = match.group(2)
    return content if _MATH_SIGNAL.search(content) or not any(ch.isspace() for ch in content) else match.group()


def _grouped(text: str) -> str:
    return text if _ONE_TOKEN.fullmatch(text) else f"({text})"


def _fraction(match: re.Match[str]) -> str:
    return f"{_grouped(match.group(1))}/{_grouped(match.group(2))}"


def _script(match: re.Match[str]) -> str:
    content = match.group(2).strip()
    return match.group(1) + _grouped(content) if content else ""


def clean_tex(text: str) -> str:
    """Turn the TeX that leaks into arXiv abstracts into plain Unicode: inline math loses
    its dollars, macros become the letters and symbols they stand for, and sub- and
    superscripts stay readable (`x^(n+1)`)."""
    if "\\" not in text and "$" not in text and "^{" not in text and "_{" not in text:
        return text
    text = _INLINE_MATH.sub(_inline_math, text)  # first: `\$` is a dollar sign, not math
    text = _ESCAPED_CHAR.sub(r"\1", text)
    text = _ACCENT.sub(_accent, text)
    for _ in range(3):  # nested commands such as \textbf{\emph{x}}
        text, count = _TEXT_COMMAND.subn(r"\1", text)
        if not count:
            break
    text = _UNCLOSED_COMMAND.sub("", _OLD_STYLE_GROUP.sub(r"\1", text))
    text = _GREEK_MACRO.sub(lambda m: _GREEK[m.group(1)], _DEGREES.sub("°", text))
    text = _SPACING.sub(" ", _SYMBOL_MACRO.sub(lambda m: _SYMBOLS[m.group(1)], text))
    for _ in range(3):  # nested groups such as x^{2^{k}} or \frac{a^{2}}{b}
        text, scripts = _SCRIPT.subn(_script, text)
        text, fractions = _FRACTION.subn(_fraction, text)
        if not scripts + fractions:
            break
    return _BRACE.sub(r"\1", _MACRO_GROUP.sub(r"\1", text))


def clean_text(text: str) -> str:
    """One line of display and index text: controls and invisible characters gone, TeX
    resolved, line breaks, blanks and spaces folded to one space."""
    text = _DROPPED.sub("", _ESCAPE_SEQUENCE.sub("", text))  # strip_controls, and the invisible
    return _SPACES.sub(" ", clean_tex(text)).strip()


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
