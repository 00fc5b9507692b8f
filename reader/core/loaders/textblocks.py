"""Plain text to blocks, keeping the author's layout where joining lines would destroy it.

Plain text comes in three shapes: one paragraph per long line (saved web pages, Aozora),
hard-wrapped paragraphs separated by blank lines (Project Gutenberg, RFCs, PEPs), and laid-out
text (verse, tables, tables of contents, code). The document is measured once (wrap width, body
indent, long lines) and each blank-line-separated segment is then judged on its own: prose is
joined into one paragraph, layout keeps its line breaks. Text is never parsed as Markdown.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass

from reader.core.loaders import textlines as tl
from reader.core.models import Block, BlockKind

CHUNK_BLOCKS = 200
"""Blocks per chunk of the stream: enough to fill a screen many times over."""
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


@dataclass(frozen=True, slots=True)
class Layout:
    """What the whole document says about how it is written."""

    unwrapped: bool
    body_indent: int
    wrap_width: int


@dataclass(frozen=True, slots=True)
class _Proto:
    """A block before its neighbours decide whether a lone line is a caption or heading."""

    block: Block
    lone: bool = False
    indent: int = 0


def text_blocks(text: str) -> Iterator[tuple[Block, ...]]:
    """Blocks of plain text, in chunks of about `CHUNK_BLOCKS`."""
    segments = split_segments(text.split("\n"))
    return chunked(classify(segments, measure(segments)))


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
    return segments


def measure(segments: list[Segment]) -> Layout:
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
    return Layout(unwrapped, min(body_indent, 8), max(40, wrap))


def classify(segments: list[Segment], layout: Layout) -> Iterator[Block]:
    """Final blocks: lone lines become captions or headings by what surrounds them."""
    protos = (proto for segment in segments for proto in segment_protos(segment, layout))
    previous: Block | None = None
    current = next(protos, None)
    for following in _with_end(protos):
        if current is None:
            break
        block = current.block
        if current.lone:
            block = _judge_lone(current, previous, following, layout)
        yield block
        previous, current = block, following


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
    indent = min(tl.indent_of(line) for line in lines)
    if len(lines) == 1:
        yield _lone(lines[0], indent)
        return
    heading = tl.setext_heading_level(lines)
    if heading:
        yield _Proto(Block(BlockKind.HEADING, heading[0], level=heading[1]), indent=indent)
    elif tl.is_layout(lines):
        yield _Proto(Block(BlockKind.CODE, tl.dedent(lines, indent)), indent=indent)
    elif layout.unwrapped and indent <= layout.body_indent:
        for line in lines:
            yield _lone(line, tl.indent_of(line))
    elif indent > layout.body_indent + 1:
        yield _Proto(_indented(lines, indent, layout), indent=indent)
    else:
        text = tl.reflow(lines, layout.wrap_width)
        yield _Proto(Block(BlockKind.PARAGRAPH, text), indent=indent)


def _lone(line: str, indent: int) -> _Proto:
    text = line.strip()
    if tl.is_rule(text):
        return _Proto(Block(BlockKind.RULE, ""))
    return _Proto(Block(BlockKind.PARAGRAPH, text), lone=True, indent=indent)


def _indented(lines: tuple[str, ...], indent: int, layout: Layout) -> Block:
    """A block indented beyond the body: code, verse, a list, or a quoted passage.

    Only where body text starts at the margin does indented prose mean a quotation; RFCs
    indent whole sections and their lists.
    """
    if tl.is_codeish(lines):
        return Block(BlockKind.CODE, tl.dedent(lines, indent))
    text = tl.reflow(lines, layout.wrap_width - indent)
    quoted = layout.body_indent == 0 and "\n" not in text and not tl.starts_list_item(text)
    return Block(BlockKind.QUOTE if quoted else BlockKind.PARAGRAPH, text)


def _judge_lone(
    proto: _Proto, previous: Block | None, following: _Proto | None, layout: Layout
) -> Block:
    text = proto.block.text
    if is_caption(text, previous, following):
        return Block(BlockKind.CAPTION, text)
    level = heading_level(proto, previous, following, layout)
    if level:
        return Block(BlockKind.HEADING, text, level=level)
    return proto.block


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
