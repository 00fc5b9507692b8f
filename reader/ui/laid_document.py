"""An article's laid-out lines at one width, growing batch by batch, with lookups by offset.

Kept apart from the widget so the bookkeeping (which row shows an offset, which offset a row
shows, which ranges cross a line) is plain Python that tests can drive without a screen.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from reader.ui.laid_line import LaidLine


class LaidDocument:
    """Header lines then body lines at `width`; body lines only ever get appended."""

    def __init__(self, width: int, header: Sequence[LaidLine] = ()) -> None:
        self.width = width
        self.lines: list[LaidLine] = list(header)
        self.header_count = len(header)
        self.blocks_done = 0
        """How many of the article's blocks are laid out."""
        self._rows: list[int] = []
        self._starts: list[int] = []

    def extend(self, lines: Iterable[LaidLine], blocks_done: int) -> None:
        """Append laid-out lines for the blocks up to `blocks_done`."""
        row = len(self.lines)
        for line in lines:
            self.lines.append(line)
            if line.start >= 0:
                self._rows.append(row)
                self._starts.append(line.start)
            row += 1
        self.blocks_done = blocks_done

    def replace_header(self, header: Sequence[LaidLine]) -> None:
        """Swap the header (final word count); rows below move if its height changed."""
        shift = len(header) - self.header_count
        self.lines[: self.header_count] = header
        self.header_count = len(header)
        if shift:
            self._rows = [row + shift for row in self._rows]

    @property
    def text_end(self) -> int:
        """Offset just past the last laid-out text."""
        return self.lines[self._rows[-1]].end if self._rows else 0

    def row_of(self, offset: int) -> int | None:
        """Row whose text includes `offset` (or the text line just before it)."""
        if not self._rows:
            return None
        index = max(bisect_right(self._starts, offset) - 1, 0)
        return self._rows[index]

    def offset_of_row(self, row: int) -> int:
        """Offset of the first text shown on `row` or below (the last text if none below)."""
        if not self._rows:
            return 0
        index = bisect_left(self._rows, row)
        if index == len(self._rows):
            index -= 1
        return self._starts[index]


@dataclass(frozen=True, slots=True)
class RangeGroup:
    """Sorted, merged `[start, end)` ranges drawn in one style (search hits, highlights)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    style: Style

    @classmethod
    def build(cls, ranges: Iterable[tuple[int, int]], style: Style) -> RangeGroup:
        merged: list[list[int]] = []
        for start, end in sorted((a, b) for a, b in ranges if b > a):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(tuple(a for a, _ in merged), tuple(b for _, b in merged), style)

    def crossing(self, start: int, end: int) -> Iterable[tuple[int, int]]:
        """The ranges that overlap `[start, end)`."""
        index = bisect_right(self.ends, start)
        while index < len(self.starts) and self.starts[index] < end:
            yield self.starts[index], self.ends[index]
            index += 1


def overlay(line: LaidLine, groups: Iterable[RangeGroup]) -> list[Segment]:
    """The line's segments with every range that crosses it drawn in its group's style.

    On a right-to-left line one range may cover several separate stretches of cells.
    """
    marks: list[tuple[int, int, Style]] = []
    for group in groups:
        for a, b in group.crossing(line.start, line.end):
            for run in line.runs:
                lo, hi = max(a, run.offset), min(b, run.end)
                if lo < hi:  # a reversed (right-to-left) run draws [lo, hi) leftwards
                    left, right = run.cells_of(lo, hi)
                    marks.append((left, right, group.style))
    if not marks:
        return list(line.segments)
    cuts = sorted({cut for a, b, _ in marks for cut in (a, b)} | {line.cell_length})
    out: list[Segment] = []
    position = 0
    for cut, pieces in zip(cuts, Segment.divide(line.segments, cuts), strict=False):
        on_top = [style for a, b, style in marks if a <= position and cut <= b]
        for segment in pieces:
            style = segment.style or Style.null()
            for extra in on_top:
                style += extra
            out.append(Segment(segment.text, style))
        position = cut
    return out
