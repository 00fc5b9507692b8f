"""Laid-out lines that know which text offsets they show, and the wrapping that makes them.

The reading view must draw search hits and highlights on exactly the characters they address,
so a line records, for each stretch of article text it draws, the offset of its first
character, the cell column where it starts and (only when some character is not one cell
wide) each character's width. Wrapping never rewrites text: it only chooses `(start, end)`
ranges of one hard line. Spaces where a line breaks belong to neither line; CJK text may break
between any two wide characters, except where kinsoku forbids it (see `kinsoku`); a word wider
than the line (a long URL) folds. A run may also be drawn reversed (right-to-left text in visual
order, see `bidi_lines`): its first character is then rightmost.
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
from reader.ui.kinsoku import may_break

StyleMap = Mapping[str, Style]
"""Style names ("heading-1", "em", "link", "search-hit", ...) to rich styles."""

_WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd"
)
_TOKEN = re.compile(rf" +|[{_WIDE}]|[^ {_WIDE}]+")


@cache
def _odd_width() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Characters that are not one cell wide (per rich's table), to find the fast case in C:
    those of the Basic Multilingual Plane and those above it apart, since one class holding
    both is matched range by range (ten times slower on Arabic or accented text).

    Built on first use: compiling them takes ~15 ms, too much for start-up.
    """
    bmp: list[str] = []
    astral: list[str] = []
    for lo, hi, width in load_cell_table("auto").widths:
        if width == 1 or lo == 0:
            continue
        if lo <= 0xFFFF:
            bmp.append(f"{re.escape(chr(lo))}-{re.escape(chr(min(hi, 0xFFFF)))}")
        if hi > 0xFFFF:
            astral.append(f"{re.escape(chr(max(lo, 0x10000)))}-{re.escape(chr(hi))}")
    return re.compile(f"[{''.join(bmp)}]"), re.compile(f"[{''.join(astral)}]")


@dataclass(frozen=True, slots=True)
class TextRun:
    """A stretch of article text drawn on one line: `length` chars from `offset` at `column`.

    A `reverse` run (right-to-left text in visual order) draws its first character rightmost.
    """

    offset: int
    column: int
    length: int
    widths: bytes | None = None
    """Cell width of each character, or None when every one takes a single cell."""
    reverse: bool = False

    @property
    def end(self) -> int:
        return self.offset + self.length

    def _cells(self, start: int, stop: int) -> int:
        return stop - start if self.widths is None else sum(self.widths[start:stop])

    def column_of(self, offset: int) -> int:
        """Cell column where the character at `offset` (or the run's end) is drawn."""
        index = min(max(offset - self.offset, 0), self.length)
        if self.reverse:
            return self.column + self._cells(index + 1, self.length)
        return self.column + self._cells(0, index)

    def cells_of(self, start: int, end: int) -> tuple[int, int]:
        """The cells `[left, right)` that draw the characters `[start, end)` of this run."""
        lo = min(max(start - self.offset, 0), self.length)
        hi = min(max(end - self.offset, lo), self.length)
        if self.reverse:
            return self.column + self._cells(hi, self.length), self.column + self._cells(
                lo, self.length
            )
        return self.column + self._cells(0, lo), self.column + self._cells(0, hi)

    def offset_at(self, column: int) -> int | None:
        """Offset of the character drawn at `column`, or None if the run does not cover it."""
        x = column - self.column
        if x < 0:
            return None
        if self.widths is None:
            if x >= self.length:
                return None
            return self.offset + (self.length - 1 - x if self.reverse else x)
        indexes = range(self.length - 1, -1, -1) if self.reverse else range(self.length)
        for index in indexes:
            x -= self.widths[index]
            if x < 0:
                return self.offset + index
        return None

    def moved(self, by: int) -> TextRun:
        """The same run drawn `by` cells further right."""
        return TextRun(self.offset, self.column + by, self.length, self.widths, self.reverse)

    def leftmost(self) -> int:
        """Offset of the character drawn in the run's first cell."""
        return self.end - 1 if self.reverse else self.offset

    def rightmost(self) -> int:
        """Offset of the character drawn in the run's last cell."""
        return self.offset if self.reverse else max(self.offset, self.end - 1)


@dataclass(frozen=True, slots=True)
class LaidLine:
    """One screen line of an article: rich segments plus the offsets they show.

    `start`/`end` bound the article text on the line (-1 for decoration: header, blank
    separators, borders, rules); `runs` map those offsets to cell columns, left to right. On
    a right-to-left line (`rtl`, right-aligned and in visual order) offsets grow leftwards
    and a range of text may be drawn as several separate stretches of cells.
    """

    segments: tuple[Segment, ...]
    cell_length: int
    start: int = -1
    end: int = -1
    runs: tuple[TextRun, ...] = ()
    rtl: bool = False

    @property
    def text(self) -> str:
        """Everything drawn on the line, decoration included."""
        return "".join(segment.text for segment in self.segments)

    def column_of(self, offset: int) -> int | None:
        """Cell column of the character at `offset`, if this line shows it."""
        for run in self.runs:
            if run.offset <= offset < run.end:
                return run.column_of(offset)
        for run in self.runs:  # just past the end of a run
            if offset == run.end:
                return run.column_of(offset)
        return None

    def offset_at(self, column: int, *, nearest: bool = False) -> int | None:
        """Offset of the character drawn at `column`.

        With `nearest`, a column past the text (or between table cells) gives the last
        character before it, which is what a mouse selection wants; on a right-to-left line
        a column left of the text (where its last words end) gives the leftmost character.
        """
        found: int | None = None
        for run in self.runs:
            if column < run.column:
                break
            hit = run.offset_at(column)
            if hit is not None:
                return hit
            if nearest:
                found = run.rightmost()
        if found is None and nearest and self.rtl and self.runs:
            return self.runs[0].leftmost()
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
    if text.isascii():
        return True
    bmp, astral = _odd_width()
    return bmp.search(text) is None and (max(text) <= "\uffff" or astral.search(text) is None)


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
    line gives one empty range so blank lines inside a block survive. CJK text breaks between
    any two wide characters except where kinsoku forbids it (no line starts with `。` or `）`,
    none ends with `（`): then the characters before the break move down with it.
    """
    width = max(1, width)
    if not text.strip(" "):
        return [(0, 0)]
    if single_cells(text):
        return _wrap_single(text, width)
    lines: list[tuple[int, int]] = []
    start = -1  # start of the line being filled, -1 while it is empty
    end = cells = 0
    pieces: list[tuple[int, int, int]] = []  # (start, end, cells) of the line's tokens
    for match in _TOKEN.finditer(text):
        a, b = match.span()
        token = match.group()
        if token[0] == " " and a > 0:
            continue  # inter-word space: counted as the gap before the next word
        w = _token_cells(token)
        gap = a - end if start >= 0 else 0
        if start >= 0 and cells + gap + w <= width:
            end, cells = b, cells + gap + w
            pieces.append((a, b, w))
            continue
        if start >= 0:
            keep = _kinsoku_break(text, pieces, a, w, width)
            lines.append((start, pieces[keep - 1][1]))
            if keep < len(pieces):  # the tail of the line moves down to the new one
                moved = pieces[keep:]
                start, end = moved[0][0], moved[-1][1]
                cells = _span_cells(moved) + (a - end) + w
                end = b
                pieces = [*moved, (a, b, w)]
                continue
        if w <= width:
            start, end, cells = a, b, w
            pieces = [(a, b, w)]
            continue
        folded = fold(text, a, b, width)
        lines.extend(folded[:-1])
        start, end = folded[-1]
        cells = text_cells(text[start:end])
        pieces = [(start, end, cells)]
    if start >= 0:
        lines.append((start, end))
    return lines or [(0, 0)]


def _kinsoku_break(
    text: str, pieces: list[tuple[int, int, int]], next_start: int, next_cells: int, width: int
) -> int:
    """How many of the line's `pieces` stay on it when the token at `next_start` must go down.

    All of them unless kinsoku forbids the break there; then the latest allowed break whose
    moved tail still fits beside the token, or all of them when there is none.
    """
    if may_break(text[pieces[-1][1] - 1], text[next_start]):
        return len(pieces)
    moved = next_cells
    after = next_start
    for keep in range(len(pieces) - 1, 0, -1):
        a, b, w = pieces[keep]
        moved += w + (after - b)
        if moved > width or (keep == 1 and text[pieces[0][0]] == " "):
            break  # the tail would not fit, or only the indentation would stay
        if may_break(text[pieces[keep - 1][1] - 1], text[a]):
            return keep
        after = a
    return len(pieces)


def _span_cells(pieces: Sequence[tuple[int, int, int]]) -> int:
    """Cells from the first piece's start to the last one's end (gaps are one-cell spaces)."""
    return sum(w for _, _, w in pieces) + sum(
        pieces[i][0] - pieces[i - 1][1] for i in range(1, len(pieces))
    )


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
