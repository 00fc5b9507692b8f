"""Wrapping a line of code or preformatted text without breaking it inside a token.

A line longer than the width breaks at a space, or after punctuation such as `,` `(` `/` `.`
when no space is near the edge; what follows goes on continuation lines indented to the
line's own indentation plus two cells, the first of which shows a dim `↪` (decoration: it is
no article text, so offsets still map to cells exactly). Only a token wider than a whole line
is cut, at a character boundary. Nothing is hidden but the spaces at a break.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from reader.ui.laid_line import char_cells, single_cells, text_cells

CONTINUATION = "↪ "
"""Drawn at the start of every continuation line, right before its text."""
HANG = len(CONTINUATION)
"""Cells a continuation line is indented past the line's own indentation."""
BREAK_AFTER = frozenset(",;:([{/\\.&?|")
"""A line may break after one of these when no space is near the edge."""


def wrap_code(text: str, width: int) -> tuple[list[tuple[int, int]], int]:
    """`(start, end)` ranges of one hard line, and the indent of its continuation lines.

    The first range takes at most `width` cells, the others at most `width - indent`, where
    `indent` (counted from the line's start, continuation mark included) is the line's
    leading spaces plus `HANG`, capped at half the width.
    """
    width = max(1, width)
    single = single_cells(text)
    if (len(text) if single else text_cells(text)) <= width:
        return [(0, len(text))], 0
    size = len(text.rstrip(" "))
    lead = len(text) - len(text.lstrip(" "))
    indent = min(lead, max(width // 2 - HANG, 0)) + HANG
    cum = None if single else list(accumulate(map(char_cells, text), initial=0))
    ranges: list[tuple[int, int]] = []
    position, room = 0, width
    while position < size:
        reach = _reach(cum, position, room, size)
        if reach >= size:
            ranges.append((position, size))
            break
        first = lead if position == 0 else position  # never break inside the indentation
        end, following = _break(text, first, position, reach, room)
        ranges.append((position, end))
        while following < size and text[following] == " ":
            following += 1
        position, room = following, max(width - indent, 1)
    return ranges, indent


def _reach(cum: list[int] | None, position: int, room: int, size: int) -> int:
    """The furthest index whose text from `position` fits in `room` cells (at least one char)."""
    if cum is None:
        return min(position + room, size)
    reach = bisect_right(cum, cum[position] + room) - 1
    return min(max(reach, position + 1), size)


def _break(text: str, first: int, position: int, reach: int, room: int) -> tuple[int, int]:
    """Where the line from `position` ends, and where the next one starts.

    The last space before `reach` wins unless a break after punctuation comes more than a
    quarter of the line later; with neither, the token is cut at `reach`.
    """
    space = text.rfind(" ", first + 1, reach + 1)
    space_end = len(text[position:space].rstrip(" ")) + position if space > first else -1
    punct_end = -1
    for index in range(reach - 1, max(first, space_end) - 1, -1):
        if text[index] in BREAK_AFTER and text[index + 1] != " ":
            punct_end = index + 1
            break
    if space_end > position and (punct_end < 0 or punct_end - space_end <= room // 4):
        return space_end, space + 1
    if punct_end > position:
        return punct_end, punct_end
    return reach, reach
