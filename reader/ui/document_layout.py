"""Lay a `Document` out to terminal lines that know which text offsets they show.

Pure (rich only, never textual) so it is tested without a screen and runs in a thread: the
reading view lays out the first screenful at once and the rest in a worker, batch by batch,
with `layout_blocks`. Every character drawn passes through `safe_line` (one char in, one char
out), so an offset into `Document.text` maps to a cell exactly and article text is never
markup or a terminal command. Text is built into `Segment`s directly, never parsed.

Prose wraps at words (CJK between characters, with kinsoku); code and preformatted text wrap
only between tokens, behind a `↪` (`code_wrap`); callouts are boxes (`callout_layout`); a
paragraph with right-to-left letters is drawn in visual order, right-aligned when it runs right
to left (`bidi_lines`). ASCII text never reaches the CJK or bidi code.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from rich.segment import Segment
from rich.style import Style

from reader.core.models import BLOCK_SEPARATOR, ArticleMeta, Block, BlockKind, reading_minutes
from reader.core.sanitize import inert, safe_line
from reader.ui.bidi_lines import has_rtl, is_rtl_paragraph, paragraph_levels, visual, visual_line
from reader.ui.callout_layout import callout_kind, layout_callout
from reader.ui.code_wrap import CONTINUATION, wrap_code
from reader.ui.laid_line import (
    BLANK,
    LaidLine,
    StyleMap,
    StyleRuns,
    TextRun,
    fold,
    safe_body,
    style_runs,
    text_cells,
    text_line,
    wrap,
)
from reader.ui.table_layout import layout_table

__all__ = [
    "BLANK",
    "DEFAULT_STYLES",
    "LaidLine",
    "StyleMap",
    "TextRun",
    "layout_block",
    "layout_blocks",
    "layout_header",
    "layout_message",
    "style_of",
]

DEFAULT_STYLES: dict[str, Style] = {
    "title": Style(bold=True, color="bright_cyan"),
    "byline": Style(italic=True),
    "stats": Style(dim=True),
    "warning": Style(color="yellow", italic=True),
    "heading-1": Style(bold=True, color="bright_cyan"),
    "heading-2": Style(bold=True, color="cyan"),
    "heading-3": Style(bold=True),
    "heading-4": Style(bold=True, italic=True),
    "heading-rule": Style(color="cyan", dim=True),
    "caption": Style(dim=True, italic=True),
    "quote": Style(italic=True),
    "quote-bar": Style(color="bright_black"),
    "list-marker": Style(color="cyan"),
    "code-block": Style(bgcolor="grey15"),
    "preformatted": Style(),
    "wrap-mark": Style(dim=True),
    "term": Style(bold=True),
    "callout-note": Style(color="bright_blue"),
    "callout-tip": Style(color="green"),
    "callout-important": Style(color="magenta"),
    "callout-warning": Style(color="yellow"),
    "callout-caution": Style(color="red"),
    "callout-title": Style(bold=True),
    "table-border": Style(color="bright_black"),
    "table-header": Style(bold=True),
    "image": Style(dim=True),
    "footnote": Style(dim=True),
    "footnote-label": Style(dim=True, bold=True),
    "rule": Style(color="bright_black"),
    "message": Style(dim=True, italic=True),
    "em": Style(italic=True),
    "strong": Style(bold=True),
    "code": Style(bgcolor="grey23"),
    "strike": Style(strike=True),
    "link": Style(underline=True, color="bright_blue"),
    "search-hit": Style(reverse=True),
    "current-hit": Style(bgcolor="yellow", color="black", bold=True),
    "highlight": Style(bgcolor="dark_goldenrod", color="black"),
    # One per `reader.core.notes.COLORS`; "highlight-current" marks the one ] and [ reached.
    "highlight-yellow": Style(bgcolor="#d7d75f", color="black"),
    "highlight-green": Style(bgcolor="#87d787", color="black"),
    "highlight-blue": Style(bgcolor="#87afd7", color="black"),
    "highlight-pink": Style(bgcolor="#ffafd7", color="black"),
    "highlight-purple": Style(bgcolor="#af87d7", color="black"),
    "highlight-current": Style(bold=True, underline=True),
    "selection": Style(bgcolor="#005f87", color="white"),
    "caret": Style(reverse=True, bold=True),
}
"""Styles used when the caller gives none; the app maps its theme onto these names."""

CODE_INDENT = 2
DEFINITION_INDENT = 4
MAX_INDENT_SHARE = 2
"""Prefixes (list indent, quote bars) never take more than 1/this of the width."""
_TIGHT = {
    (BlockKind.TERM, BlockKind.TERM),
    (BlockKind.TERM, BlockKind.DEFINITION),
}
"""Pairs of consecutive blocks with no blank line between: a term and its definition."""


def style_of(styles: StyleMap, name: str) -> Style:
    return styles.get(name) or DEFAULT_STYLES.get(name) or Style.null()


def layout_blocks(
    blocks: Sequence[Block],
    width: int,
    styles: StyleMap = DEFAULT_STYLES,
    *,
    first_offset: int = 0,
    leading_blank: bool = False,
    previous: Block | None = None,
) -> list[LaidLine]:
    """Lines for a batch of consecutive blocks, one blank line between blocks.

    Args:
        blocks: Blocks in reading order.
        width: Cells available for text.
        styles: Style names to rich styles.
        first_offset: Offset of `blocks[0]` in `Document.text`.
        leading_blank: Start with a blank line (the batch follows earlier lines).
        previous: The block before `blocks[0]`, if any: a definition right after its term
            has no blank line before it, in a batch or not.
    """
    lines: list[LaidLine] = []
    offset = first_offset
    for index, block in enumerate(blocks):
        before = blocks[index - 1] if index else previous
        if (index or leading_blank) and (before is None or (before.kind, block.kind) not in _TIGHT):
            lines.append(BLANK)
        lines.extend(layout_block(block, offset, width, styles))
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    return lines


def layout_block(block: Block, offset: int, width: int, styles: StyleMap) -> list[LaidLine]:
    """Lines for one block whose text starts at `offset` in the article text."""
    width = max(width, 8)
    kind = block.kind
    if kind is BlockKind.CODE:
        return _code(block, offset, width, styles)
    if kind is BlockKind.PREFORMATTED:
        return _preformatted(block, offset, width, styles)
    if kind is BlockKind.CALLOUT:
        room = width // MAX_INDENT_SHARE
        indent = min(block.level, max(0, (room - 8) // 2)) * 2
        look = callout_kind(block.language)
        border = style_of(styles, f"callout-{look}")
        title = border + style_of(styles, "callout-title")
        return layout_callout(block, offset, width, styles, indent, (border, title))
    if kind is BlockKind.TABLE and block.text:
        return layout_table(block, offset, width, styles)
    if kind is BlockKind.RULE and not block.text.strip():
        return [_rule("─", width, style_of(styles, "rule"))]
    base = style_of(styles, _base_style(block))
    lines = _flow(block, offset, width, base, styles)
    if kind is BlockKind.HEADING and block.level <= 2:
        ruler = "━" if block.level <= 1 else "─"
        span = width if block.level <= 1 else max(_text_span(line) for line in lines)
        rule = _rule(ruler, span, style_of(styles, "heading-rule"))
        if lines[0].rtl and span < width:  # under right-aligned text
            rule = LaidLine((Segment(" " * (width - span)), *rule.segments), width)
        lines.append(rule)
    elif kind is BlockKind.IMAGE and block.marker:
        lines.extend(_image_target(lines, block.marker, width, style_of(styles, "image")))
    return lines


def _text_span(line: LaidLine) -> int:
    """Cells from the line's first drawn text (or its start) to its end."""
    return line.cell_length - (line.runs[0].column if line.rtl and line.runs else 0)


def _base_style(block: Block) -> str:
    if block.kind is BlockKind.HEADING:
        return f"heading-{min(max(block.level, 1), 4)}"
    return {
        BlockKind.CAPTION: "caption",
        BlockKind.QUOTE: "quote",
        BlockKind.IMAGE: "image",
        BlockKind.FOOTNOTE: "footnote",
        BlockKind.TERM: "term",
    }.get(block.kind, "body")


Prefix = tuple[tuple[Segment, ...], tuple[Segment, ...], int]
"""Decoration before the first line, before later lines, and its width in cells."""


def _prefixes(block: Block, width: int, styles: StyleMap, *, rtl: bool = False) -> Prefix:
    """List markers with a hanging indent, quote bars by level, footnote labels, image icon,
    definition indent. With `rtl` the same decoration mirrored, to stand right of the text."""
    room = width // MAX_INDENT_SHARE
    kind = block.kind
    if kind is BlockKind.LIST_ITEM:
        marker = safe_line(inert(block.marker or "•", limit=8))
        marker = f" {visual(marker)}" if rtl else f"{marker} "
        indent = "  " * min(block.level, max(0, (room - text_cells(marker)) // 2))
        cells = len(indent) + text_cells(marker)
        mark = Segment(marker, style_of(styles, "list-marker"))
        first = (mark, Segment(indent)) if rtl else (Segment(indent), mark)
        return first, (Segment(" " * cells),), cells
    if kind is BlockKind.QUOTE:
        bars = (" ▐" if rtl else "▌ ") * min(block.level + 1, max(1, room // 2))
        segments = (Segment(bars, style_of(styles, "quote-bar")),)
        return segments, segments, len(bars)
    if kind is BlockKind.FOOTNOTE and block.marker:
        label = f"[{safe_line(inert(block.marker, limit=16))}]"
        label = f" {visual(label)}" if rtl else f"{label} "
        cells = text_cells(label)
        first = (Segment(label, style_of(styles, "footnote-label")),)
        return first, (Segment(" " * cells),), cells
    if kind is BlockKind.IMAGE:
        icon = " 🖼" if rtl else "🖼 "
        return (Segment(icon, style_of(styles, "image")),), (Segment("   "),), text_cells(icon)
    if kind is BlockKind.DEFINITION:
        indent = (Segment(" " * DEFINITION_INDENT),)
        return indent, indent, DEFINITION_INDENT
    return (), (), 0


def _flow(block: Block, offset: int, width: int, base: Style, styles: StyleMap) -> list[LaidLine]:
    """Word-wrapped text; newlines inside the block are hard breaks."""
    safe = safe_body(block.text)
    runs = style_runs(len(safe), block.spans, base, styles)
    if has_rtl(safe):
        return _flow_bidi(block, safe, runs, offset, width, styles)
    first, rest, cells = _prefixes(block, width, styles)
    lines: list[LaidLine] = []
    start = 0
    for hard in block.text.split("\n"):
        end = start + len(hard)
        for a, b in wrap(safe[start:end], width - cells):
            line_prefix = rest if lines else first
            lines.append(text_line(line_prefix, cells, safe, (start + a, start + b), offset, runs))
        start = end + 1
    return lines


def _flow_bidi(
    block: Block, safe: str, runs: StyleRuns, offset: int, width: int, styles: StyleMap
) -> list[LaidLine]:
    """`_flow` for text with right-to-left characters: wrapped in logical order, each line
    drawn in visual order; a right-to-left paragraph is right-aligned, its decoration (list
    marker, quote bars) on the right."""
    rtl = is_rtl_paragraph(safe)
    levels = paragraph_levels(safe, rtl)
    first, rest, cells = _prefixes(block, width, styles, rtl=rtl)
    lines: list[LaidLine] = []
    start = 0
    for hard in safe.split("\n"):
        end = start + len(hard)
        for a, b in wrap(hard, width - cells):
            decoration = rest if lines else first
            span = (start + a, start + b)
            if not rtl:
                segments, drawn, text_runs = visual_line(safe, span, offset, runs, levels, 0, cells)
                line = (*decoration, *segments)
                lines.append(
                    LaidLine(
                        line, cells + drawn, offset + span[0], offset + span[1], tuple(text_runs)
                    )
                )
                continue
            room = width - cells
            segments, drawn, text_runs = visual_line(safe, span, offset, runs, levels, 1, 0)
            pad = room - drawn
            text_runs = [run.moved(pad) for run in text_runs]
            line = (Segment(" " * pad), *segments, *decoration)
            lines.append(
                LaidLine(
                    line, width, offset + span[0], offset + span[1], tuple(text_runs), rtl=True
                )
            )
        start = end + 1
    return lines


def _rule(char: str, width: int, style: Style) -> LaidLine:
    return LaidLine((Segment(char * width, style),), width)


def _image_target(lines: list[LaidLine], target: str, width: int, style: Style) -> list[LaidLine]:
    """ " — target" after the alt text: on its last line if it fits, else folded below."""
    suffix = " — " + safe_line(inert(target, limit=500))
    last = lines[-1]
    if last.cell_length + text_cells(suffix) <= width:
        grown = (*last.segments, Segment(suffix, style))
        cells = last.cell_length + text_cells(suffix)
        lines[-1] = LaidLine(grown, cells, last.start, last.end, last.runs)
        return []
    return [
        LaidLine((Segment("   "), Segment(suffix[a:b], style)), 3 + text_cells(suffix[a:b]))
        for a, b in fold(suffix, 1, len(suffix), width - 3)
    ]


def _code(block: Block, offset: int, width: int, styles: StyleMap) -> list[LaidLine]:
    """Syntax-highlighted code on a shaded band; long lines wrap at a token boundary."""
    base = style_of(styles, "code-block")
    safe = safe_body(block.text)
    runs = _code_runs(block.text, block.language, base)
    mark = base + style_of(styles, "wrap-mark")
    lines = _fixed_lines(safe, 0, offset, width - CODE_INDENT, runs, base, mark)
    indent = Segment(" " * CODE_INDENT, base)
    for index, line in enumerate(lines):
        pad = Segment(" " * max(0, width - CODE_INDENT - line.cell_length), base)
        text_runs = tuple(run.moved(CODE_INDENT) for run in line.runs)
        segments = (indent, *line.segments, pad)
        lines[index] = LaidLine(segments, width, line.start, line.end, text_runs)
    return lines


def _preformatted(block: Block, offset: int, width: int, styles: StyleMap) -> list[LaidLine]:
    """Fixed-column text line for line, plain; when it is wider than the pane, the indentation
    all its lines share is dropped first, and lines still too long wrap like code."""
    base = style_of(styles, "preformatted")
    safe = safe_body(block.text)
    runs = style_runs(len(safe), block.spans, base, styles)
    mark = base + style_of(styles, "wrap-mark")
    hard = safe.split("\n")
    dedent = 0
    if max(map(text_cells, hard)) > width:
        dedent = min(
            (len(line) - len(line.lstrip(" ")) for line in hard if line.strip()), default=0
        )
    return _fixed_lines(safe, dedent, offset, width, runs, base, mark)


def _fixed_lines(
    safe: str, dedent: int, offset: int, width: int, runs: StyleRuns, base: Style, mark: Style
) -> list[LaidLine]:
    """Code or preformatted lines from column 0: each hard line (less `dedent` leading
    spaces) wrapped at token boundaries, continuations after a hanging `↪`."""
    lines: list[LaidLine] = []
    start = 0
    for hard in safe.split("\n"):
        end = start + len(hard)
        first = start + min(dedent, len(hard) - len(hard.lstrip(" ")))
        ranges, indent = wrap_code(safe[first:end], width)
        for index, (a, b) in enumerate(ranges):
            span = (first + a, first + b)
            if index == 0:
                lines.append(text_line((), 0, safe, span, offset, runs))
                continue
            hang = (Segment(" " * (indent - len(CONTINUATION)), base), Segment(CONTINUATION, mark))
            lines.append(text_line(hang, indent, safe, span, offset, runs))
        start = end + 1
    return lines


def _code_runs(code: str, language: str, base: Style) -> tuple[list[int], list[Style]]:
    """Style runs from Pygments tokens, indexed by character so offsets stay exact."""
    lexer = _lexer(language.strip().lower()) if language else None
    if lexer is None or not code:
        return [0], [base]
    starts: list[int] = []
    run_styles: list[Style] = []
    for index, token_type, _value in lexer.get_tokens_unprocessed(code):
        style = base + _token_style(token_type)
        if run_styles and style == run_styles[-1]:
            continue
        starts.append(index)
        run_styles.append(style)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
        run_styles.insert(0, base)
    return starts, run_styles


@lru_cache(maxsize=64)
def _lexer(language: str) -> Any:
    """A Pygments lexer by name (imported lazily: most articles have no code), or None."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=512)
def _token_style(token_type: Any) -> Style:
    from rich.syntax import ANSI_DARK, ANSISyntaxTheme

    return ANSISyntaxTheme(ANSI_DARK).get_style_for_token(token_type)


def layout_header(
    meta: ArticleMeta,
    path: Path,
    width: int,
    styles: StyleMap = DEFAULT_STYLES,
    *,
    words: int | None = None,
    warnings: tuple[str, ...] = (),
) -> list[LaidLine]:
    """Title, byline (author · date · tags), stats (words · minutes · path), for a saved page
    read by a fallback extraction which one and why, what could not
    be read (front matter that failed to parse: the reader should know its metadata is
    missing), then a rule.

    `words` is None while the article is still arriving. The stats line is cut to one line
    so the header keeps its height when the count becomes final.
    """
    width = max(width, 8)
    title = safe_line(inert(meta.title or path.name))
    title_style = style_of(styles, "title")
    rtl = is_rtl_paragraph(title)
    lines = [_decoration(title[a:b], width, title_style, rtl) for a, b in wrap(title, width)]
    byline = [meta.author, meta.date.strftime("%Y-%m-%d") if meta.date else ""]
    byline.append(", ".join(f"#{tag}" for tag in meta.tags))
    if any(byline):
        lines.append(_one_line(" · ".join(p for p in byline if p), width, styles, "byline"))
    count = "counting words…" if words is None else f"{words:,} words"
    minutes = "" if words is None else f" · {reading_minutes(words)} min"
    lines.append(_one_line(f"{count}{minutes} · {path}", width, styles, "stats"))
    if meta.extraction:  # a saved page read by another extractor than usual: say which, why
        lines.append(_one_line(f"Text from {meta.extraction}", width, styles, "stats"))
    for warning in warnings:
        lines.append(_one_line(f"⚠ {warning}", width, styles, "warning"))
    lines.append(_rule("─", width, style_of(styles, "rule")))
    return lines


def _one_line(value: str, width: int, styles: StyleMap, style: str) -> LaidLine:
    """`value` made safe and cut with an ellipsis to fit one line."""
    text = safe_line(inert(value))
    if text_cells(text) > width:
        a, b = fold(text, 0, len(text), width - 1)[0]
        text = text[a:b] + "…"
    return _decoration(text, width, style_of(styles, style), is_rtl_paragraph(text))


def _decoration(text: str, width: int, style: Style, rtl: bool) -> LaidLine:
    """A header line (no article text): right-to-left words in visual order, and a
    right-to-left line right-aligned."""
    if has_rtl(text):
        text = visual(text, rtl=rtl)
    cells = text_cells(text)
    if rtl:
        return LaidLine((Segment(" " * (width - cells)), Segment(text, style)), width)
    return LaidLine((Segment(text, style),), cells)


def layout_message(message: str, width: int, styles: StyleMap = DEFAULT_STYLES) -> list[LaidLine]:
    """A notice in place of an article ("Loading…", why a file was skipped)."""
    text = safe_line(inert(message, limit=4000))
    style = style_of(styles, "message")
    return [
        LaidLine((Segment(text[a:b], style),), text_cells(text[a:b]))
        for a, b in wrap(text, max(width, 8))
    ]
