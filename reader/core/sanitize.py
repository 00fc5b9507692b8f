"""The one door from untrusted text to the screen.

Article titles, bodies, notes, file names, queries and error messages all come from files we
did not write. Rich and Textual parse strings as markup (and `escape()` misses `[ @click=…]`),
and pass ESC, C1 controls and bidi overrides to the terminal. Everything shown goes through
`safe_text` (or `inert` when a plain string is needed), which makes such characters visible
and harmless and never interprets markup, because it builds `rich.text.Text` directly.
"""

from __future__ import annotations

import unicodedata

from rich.style import Style
from rich.text import Text

MAX_DISPLAY = 2_000
"""Longest one-line string shown (titles, names, toasts); bodies are laid out by lines."""

ELLIPSIS = "…"

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = frozenset("\u2028\u2029\ufeff\ufff9\ufffa\ufffb")


def _visible(char: str) -> str:
    """The visible stand-in for one unsafe character."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        table[code] = _visible(chr(code))
    for char in _BIDI_CONTROLS | _INVISIBLE:
        table[ord(char)] = _visible(char)
    return table


_TABLE = _build_table()
_SINGLE_LINE_TABLE = {**_TABLE, ord("\t"): " ", ord("\n"): " ", ord("\r"): " "}
_MULTI_LINE_TABLE = {code: char for code, char in _TABLE.items() if chr(code) not in "\t\n"}


def _is_unsafe(char: str) -> bool:
    """Other format (Cf) and unassigned/private characters that terminals may act on."""
    return unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in "\t\n"


def inert(value: object, *, single_line: bool = True, limit: int | None = MAX_DISPLAY) -> str:
    """Return `value` as a string whose every character is safe to draw.

    Args:
        value: Anything; non-strings are converted with `str()`.
        single_line: Fold tabs and newlines to spaces (titles, names, toasts); otherwise
            keep them (a CR is shown as a symbol: it would move the cursor).
        limit: Cut to this many characters with an ellipsis; None for no bound.
    """
    text = value if isinstance(value, str) else str(value)
    cut = limit is not None and len(text) > limit
    if limit is not None:
        text = text[: max(limit, 0)]  # no character shrinks below one, so this is enough
    text = text.translate(_SINGLE_LINE_TABLE if single_line else _MULTI_LINE_TABLE)
    if not text.isprintable():
        text = "".join(_visible(ch) if _is_unsafe(ch) else ch for ch in text)
    # The bound is on what is drawn: one unsafe character may become eight ("<U+202E>").
    if limit is not None and (cut or len(text) > limit):
        text = text[: limit - 1] + ELLIPSIS if limit > 0 else ""
    return text


def safe_text(
    value: object,
    style: str | Style = "",
    *,
    single_line: bool = True,
    limit: int | None = MAX_DISPLAY,
) -> Text:
    """Untrusted text as a `Text` that draws exactly these characters and runs nothing."""
    return Text(inert(value, single_line=single_line, limit=limit), style=style, end="")


def safe_line(value: str) -> str:
    """One laid-out line of an article body: like `inert`, but one character for one.

    The reading view maps article offsets to screen cells, so a body line keeps its length:
    each unsafe character becomes a single control picture or U+FFFD.
    """
    if value.isprintable():
        return value
    return "".join(_one_char(ch) for ch in value)


def _one_char(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return " " if char == "\t" else chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code in _TABLE or _is_unsafe(char):
        return "\ufffd"
    return char
