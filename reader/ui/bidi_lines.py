"""Right-to-left text (Arabic, Hebrew, Persian…): paragraph direction and lines in visual order.

A block is wrapped in logical order first, like any other, so its lines are ranges of the
article text; each laid line is then reordered for display with the Unicode Bidirectional
Algorithm. python-bidi resolves the embedding level of every character of a hard line once
(rules up to I2, which need the whole paragraph); the line rules are applied here to each laid
line: L1 (trailing spaces take the paragraph level), L2 (reverse runs by level), L3 (a
combining mark stays after its base) and L4 (mirrored brackets at odd levels).

The reordered line is drawn as runs of consecutive offsets, each left to right or reversed, so
`TextRun` still maps every offset to its cells (a logical range may cover several runs).
Text without right-to-left characters never comes here (`has_rtl` checks in C).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import cache
from itertools import compress
from unicodedata import bidirectional

from bidi import get_base_level, get_display
from bidi.mirror import MIRRORED
from rich.segment import Segment

from reader.ui.laid_line import StyleRuns, TextRun, char_widths


@cache
def _rtl() -> re.Pattern[str]:
    """Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko…), built on first use:
    compiling it takes a few milliseconds, too much for start-up."""
    return re.compile(
        "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
    )


@cache
def _plain_rtl() -> re.Pattern[str]:
    """Text every character of which resolves to level 1 in a right-to-left paragraph:
    right-to-left letters and marks, spaces and punctuation, but no left-to-right letters and
    no digits (the weak and neutral classes take the direction around them, which is R)."""
    classes = {"R", "AL", "NSM", "WS", "ON", "CS", "ES", "ET", "BN", "S"}
    blocks = ((0x20, 0x7E), (0xA0, 0xBF), (0x590, 0x8FF), (0x2000, 0x206F), (0xFB1D, 0xFEFC))
    ranges: list[list[int]] = []
    for low, high in blocks:
        for code in range(low, high + 1):
            if bidirectional(chr(code)) not in classes:
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    members = "".join(
        re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges
    )
    return re.compile(f"[{members}]*")


_LEVEL = re.compile(r"Level\(\s*(\d+)")
_LEAD_BYTES = bytes(0 if 0x80 <= byte < 0xC0 else 1 for byte in range(256))
"""UTF-8 bytes that start a character (1) or continue one (0)."""
_MIRRORED = frozenset(MIRRORED)
_TRAILING = frozenset(("WS", "BN", "FSI", "LRI", "RLI", "PDI"))
"""Bidi classes that L1 puts back at the paragraph level at the end of a line."""


def has_rtl(text: str) -> bool:
    """True when `text` has a right-to-left character (and so needs reordering)."""
    return not text.isascii() and _rtl().search(text) is not None


def is_rtl_paragraph(text: str) -> bool:
    """A paragraph runs right to left when its first strong character does, or most do."""
    if not has_rtl(text):
        return False
    if get_base_level(text) == 1:
        return True
    counts = Counter(map(bidirectional, text))
    return counts["R"] + counts["AL"] > counts["L"]


def paragraph_levels(text: str, rtl: bool) -> bytes:
    """The resolved embedding level of every character of `text` (newlines: hard breaks).

    Each hard line is resolved as its own paragraph at the block's direction.
    """
    base = 1 if rtl else 0
    parts: list[bytes] = []
    for line in text.split("\n"):
        needed = has_rtl(line) or (rtl and line.strip())  # left-to-right text goes up a level
        parts.append(_line_levels(line, base) if needed else bytes([base]) * len(line))
    return bytes([base]).join(parts)


def _line_levels(text: str, base: int) -> bytes:
    """Levels from python-bidi's Rust core (one per UTF-8 byte, in its debug report), or from
    its pure-Python algorithm if that report cannot be read.

    Right-to-left prose with no Latin words or digits is all at level 1 (checked in C):
    most lines of an Arabic or Hebrew article never need the full algorithm.
    """
    if base == 1 and _plain_rtl().fullmatch(text):
        return bytes([1]) * len(text)
    try:
        report = get_display(text, base_dir="R" if base else "L", debug=True)
        section = report[report.index("levels:") : report.index("paragraphs:")]
        per_byte = bytes(map(int, _LEVEL.findall(section)))
        encoded = text.encode("utf-8")
    except (ValueError, UnicodeError, TypeError):
        return python_levels(text, base)
    if len(per_byte) != len(encoded):
        return python_levels(text, base)
    return bytes(compress(per_byte, encoded.translate(_LEAD_BYTES)))  # a level per character


def python_levels(text: str, base: int) -> bytes:
    """Levels by python-bidi's pure-Python algorithm (characters it drops, such as zero-width
    joiners, take the level of the one before)."""
    from bidi import algorithm

    storage = algorithm.get_empty_storage()
    storage["base_level"] = base
    storage["base_dir"] = "R" if base else "L"
    algorithm.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    levels = bytearray([base]) * len(text)
    previous, level = 0, base
    for char in storage["chars"]:
        levels[previous : char["index"]] = bytes([level]) * (char["index"] - previous)
        level = char["level"]
        levels[char["index"]] = level
        previous = char["index"] + 1
    levels[previous:] = bytes([level]) * (len(text) - previous)
    return bytes(levels)


VisualRun = tuple[int, int, bool]
"""`(start, end, reversed)`: consecutive offsets drawn left to right, or right to left."""


def visual_runs(text: str, levels: bytes, start: int, end: int, base: int) -> list[VisualRun]:
    """The characters `text[start:end]` (one laid line) in display order, as runs (L1, L2)."""
    if start >= end:
        return []
    line = bytearray(levels[start:end])
    index = end - 1
    while index >= start and bidirectional(text[index]) in _TRAILING:  # L1
        line[index - start] = base
        index -= 1
    if line.count(line[0]) == len(line):
        return [(start, end, bool(line[0] & 1))]
    order = list(range(len(line)))
    odd = [level for level in line if level & 1]
    lowest = min(odd) if odd else max(line) + 1
    for level in range(max(line), lowest - 1, -1):  # L2
        position = 0
        while position < len(order):
            if line[order[position]] < level:
                position += 1
                continue
            stop = position
            while stop < len(order) and line[order[stop]] >= level:
                stop += 1
            order[position:stop] = order[position:stop][::-1]
            position = stop
    runs: list[VisualRun] = []
    position = 0
    while position < len(order):
        first = order[position]
        stop = position + 1
        if stop < len(order) and order[stop] == first + 1:
            while stop < len(order) and order[stop] == order[stop - 1] + 1:
                stop += 1
            runs.append((start + first, start + order[stop - 1] + 1, False))
        elif stop < len(order) and order[stop] == first - 1:
            while stop < len(order) and order[stop] == order[stop - 1] - 1:
                stop += 1
            runs.append((start + order[stop - 1], start + first + 1, True))
        else:
            runs.append((start + first, start + first + 1, bool(line[first] & 1)))
        position = stop
    return runs


def _drawn(
    text: str, levels: bytes, start: int, end: int, reverse: bool, widths: bytes | None
) -> str:
    """What `text[start:end]` looks like on screen: mirrored at odd levels (L4), and reversed
    with each combining mark kept after its base (L3). `widths` are its cells per character,
    None when each takes one."""
    piece = text[start:end]
    if not _MIRRORED.isdisjoint(piece):
        piece = "".join(
            MIRRORED.get(char, char) if levels[start + i] & 1 else char
            for i, char in enumerate(piece)
        )
    if not reverse:
        return piece
    if widths is None or 0 not in widths:
        return piece[::-1]
    clusters: list[str] = []
    for char, width in zip(piece, widths, strict=True):
        if clusters and width == 0:
            clusters[-1] += char
        else:
            clusters.append(char)
    return "".join(reversed(clusters))


def visual_line(
    safe: str,
    span: tuple[int, int],
    offset: int,
    runs: StyleRuns,
    levels: bytes,
    base: int,
    column: int,
) -> tuple[list[Segment], int, list[TextRun]]:
    """Segments drawing `safe[a:b]` in display order from `column`, their cells, their runs.

    `offset` is where `safe` starts in the article text; `levels` are `safe`'s.
    """
    a, b = span
    starts, styles = runs
    line_widths = char_widths(safe[a:b])
    segments: list[Segment] = []
    text_runs: list[TextRun] = []
    cells = 0
    for lo, hi, reverse in visual_runs(safe, levels, a, b, base):
        widths = None if line_widths is None else line_widths[lo - a : hi - a]
        pieces: list[Segment] = []
        position = lo
        index = _style_index(starts, lo)
        while position < hi:
            stop = min(starts[index + 1] if index + 1 < len(starts) else hi, hi)
            if stop > position:
                part = None if widths is None else widths[position - lo : stop - lo]
                drawn = _drawn(safe, levels, position, stop, reverse, part)
                pieces.append(Segment(drawn, styles[index]))
            position = stop
            index += 1
        segments.extend(reversed(pieces) if reverse else pieces)
        if widths is not None and widths.count(1) == len(widths):
            widths = None
        width = hi - lo if widths is None else sum(widths)
        text_runs.append(TextRun(offset + lo, column + cells, hi - lo, widths, reverse))
        cells += width
    return segments, cells, text_runs


def _style_index(starts: list[int], position: int) -> int:
    return max(bisect_right(starts, position) - 1, 0)


def visual(text: str, *, rtl: bool = True) -> str:
    """A short decoration (a list marker, a title) as it is drawn in a paragraph of that
    direction."""
    if not text or (not rtl and not has_rtl(text)):
        return text
    levels = paragraph_levels(text, rtl)
    base = 1 if rtl else 0
    widths = char_widths(text)
    return "".join(
        _drawn(text, levels, lo, hi, reverse, None if widths is None else widths[lo:hi])
        for lo, hi, reverse in visual_runs(text, levels, 0, len(text), base)
    )
