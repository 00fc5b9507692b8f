"""Plain text to blocks, keeping the author's layout where joining lines would destroy it.

Plain text comes in three shapes: one paragraph per long line (saved web pages, Aozora),
hard-wrapped paragraphs separated by blank lines (Project Gutenberg, RFCs, PEPs), and laid-out
text (verse, tables, tables of contents, code). The document is measured once (wrap width, body
indent, long lines) and each blank-line-separated segment is then judged on its own: prose is
joined into one paragraph, layout keeps its line breaks. Text is never parsed as Markdown.

Laid-out text is PREFORMATTED, its lines exactly as written: box drawing and `+---+` borders,
ASCII art, leaders, columns (text after two or more blanks starting at the same position on
most lines; two blanks after a full stop are sentence spacing), and indented lines that are not
prose or verse (code). RFC-style documents (an IETF header, or "[Page N]" footers and form
feeds) lose their page furniture first, and there everything that is not a prose paragraph,
list item or heading is PREFORMATTED; their prose paragraphs are still joined, so that they
read in a pane narrower than the page. Lines starting with "1.", "a)", "-" or "*" are list
items, their wrapped lines joined and their level taken from their indent; a "====" or "----"
underline makes the line above it a heading.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass

from reader.core.loaders import textlines as tl
from reader.core.models import Block, BlockKind

CHUNK_BLOCKS = 200
"""Blocks per chunk of the stream: enough to fill a screen many times over."""
PREFORMATTED_LINES = 200
"""Longer preformatted runs are cut into blocks of this many lines, so that none is slow to
lay out (as the loaders cut long code blocks)."""
BULLETS = ("•", "◦", "▪")
"""Bullets by nesting level, as Markdown lists show them."""
_BULLET_MARKERS = frozenset("-*•+‣◦o")
LONG_LINE = 100
"""Display cells beyond which a line is an unwrapped paragraph, not a wrapped line."""

_CAPTION = re.compile(
    r"^(?:screen ?shot|courtesy|photo(?:graph)?s?\b|image|credit|source:|illustration|"
    r"pictured|picture:|via |©|\(c\) )",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+\S")
_ROMAN = re.compile(r"^(?=[IVXLC])[IVXLC]{1,7}\.$")
_NOT_HEADING = re.compile(r"[=<>{}\[\]|\\\"“”]| {3,}")
_SENTENCE_END = '.!?"”’)]…。！？」』'


@dataclass(frozen=True, slots=True)
class Segment:
    """Lines between blank lines."""

    lines: tuple[str, ...]
    blank_before: int
    literal: bool = False
    """Indented under a paragraph ending in "::": a reStructuredText literal block (PEPs)."""


@dataclass(frozen=True, slots=True)
class Layout:
    """What the whole document says about how it is written."""

    unwrapped: bool
    body_indent: int
    wrap_width: int
    fixed: bool = False
    """Laid out on fixed pages, as RFCs and Internet-Drafts are: whatever is not a prose
    paragraph, list item or heading keeps its columns (PREFORMATTED)."""


@dataclass(frozen=True, slots=True)
class _Proto:
    """A block before its neighbours decide whether a lone line is a caption or heading."""

    block: Block
    lone: bool = False
    indent: int = 0
    marker: str = ""
    """The list marker a lone line starts with, or a list item's marker before its level is
    known."""


def text_blocks(text: str) -> Iterator[tuple[Block, ...]]:
    """Blocks of plain text, in chunks of about `CHUNK_BLOCKS`."""
    lines = text.split("\n")
    fixed = is_fixed_layout(lines)
    if fixed:
        lines = tl.without_page_furniture(lines)
    segments = split_segments(lines)
    return chunked(classify(segments, measure(segments, fixed=fixed)))


def is_fixed_layout(lines: list[str], *, paged: bool = True) -> bool:
    """RFC-style text: an IETF header block at the top, or pages with "[Page N]" footers
    (looked for only when `paged`: the text holds "[Page " or a form feed)."""
    head = list(itertools.islice((line for line in lines if line.strip()), 30))
    return tl.is_ietf_header(head) or (paged and tl.is_paged(lines))


def split_segments(lines: list[str]) -> list[Segment]:
    """Runs of non-blank lines, each with the number of blank lines before it."""
    segments: list[Segment] = []
    current: list[str] = []
    blanks = 0
    for line in lines:
        line = line.rstrip()
        if line:
            current.append(line)
        elif current:
            segments.append(Segment(tuple(current), blanks))
            current, blanks = [], 1
        else:
            blanks += 1
    if current:
        segments.append(Segment(tuple(current), blanks))
    return _marked_literals(segments)


def _marked_literals(segments: list[Segment]) -> list[Segment]:
    """Segments indented beyond the text of a paragraph ending in "::", as literal."""
    literal_indent: int | None = None
    for index, segment in enumerate(segments):
        if literal_indent is not None:  # measured only after a "::" (most texts have none)
            indent = min(tl.indent_of(line) for line in segment.lines)
            if indent > literal_indent:
                segments[index] = Segment(segment.lines, segment.blank_before, literal=True)
                continue
        literal_indent = None
        last = segment.lines[-1]
        if last.endswith("::"):
            marker = tl.list_marker(last)
            literal_indent = marker[1] if marker else tl.indent_of(last)
    return segments


def measure(segments: list[Segment], *, fixed: bool = False) -> Layout:
    """Wrap width, usual indent of prose, and whether lines are unwrapped paragraphs."""
    widths: list[int] = []
    indents: dict[int, int] = {}
    long_lines = total = 0
    for segment in segments:
        total += len(segment.lines)
        for line in segment.lines:
            width = tl.display_width(line)
            long_lines += width > LONG_LINE
            if len(segment.lines) > 1 and len(widths) < 20_000:
                widths.append(width)
                indent = tl.indent_of(line)
                indents[indent] = indents.get(indent, 0) + 1
    wrap = int(statistics.quantiles(widths, n=10)[-1]) if len(widths) >= 10 else 80
    body_indent = max(indents, key=lambda i: indents[i]) if indents else 0
    unwrapped = long_lines >= max(1, total // 10)
    return Layout(unwrapped, min(body_indent, 8), max(40, wrap), fixed)


def classify(segments: list[Segment], layout: Layout) -> Iterator[Block]:
    """Final blocks: lone lines become captions, headings or list items by what surrounds
    them, and list items get their nesting level from their indents."""
    protos = (proto for segment in segments for proto in segment_protos(segment, layout))
    levels = _ListLevels()
    previous: Block | None = None
    current = next(protos, None)
    for following in _with_end(protos):
        if current is None:
            break
        block = current.block
        if current.lone:
            block = _judge_lone(current, previous, following, layout)
        block = levels.place(block, current)
        yield block
        previous, current = block, following


class _ListLevels:
    """Nesting of plain-text list items by indent: deeper markers are deeper levels, and a
    block back at (or left of) the outermost marker's indent ends the list."""

    def __init__(self) -> None:
        self.indents: list[int] = []

    def place(self, block: Block, proto: _Proto) -> Block:
        if block.kind is not BlockKind.LIST_ITEM:
            if self.indents and (
                block.kind is BlockKind.HEADING or proto.indent <= self.indents[0]
            ):
                self.indents = []
            return block
        while self.indents and self.indents[-1] > proto.indent:
            self.indents.pop()
        if not self.indents or self.indents[-1] < proto.indent:
            self.indents.append(proto.indent)
        level = len(self.indents) - 1
        marker = block.marker
        if marker in _BULLET_MARKERS:
            marker = BULLETS[level % len(BULLETS)]
        return Block(BlockKind.LIST_ITEM, block.text, level=level, marker=marker)


def _with_end(protos: Iterator[_Proto]) -> Iterator[_Proto | None]:
    yield from protos
    yield None


def chunked(blocks: Iterator[Block]) -> Iterator[tuple[Block, ...]]:
    chunk: list[Block] = []
    for block in blocks:
        chunk.append(block)
        if len(chunk) >= CHUNK_BLOCKS:
            yield tuple(chunk)
            chunk = []
    if chunk:
        yield tuple(chunk)


def segment_protos(segment: Segment, layout: Layout) -> Iterator[_Proto]:
    """The blocks one segment makes, before neighbours are considered."""
    lines = segment.lines
    if segment.literal:
        yield from _preformatted(lines, min(tl.indent_of(line) for line in lines))
        return
    start = 0
    while (heading := tl.setext_start(lines[start : start + 3])) is not None:
        text, level, taken = heading  # "Title\n=====", and text may follow the underline
        indent = tl.indent_of(lines[start])
        yield _Proto(Block(BlockKind.HEADING, text, level=level), indent=indent)
        start += taken
        if start >= len(lines):
            return
    lines = lines[start:]
    indent = min(tl.indent_of(line) for line in lines)
    if len(lines) == 1:
        yield _lone(lines[0], indent, layout)
        return
    if tl.is_layout(lines) or tl.has_aligned_columns(lines):
        yield from _preformatted(lines, indent)
        return
    items = tl.list_items(lines)
    if items is not None:
        intro, entries = items
        if intro:
            yield from segment_protos(Segment(tuple(intro), segment.blank_before), layout)
        for marker, item_indent, text in entries:
            block = Block(BlockKind.LIST_ITEM, text, marker=marker)
            yield _Proto(block, indent=item_indent, marker=marker)
        return
    if layout.unwrapped and indent <= layout.body_indent:
        for line in lines:
            yield _lone(line, tl.indent_of(line), layout)
        return
    paragraphs = tl.paragraphs_by_indent(lines, layout.wrap_width)
    if paragraphs is not None:
        kind = BlockKind.QUOTE if _quoted(indent, layout) else BlockKind.PARAGRAPH
        for text in paragraphs:
            yield _Proto(Block(kind, text), indent=indent)
    elif indent > layout.body_indent + 1:
        yield from _indented(lines, indent, layout)
    else:
        text, kept = tl.reflow_lines(lines, layout.wrap_width)
        if kept and layout.fixed:
            yield from _preformatted(lines, indent)
        else:
            yield _Proto(Block(BlockKind.PARAGRAPH, text), indent=indent)


def _preformatted(lines: tuple[str, ...], indent: int) -> Iterator[_Proto]:
    """Lines shown as they are written (trailing blanks aside), cut every
    `PREFORMATTED_LINES` lines so that no block is slow to lay out."""
    for start in range(0, len(lines), PREFORMATTED_LINES):
        text = "\n".join(lines[start : start + PREFORMATTED_LINES])
        yield _Proto(Block(BlockKind.PREFORMATTED, text), indent=indent)


def _lone(line: str, indent: int, layout: Layout) -> _Proto:
    text = line.strip()
    if tl.is_rule(text):
        return _Proto(Block(BlockKind.RULE, ""))
    marker = tl.list_marker(line)
    if marker is not None:
        block = Block(BlockKind.PARAGRAPH, text)
        return _Proto(block, lone=True, indent=indent, marker=marker[0])
    if indent > layout.body_indent + 1 and (
        tl.has_gap(text) or (layout.fixed and tl.is_codeish((text,)))
    ):
        return _Proto(Block(BlockKind.PREFORMATTED, line), indent=indent)
    return _Proto(Block(BlockKind.PARAGRAPH, text), lone=True, indent=indent)


def _indented(lines: tuple[str, ...], indent: int, layout: Layout) -> Iterator[_Proto]:
    """A block indented beyond the body: code, verse, a list, or a quoted passage.

    Only where body text starts at the margin does indented prose mean a quotation; RFCs
    indent whole sections and their lists. Indented lines that are not prose keep their
    columns, except verse, whose lines start with capitals and may wrap in a narrow pane.
    """
    if tl.is_codeish(lines):
        yield from _preformatted(lines, indent)
        return
    text, kept = tl.reflow_lines(lines, layout.wrap_width - indent)
    if kept and (layout.fixed or not tl.is_verse(lines)):
        yield from _preformatted(lines, indent)
        return
    quoted = _quoted(indent, layout) and "\n" not in text and not tl.starts_list_item(text)
    kind = BlockKind.QUOTE if quoted else BlockKind.PARAGRAPH
    yield _Proto(Block(kind, text), indent=indent)


def _quoted(indent: int, layout: Layout) -> bool:
    """Whether prose at `indent` is a quotation: indented where body text is not."""
    return layout.body_indent == 0 and indent > layout.body_indent + 1


def _judge_lone(
    proto: _Proto, previous: Block | None, following: _Proto | None, layout: Layout
) -> Block:
    text = proto.block.text
    if proto.marker:
        item = _lone_item(proto, previous, following, layout)
        if item is not None:
            return item
    elif is_caption(text, previous, following):
        return Block(BlockKind.CAPTION, text)
    level = heading_level(proto, previous, following, layout)
    if level:
        return Block(BlockKind.HEADING, text, level=level)
    if proto.marker:
        return _item_block(proto)
    return proto.block


def _lone_item(
    proto: _Proto, previous: Block | None, following: _Proto | None, layout: Layout
) -> Block | None:
    """A lone line that starts with a list marker, as a list item; None where it may be a
    numbered section heading ("1. Introduction" at the margin, between paragraphs)."""
    if proto.marker in _BULLET_MARKERS:
        return _item_block(proto)
    if proto.indent < layout.body_indent:
        return None
    listed = previous is not None and previous.kind is BlockKind.LIST_ITEM
    if listed or (following is not None and bool(following.marker)):
        return _item_block(proto)
    return None


def _item_block(proto: _Proto) -> Block:
    marker = proto.marker
    text = proto.block.text.removeprefix(marker).strip()
    return Block(BlockKind.LIST_ITEM, text, marker=marker)


def is_caption(text: str, previous: Block | None, following: _Proto | None) -> bool:
    """Photo credits and screenshot names: a known prefix, or a short line beside one."""
    words = len(text.split())
    if words <= 12 and _CAPTION.match(text) and not text.endswith(("?", ":")):
        return True
    if words > 8 or text[-1] in _SENTENCE_END or text[-1] in ",;:":
        return False
    beside_caption = previous is not None and previous.kind is BlockKind.CAPTION
    if following is not None and following.lone:
        beside_caption = beside_caption or bool(_CAPTION.match(following.block.text))
    return beside_caption


def heading_level(
    proto: _Proto, previous: Block | None, following: _Proto | None, layout: Layout
) -> int:
    """2 or 3 when a lone line is clearly a section heading, else 0 (conservative)."""
    text = proto.block.text
    if _ROMAN.match(text):
        return 2
    words = len(text.split())
    if words > 12 or tl.display_width(text) > 80 or text[-1] in _SENTENCE_END + ",;:、，；：":
        return 0
    if text[0].islower():
        return 0
    if proto.indent > layout.body_indent + 1 or _NOT_HEADING.search(text):
        return 0
    if not any(char.isalpha() for char in text):
        return 0
    numbered = _NUMBERED.match(text)
    if numbered:
        return min(2 + numbered.group(1).count("."), 4)
    if text.isupper():
        return 2
    if following is None:
        return 0
    if proto.indent < layout.body_indent and following.indent >= layout.body_indent:
        return 2
    introduces = len(following.block.text) >= 200 and following.block.kind is BlockKind.PARAGRAPH
    after_prose = (
        previous is not None
        and previous.kind is BlockKind.PARAGRAPH
        and "\n" not in previous.text
        and len(previous.text) >= 200
        and previous.text[-1] in _SENTENCE_END
    )
    return 2 if words <= 8 and introduces and after_prose else 0
