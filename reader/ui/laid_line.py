"""Laid-out lines that know which text offsets they show, and the wrapping that makes them.

The reading view must draw search hits and highlights on exactly the characters they address,
so a line records, for each stretch of article text it draws, the offset of its first
character, the cell column where it starts and (only when some character is not one cell
wide) each character's width. Wrapping never rewrites text: it only chooses `(start, end)`
ranges of one hard line. Spaces where a line breaks belong to neither line; CJK text may break
between any two wide characters; a word wider than the line (a long URL) folds.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rich.cells import get_character_cell_size, load_cell_table
from rich.segment import Segment
from rich.style import Style

from reader.core.models import Span
from reader.core.sanitize import safe_line

StyleMap = Mapping[str, Style]
"""Style names ("heading-1", "em", "link", "search-hit", ...) to rich styles."""

_WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd"
)
_TOKEN = re.compile(rf" +|[{_WIDE}]|[^ {_WIDE}]+")


@cache
def _odd_width() -> re.Pattern[str]:
    """Characters that are not one cell wide (per rich's table), to find the fast case in C.

    Built on first use: compiling it takes ~15 ms, too much for start-up.
    """
    ranges = "".join(
        f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi, width in load_cell_table("auto").widths
        if width != 1 and lo > 0
    )
    return re.compile(f"[{ranges}]")


@dataclass(frozen=True, slots=True)
class TextRun:
    """A stretch of article text drawn on one line: `length` chars from `offset` at `column`."""

    offset: int
    column: int
    length: int
    widths: bytes | None = None
    """Cell width of each character, or None when every one takes a single cell."""

    @property
    def end(self) -> int:
        return self.offset + self.length

    def column_of(self, offset: int) -> int:
        """Cell column where the character at `offset` (or the run's end) is drawn."""
        index = min(max(offset - self.offset, 0), self.length)
        return self.column + (index if self.widths is None else sum(self.widths[:index]))

    def offset_at(self, column: int) -> int | None:
        """Offset of the character drawn at `column`, or None if the run does not cover it."""
        x = column - self.column
        if x < 0:
            return None
        if self.widths is None:
            return self.offset + x if x < self.length else None
        for index, width in enumerate(self.widths):
            x -= width
            if x < 0:
                return self.offset + index
        return None


@dataclass(frozen=True, slots=True)
class LaidLine:
    """One screen line of an article: rich segments plus the offsets they show.

    `start`/`end` bound the article text on the line (-1 for decoration: header, blank
    separators, borders, rules); `runs` map those offsets to cell columns.
    """

    segments: tuple[Segment, ...]
    cell_length: int
    start: int = -1
    end: int = -1
    runs: tuple[TextRun, ...] = ()

    @property
    def text(self) -> str:
        """Everything drawn on the line, decoration included."""
        return "".join(segment.text for segment in self.segments)

    def column_of(self, offset: int) -> int | None:
        """Cell column of the character at `offset`, if this line shows it."""
        for run in self.runs:
            if run.offset <= offset <= run.end:
                return run.column_of(offset)
        return None

    def offset_at(self, column: int, *, nearest: bool = False) -> int | None:
        """Offset of the character drawn at `column`.

        With `nearest`, a column past the text (or between table cells) gives the last
        character before it, which is what a mouse selection wants.
        """
        found: int | None = None
        for run in self.runs:
            if column < run.column:
                break
            hit = run.offset_at(column)
            if hit is not None:
                return hit
            if nearest:
                found = max(run.offset, run.end - 1)
        return found


BLANK = LaidLine((), 0)


def char_cells(char: str) -> int:
    """Cells one character takes (0 for combining marks, 2 for wide characters)."""
    return 1 if char.isascii() else get_character_cell_size(char)


def safe_body(text: str, *, cells: bool = False) -> str:
    """`safe_line` over a block's text, keeping its newlines (and with `cells`, TABs).

    The break characters are never drawn, so keeping them leaves the fast path of `safe_line`
    (which folds them into control pictures) for the lines themselves.
    """
    if text.isprintable():
        return text
    if cells:
        return "\n".join("\t".join(map(safe_line, row.split("\t"))) for row in text.split("\n"))
    return "\n".join(map(safe_line, text.split("\n")))


def single_cells(text: str) -> bool:
    """True when every character takes exactly one cell (checked by a regex, in C)."""
    return text.isascii() or _odd_width().search(text) is None


def text_cells(text: str) -> int:
    """Cells a string takes: the sum of its characters, so offsets and columns agree."""
    return len(text) if single_cells(text) else sum(map(char_cells, text))


_token_cells = lru_cache(maxsize=1 << 16)(text_cells)
"""Words repeat: measuring each distinct one once makes non-Latin text wrap several times faster."""


def char_widths(text: str) -> bytes | None:
    """Per-character cell widths, or None when every character takes one cell (the usual case)."""
    if single_cells(text):
        return None
    widths = bytes(map(char_cells, text))
    return None if widths.count(1) == len(widths) else widths


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Break one hard line (no newlines) into `(start, end)` ranges of at most `width` cells.

    Leading indentation is kept; trailing spaces and spaces at a break are not drawn. An empty
    line gives one empty range so blank lines inside a block survive.
    """
    width = max(1, width)
    if not text.strip(" "):
        return [(0, 0)]
    if single_cells(text):
        return _wrap_single(text, width)
    lines: list[tuple[int, int]] = []
    start = -1  # start of the line being filled, -1 while it is empty
    end = cells = 0
    for match in _TOKEN.finditer(text):
        a, b = match.span()
        token = match.group()
        if token[0] == " " and a > 0:
            continue  # inter-word space: counted as the gap before the next word
        w = _token_cells(token)
        gap = a - end if start >= 0 else 0
        if start >= 0 and cells + gap + w <= width:
            end, cells = b, cells + gap + w
            continue
        if start >= 0:
            lines.append((start, end))
        if w <= width:
            start, end, cells = a, b, w
            continue
        pieces = fold(text, a, b, width)
        lines.extend(pieces[:-1])
        start, end = pieces[-1]
        cells = text_cells(text[start:end])
    if start >= 0:
        lines.append((start, end))
    return lines or [(0, 0)]


def _wrap_single(text: str, width: int) -> list[tuple[int, int]]:
    """`wrap` for text of one-cell characters: break at the last space that fits (str.rfind)."""
    lines: list[tuple[int, int]] = []
    size = len(text.rstrip(" "))
    position = 0
    while position < size:
        if size - position <= width:
            lines.append((position, size))
            break
        first = position
        if position == 0:
            while text[first] == " ":  # leading indentation is drawn, never a break
                first += 1
        cut = text.rfind(" ", first, position + width + 1)
        if cut < 0:
            end = following = position + width  # no space: fold the word
        else:
            end = len(text[position:cut].rstrip(" ")) + position
            following = cut + 1
        lines.append((position, end))
        while following < size and text[following] == " ":
            following += 1
        position = following
    return lines


def fold(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Cut `text[start:end]` into ranges of at most `width` cells (at least one char each)."""
    width = max(1, width)
    if single_cells(text[start:end]):
        return [(a, min(a + width, end)) for a in range(start, end, width)] or [(start, start)]
    pieces: list[tuple[int, int]] = []
    piece_start, cells = start, 0
    for index in range(start, end):
        w = char_cells(text[index])
        if cells + w > width and index > piece_start:
            pieces.append((piece_start, index))
            piece_start, cells = index, 0
        cells += w
    pieces.append((piece_start, end))
    return pieces


StyleRuns = tuple[list[int], list[Style]]
"""Where each style starts in a block's text, and the style: covers the text from 0."""


def style_runs(length: int, spans: Sequence[Span], base: Style, styles: StyleMap) -> StyleRuns:
    """Flatten possibly nested inline spans into non-overlapping style runs over the text.

    A sweep over the cut points with the spans open at each (in their given order, which is
    the order their styles are added in): O((cuts + spans) × depth), where looking at every
    span at every cut was quadratic (20,000 code spans took a minute to lay out).
    """
    if not spans:
        return [0], [base]
    cuts = sorted(
        {0, *(min(max(s.start, 0), length) for s in spans)}
        | {min(max(s.end, 0), length) for s in spans}
    )
    real = [i for i, span in enumerate(spans) if span.end > span.start]  # empty ones cover nothing
    by_start = sorted(real, key=lambda i: spans[i].start)
    by_end = sorted(real, key=lambda i: spans[i].end)
    open_spans: list[int] = []  # indexes of the spans covering the cut, ascending
    opened = ended = 0
    starts: list[int] = []
    run_styles: list[Style] = []
    for cut in cuts:
        if cut >= length and starts:
            break
        while opened < len(by_start) and spans[by_start[opened]].start <= cut:
            insort(open_spans, by_start[opened])
            opened += 1
        while ended < len(by_end) and spans[by_end[ended]].end <= cut:
            index = bisect_left(open_spans, by_end[ended])
            if index < len(open_spans) and open_spans[index] == by_end[ended]:
                del open_spans[index]
            ended += 1
        style = base
        for index in open_spans:
            style += styles.get(spans[index].kind.value, Style.null())
        if run_styles and style == run_styles[-1]:
            continue
        starts.append(cut)
        run_styles.append(style)
    return starts, run_styles


def styled_segments(safe: str, start: int, end: int, runs: StyleRuns) -> list[Segment]:
    """Segments drawing `safe[start:end]` in the styles `runs` give those characters."""
    starts, run_styles = runs
    index = max(bisect_right(starts, start) - 1, 0)
    segments: list[Segment] = []
    position = start
    while position < end:
        stop = starts[index + 1] if index + 1 < len(starts) else end
        stop = min(stop, end)
        if stop > position:
            segments.append(Segment(safe[position:stop], run_styles[index]))
        position = stop
        index += 1
    return segments


def text_line(
    prefix: Sequence[Segment],
    prefix_cells: int,
    safe: str,
    span: tuple[int, int],
    offset: int,
    runs: StyleRuns,
) -> LaidLine:
    """A line drawing `safe[a:b]` after a decoration prefix; `offset` is where `safe` starts."""
    a, b = span
    piece = safe[a:b]
    widths = char_widths(piece)
    cells = len(piece) if widths is None else sum(widths)
    segments = (*prefix, *styled_segments(safe, a, b, runs))
    run = TextRun(offset + a, prefix_cells, b - a, widths)
    return LaidLine(segments, prefix_cells + cells, offset + a, offset + b, (run,))
