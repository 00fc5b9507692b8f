"""Callouts (admonitions, GitHub alerts) as a titled box whose content keeps its text offsets.

    ╭─ Note ───────────────╮
    │ The content, wrapped │
    │ inside the box.      │
    ╰──────────────────────╯

The title (`block.marker`) and the borders are decoration; the content is the block's text,
one paragraph per line of it, with a blank line in the box between paragraphs. A paragraph
that runs right to left is right-aligned inside the box, in visual order (see `bidi_lines`).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from reader.core.models import Block
from reader.core.sanitize import inert, safe_line
from reader.ui.bidi_lines import has_rtl, is_rtl_paragraph, paragraph_levels, visual, visual_line
from reader.ui.laid_line import (
    LaidLine,
    StyleMap,
    fold,
    safe_body,
    style_runs,
    text_cells,
    text_line,
    wrap,
)

KINDS = {
    "note": "note",
    "info": "note",
    "abstract": "note",
    "summary": "note",
    "seealso": "note",
    "todo": "note",
    "tip": "tip",
    "hint": "tip",
    "success": "tip",
    "check": "tip",
    "done": "tip",
    "example": "tip",
    "important": "important",
    "question": "important",
    "help": "important",
    "faq": "important",
    "warning": "warning",
    "attention": "warning",
    "caution": "caution",
    "danger": "caution",
    "error": "caution",
    "failure": "caution",
    "fail": "caution",
    "missing": "caution",
    "bug": "caution",
}
"""Callout types to the five looks (`callout-note` … `callout-caution` styles)."""


def callout_kind(language: str) -> str:
    """The look of a callout of this type: note, tip, important, warning or caution."""
    return KINDS.get(language.strip().lower(), "note")


def layout_callout(
    block: Block,
    offset: int,
    width: int,
    styles: StyleMap,
    indent: int,
    looks: tuple[Style, Style],
) -> list[LaidLine]:
    """Lines of a CALLOUT block starting at `offset`, its box `indent` cells in.

    `looks` are the border's style and the title's.
    """
    border, title_style = looks
    box = max(width - indent, 8)
    inner = box - 4
    left = Segment(" " * indent + "│ ", border)
    right = Segment(" │", border)
    lines = [_top(block, indent, box, border, title_style)]
    safe = safe_body(block.text)
    runs = style_runs(len(safe), block.spans, styles.get("callout", Style.null()), styles)
    start = 0
    for paragraph in safe.split("\n"):
        end = start + len(paragraph)
        if paragraph.strip():
            if len(lines) > 1:
                blank = Segment(" " * inner)
                lines.append(LaidLine((left, blank, right), indent + box))
            lines.extend(_paragraph(safe, start, end, offset, inner, runs, left, right, indent))
        start = end + 1
    if len(lines) == 1:  # no content: keep the box closed around one empty line
        lines.append(LaidLine((left, Segment(" " * inner), right), indent + box))
    bottom = " " * indent + "╰" + "─" * (box - 2) + "╯"
    lines.append(LaidLine((Segment(bottom, border),), indent + box))
    return lines


def _top(block: Block, indent: int, box: int, border: Style, title_style: Style) -> LaidLine:
    """`╭─ Title ───╮`, the title cut to fit; a right-to-left title stands on the right."""
    title = safe_line(inert(block.marker or block.language.strip().title() or "Note", limit=200))
    rtl = is_rtl_paragraph(title)
    if rtl:
        title = visual(title)
    if text_cells(title) > box - 6:
        a, b = (fold(title, 0, len(title), box - 7) or [(0, 0)])[0]
        title = title[a:b] + "…"
    dashes = "─" * (box - 5 - text_cells(title))
    if rtl:
        segments = (
            Segment(" " * indent + "╭" + dashes + " ", border),
            Segment(title, title_style),
            Segment(" ─╮", border),
        )
    else:
        segments = (
            Segment(" " * indent + "╭─ ", border),
            Segment(title, title_style),
            Segment(" " + dashes + "╮", border),
        )
    return LaidLine(segments, indent + box)


def _paragraph(
    safe: str,
    start: int,
    end: int,
    offset: int,
    inner: int,
    runs: tuple[list[int], list[Style]],
    left: Segment,
    right: Segment,
    indent: int,
) -> list[LaidLine]:
    """One paragraph of the content wrapped inside the side bars, padded to the box."""
    column = indent + 2
    text = safe[start:end]
    rtl = has_rtl(text) and is_rtl_paragraph(text)
    levels = bytes(start) + paragraph_levels(text, rtl) if has_rtl(text) else b""
    lines: list[LaidLine] = []
    for a, b in wrap(text, inner):
        span = (start + a, start + b)
        if not levels:
            line = text_line((left,), column, safe, span, offset, runs)
            pad = Segment(" " * (inner - (line.cell_length - column)))
            segments = (*line.segments, pad, right)
            lines.append(LaidLine(segments, column + inner + 2, line.start, line.end, line.runs))
            continue
        pieces, cells, text_runs = visual_line(safe, span, offset, runs, levels, int(rtl), column)
        pad = Segment(" " * (inner - cells))
        if rtl:
            text_runs = [run.moved(inner - cells) for run in text_runs]
            segments = (left, pad, *pieces, right)
        else:
            segments = (left, *pieces, pad, right)
        laid = LaidLine(
            segments, column + inner + 2, offset + span[0], offset + span[1], tuple(text_runs), rtl
        )
        lines.append(laid)
    return lines
