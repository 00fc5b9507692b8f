"""Text measures shared by the list and the status lines: cell widths and cuts by cells.

Widths are terminal cells as the terminal draws them. Rich's `cell_len` is right for CJK and
emoji but counts the spacing vowel signs of Indic scripts (Unicode category Mc, such as
Devanagari "ि" and "ा") as zero cells, while terminals (glibc's wcwidth, tmux, VTE) give them
one: a Devanagari title measured by Rich alone pushes the columns after it to the right.
`cell_width` is Rich's measure plus those marks, and every cut here is made on it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

ELLIPSIS = "…"


@lru_cache(maxsize=4096)
def _char_cells(char: str) -> int:
    size = get_character_cell_size(char)
    if size == 0 and unicodedata.category(char) == "Mc":
        return 1
    return size


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes (one line, no control characters)."""
    if text.isascii():
        return len(text)
    return sum(map(_char_cells, text))


def rich_shortfall(text: str) -> int:
    """How many cells fewer than the terminal Rich thinks `text` takes."""
    return 0 if text.isascii() else cell_width(text) - cell_len(text)


def cut(text: str, width: int) -> str:
    """`text` cut to at most `width` cells, with `…` when anything was dropped."""
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    if text.isascii():  # one cell a character (control characters are made visible first)
        return text[: width - 1] + ELLIPSIS
    kept, used = [], 0
    for char in text:
        size = _char_cells(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    while kept and unicodedata.combining(kept[-1]) == 0 and _char_cells(kept[-1]) == 0:
        kept.pop()  # a trailing joiner or variation selector would bind to the ellipsis
    return "".join(kept) + ELLIPSIS


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` in exactly `width` cells: cut with `…`, or padded (on the left if `right`)."""
    text = cut(text, width)
    padding = " " * (width - cell_width(text))
    return padding + text if right else text + padding
