"""Tables as an aligned grid of box characters whose cells keep their text offsets.

A TABLE block's text is its cells joined by TAB within a row and newline between rows, so
each cell is a slice of the article text; every line of the grid records a run per cell.
Columns shrink and cells wrap when the table is wider than the reading width; when even
narrow columns do not fit, rows are drawn one cell per line. No text is ever dropped.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from reader.core.models import Block
from reader.ui.laid_line import (
    LaidLine,
    StyleMap,
    StyleRuns,
    TextRun,
    char_widths,
    safe_body,
    style_runs,
    styled_segments,
    text_cells,
    text_line,
    wrap,
)

MIN_COLUMN = 3
"""Narrowest a column is squeezed to before the table falls back to one cell per line."""

Cell = tuple[int, int]


def layout_table(block: Block, offset: int, width: int, styles: StyleMap) -> list[LaidLine]:
    """Lines of a TABLE block starting at `offset` in the article text."""
    rows = _cells(block.text)
    safe = safe_body(block.text, cells=True)
    ncols = max(len(row) for row in rows)
    natural = [1] * ncols
    for row in rows:
        for col, (a, b) in enumerate(row):
            natural[col] = max(natural[col], text_cells(safe[a:b]))
    widths = _fit(natural, width - 3 * ncols - 1)
    border = styles.get("table-border", Style.null())
    body = styles.get("table", Style.null())
    if widths is None:
        return _stacked(block, rows, safe, offset, width, styles)
    header = body + styles.get("table-header", Style.null())
    header_runs = style_runs(len(safe), block.spans, header, styles)
    body_runs = style_runs(len(safe), block.spans, body, styles)
    lines = [_border("┌", "┬", "┐", widths, border)]
    for index, row in enumerate(rows):
        runs = header_runs if index == 0 else body_runs
        lines.extend(_row_lines(row, widths, safe, offset, runs, border))
        if index == 0 and len(rows) > 1:
            lines.append(_border("├", "┼", "┤", widths, border))
    lines.append(_border("└", "┴", "┘", widths, border))
    return lines


def _cells(text: str) -> list[list[Cell]]:
    """(start, end) of every cell, row by row, from the TAB/newline text."""
    rows: list[list[Cell]] = []
    position = 0
    for line in text.split("\n"):
        row: list[Cell] = []
        for cell in line.split("\t"):
            row.append((position, position + len(cell)))
            position += len(cell) + 1
        rows.append(row)
    return rows


def _fit(natural: list[int], available: int) -> list[int] | None:
    """Column widths within `available` cells: natural if they fit, else capped fairly."""
    if sum(natural) <= available:
        return natural
    if sum(min(n, MIN_COLUMN) for n in natural) > available:
        return None
    low, high = 1, max(natural)
    while low < high:  # the widest cap that fits
        cap = (low + high + 1) // 2
        if sum(min(n, cap) for n in natural) <= available:
            low = cap
        else:
            high = cap - 1
    widths = [min(n, low) for n in natural]
    spare = available - sum(widths)
    for col, n in enumerate(natural):
        if spare and n > widths[col]:
            widths[col] += 1
            spare -= 1
    return widths


def _border(left: str, middle: str, right: str, widths: list[int], style: Style) -> LaidLine:
    text = left + middle.join("─" * (w + 2) for w in widths) + right
    return LaidLine((Segment(text, style),), len(text))


def _row_lines(
    row: list[Cell], widths: list[int], safe: str, offset: int, runs: StyleRuns, border: Style
) -> list[LaidLine]:
    """One grid row; cells wrap within their column, so a row may take several lines."""
    wrapped = [
        [(a + x, a + y) for x, y in wrap(safe[a:b], widths[col])] if col < len(row) else []
        for col, (a, b) in enumerate(row + [(0, 0)] * (len(widths) - len(row)))
    ]
    height = max(len(pieces) for pieces in wrapped)
    lines: list[LaidLine] = []
    for index in range(height):
        segments: list[Segment] = [Segment("│ ", border)]
        text_runs: list[TextRun] = []
        column = 2
        for col, pieces in enumerate(wrapped):
            cells = 0
            if index < len(pieces):
                a, b = pieces[index]
                segments.extend(styled_segments(safe, a, b, runs))
                widths_ = char_widths(safe[a:b])
                cells = b - a if widths_ is None else sum(widths_)
                if b > a:
                    text_runs.append(TextRun(offset + a, column, b - a, widths_))
            segments.append(Segment(" " * (widths[col] - cells)))
            segments.append(Segment(" │ " if col < len(widths) - 1 else " │", border))
            column += widths[col] + 3
        start = text_runs[0].offset if text_runs else -1
        end = text_runs[-1].end if text_runs else -1
        lines.append(LaidLine(tuple(segments), column - 1, start, end, tuple(text_runs)))
    return lines


def _stacked(
    block: Block, rows: list[list[Cell]], safe: str, offset: int, width: int, styles: StyleMap
) -> list[LaidLine]:
    """Too many columns for the width: each cell on its own lines, rows between rules."""
    border = styles.get("table-border", Style.null())
    runs = style_runs(len(safe), block.spans, styles.get("table", Style.null()), styles)
    bar = (Segment("│ ", border),)
    lines: list[LaidLine] = []
    for index, row in enumerate(rows):
        if index:
            lines.append(LaidLine((Segment("─" * width, border),), width))
        for a, b in row:
            for x, y in wrap(safe[a:b], width - 2):
                lines.append(text_line(bar, 2, safe, (a + x, a + y), offset, runs))
    return lines
