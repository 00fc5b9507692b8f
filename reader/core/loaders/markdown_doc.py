"""Markdown source to `Document` blocks, in chunks so a long article paints early.

markdown-it parses 20 KB in milliseconds but 1 MB in a third of a second, so the source is cut at
blank lines after which no construct can continue (outside fenced code, raw HTML and lists) and
each piece is parsed on its own. Link and footnote definitions are gathered from the whole source
first and handed to every piece, so a reference resolves wherever its definition is. Footnote
definitions stay where they are written (as FOOTNOTE blocks), which keeps chunks independent.
Nothing is fetched and no HTML is rendered: tags are stripped and their text kept.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from reader.core.loaders.markdown_guards import MAX_INLINE_NESTING, guard, parse_inline_with
from reader.core.loaders.markdown_inline import (
    clip,
    html_text,
    image_alt,
    inline_text,
    lone_image,
    strip,
)
from reader.core.models import Block, BlockKind, Document, Span

FIRST_CHUNK = 16_000
"""Characters in the first piece: small, so the first screen is ready in a few milliseconds."""
CHUNK = 64_000
"""Characters in later pieces: large enough that per-piece overhead does not matter."""
MAX_NESTING = 50
"""markdown-it's recursion guard. It drops what is nested deeper, so such a piece is shown plain."""
BULLETS = ("•", "◦", "▪")

# Lines that change what a blank line means: fences, raw HTML that may hold blank lines, and
# link/footnote definitions (with the next line, which may hold a title). The leading newline lets
# the regex engine skip ahead to line starts (three times faster than `^`); the source therefore
# always starts with a newline.
_OUTLINE = re.compile(
    r"\n(?: {0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$"
    r"| {0,3}<(?P<html>!--|\?|!\[CDATA\[|(?:script|pre|style|textarea)(?=[\s>]|$))"
    # quote markers then up to four blanks: written so that no blank can be matched two ways,
    # which made "> > > …" without a definition exponential
    r"|(?P<define>(?: {0,3}>(?: {0,4}>)* {0,4}| {0,3})"
    r"\[[^\]\n]+\]:[^\n]*)(?=(?P<title>\n[^\n]*\S[^\n]*)?))",
    re.MULTILINE | re.IGNORECASE,
)
_HTML_END = {"!--": "-->", "?": "?>", "![cdata[": "]]>"}
_BOUNDARY = re.compile(r"\n[ \t]*\n(?=\S)")
_LIST_START = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
_CONTAINER_CLOSE = frozenset(
    f"{name}_close"
    for name in ("bullet_list", "ordered_list", "list_item", "blockquote", "footnote_reference")
)
_TASK = {"[ ] ": "☐", "[x] ": "☑", "[X] ": "☑"}


class _RawLinkMarkdown(MarkdownIt):
    """Keeps every link target exactly as written; a later link policy decides what may open."""

    def validateLink(self, url: str) -> bool:
        return True

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link


@cache
def _parser() -> MarkdownIt:
    md = _configured(MAX_NESTING)
    parse_inline_with(md, _configured(MAX_INLINE_NESTING))
    return md


def _configured(max_nesting: int) -> MarkdownIt:
    md = _RawLinkMarkdown("commonmark", {"maxNesting": max_nesting})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False, move_to_end=False)
    # The stock normalize rule turns NUL into U+FFFD; newlines are normalised before parsing and
    # control characters are left for the display sanitiser.
    md.core.ruler.at("normalize", lambda state: None)
    guard(md)  # linear time on hostile inline markup
    return md


@dataclass(frozen=True)
class _Outline:
    """What the pre-pass learned about the whole source."""

    starts: list[int]
    ends: list[int]
    """Regions (fenced code, raw HTML) where a blank line does not end anything."""
    references: dict[str, Any]
    footnotes: dict[str, int]

    def env(self) -> dict[str, Any]:
        """A fresh markdown-it env that already knows every definition in the document."""
        return {
            "references": dict(self.references),
            "footnotes": {"refs": dict(self.footnotes), "list": {}},
        }

    def protected_end(self, pos: int) -> int | None:
        index = bisect_left(self.starts, pos) - 1  # a region starting at pos is after it
        return self.ends[index] if index >= 0 and pos < self.ends[index] else None


def _line_end(source: str, pos: int) -> int:
    end = source.find("\n", pos)
    return len(source) if end < 0 else end


def _region_end(source: str, match: re.Match[str]) -> int | None:
    """Where the fence or raw HTML block opened by `match` ends, or None if it opens nothing."""
    if fence := match["fence"]:
        if fence[0] == "`" and "`" in match["info"]:
            return None  # not a fence: backtick info strings cannot hold backticks
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        found = close.search(source, _line_end(source, match.start() + 1) + 1)
        return found.end() if found else len(source)
    opener = match["html"].lower()
    closer = _HTML_END.get(opener)
    if closer is None:
        found = re.compile(rf"</{opener}>", re.I).search(source, match.start())
        at = found.start() if found else -1
    else:
        at = source.find(closer, match.start())
    return len(source) if at < 0 else _line_end(source, at)


def _outline(source: str) -> _Outline:
    starts: list[int] = []
    ends: list[int] = []
    definitions: list[str] = []
    pos = 0
    while match := _OUTLINE.search(source, pos):
        pos = match.end()
        if match["define"]:
            definitions.append(match["define"] + (match["title"] or ""))
        elif (end := _region_end(source, match)) is not None:
            starts.append(match.start() + 1)
            ends.append(end)
            pos = end
    env: dict[str, Any] = {}
    if definitions:
        _parser().parse("\n\n".join(dict.fromkeys(definitions)), env)  # parsed once, deduplicated
    footnotes = env.get("footnotes", {}).get("refs", {})
    return _Outline(starts, ends, env.get("references", {}), dict.fromkeys(footnotes, -1))


def _cut_point(source: str, pos: int, outline: _Outline) -> int:
    """The first safe place at or after `pos` to start a new piece."""
    while match := _BOUNDARY.search(source, pos):
        cut = match.end()
        if (end := outline.protected_end(cut)) is not None:
            pos = end
        elif _LIST_START.match(source, cut):
            pos = cut  # the next line may continue a list above; splitting would renumber it
        else:
            return cut
    return len(source)


def _pieces(source: str, outline: _Outline) -> Iterator[str]:
    start, size = 0, FIRST_CHUNK
    while start < len(source):
        cut = _cut_point(source, start + size, outline)
        yield source[start:cut]
        start, size = cut, CHUNK


@dataclass
class _Frame:
    """One open container: a list, a list item, a quote or a footnote definition."""

    kind: str
    marker: str = ""


class _Converter:
    """Turns one piece's flat token stream into blocks, tracking the open containers."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.frames: list[_Frame] = []
        self.heading = 0
        self.rows: list[list[str]] | None = None

    def convert(self, tokens: Sequence[Token]) -> list[Block]:
        for token in tokens:
            self._token(token)
        return [b for b in self.blocks if b.text or b.kind is BlockKind.RULE]

    def _token(self, token: Token) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.frames.append(_Frame("list"))
        elif kind == "list_item_open":
            self.frames.append(_Frame("item", marker=self._item_marker(token)))
        elif kind == "blockquote_open":
            self.frames.append(_Frame("quote"))
        elif kind == "footnote_reference_open":
            self.frames.append(_Frame("footnote", marker=str(token.meta.get("label", ""))))
        elif kind in _CONTAINER_CLOSE:
            self._pop()
        elif kind == "heading_open":
            self.heading = int(token.tag[1:])
        elif kind == "heading_close":
            self.heading = 0
        elif kind == "table_open":
            self.rows = []
        elif kind == "tr_open" and self.rows is not None:
            self.rows.append([])
        elif kind == "table_close":
            self._table()
        elif kind == "inline":
            self._inline(token)
        elif kind in ("fence", "code_block"):
            language = token.info.split()[0] if token.info.strip() else ""
            self.blocks.append(
                Block(BlockKind.CODE, token.content.removesuffix("\n"), language=language)
            )
        elif kind == "hr":
            self.blocks.append(Block(BlockKind.RULE, ""))
        elif kind == "html_block":
            self._text(html_text(token.content), [])

    def _pop(self) -> None:
        if self.frames:
            self.frames.pop()

    def _item_marker(self, token: Token) -> str:
        if token.info:  # ordered: markdown-it puts the item's number here, start included
            return f"{token.info}."
        depth = sum(1 for frame in self.frames if frame.kind == "list") - 1
        return BULLETS[max(depth, 0) % len(BULLETS)]

    def _table(self) -> None:
        rows = tuple(tuple(row) for row in self.rows or () if row)
        self.rows = None
        if rows:
            text = "\n".join("\t".join(row) for row in rows)
            self.blocks.append(Block(BlockKind.TABLE, text, rows=rows))

    def _inline(self, token: Token) -> None:
        children = token.children or []
        if self.rows is not None:
            cell = inline_text(children)[0]
            if self.rows:
                self.rows[-1].append(" ".join(cell.split("\n")).replace("\t", " "))
            return
        image = lone_image(children)
        if image is not None and not self.frames and not self.heading:
            alt = image_alt(image) or "image"
            self.blocks.append(Block(BlockKind.IMAGE, alt, marker=image.attrGet("src") or ""))
            return
        self._text(*inline_text(children))

    def _take_marker(self, kind: str) -> tuple[int, str]:
        """The innermost `kind` frame's index and marker; the marker is shown only once."""
        for index in range(len(self.frames) - 1, -1, -1):
            frame = self.frames[index]
            if frame.kind == kind:
                marker, frame.marker = frame.marker, ""
                return index, marker
        return -1, ""

    def _text(self, text: str, spans: list[Span]) -> None:
        if not text:
            return
        kinds = [f.kind for f in self.frames]
        if "quote" in kinds:
            item, marker = self._take_marker("item")
            if marker and item > kinds.index("quote"):
                spans = [Span(s.start + 2, s.end + 2, s.kind, s.target) for s in spans]
                text = f"{marker} {text}"
            self.blocks.append(Block(BlockKind.QUOTE, text, tuple(spans), kinds.count("quote") - 1))
        elif "footnote" in kinds:
            marker = self._take_marker("footnote")[1]
            self.blocks.append(Block(BlockKind.FOOTNOTE, text, tuple(spans), marker=marker))
        elif "item" in kinds:
            marker = self._take_marker("item")[1]
            if marker and text[:4] in _TASK:
                marker = _TASK[text[:4]]
                text, spans = strip(*clip(text, spans, 4, len(text)))
            level = kinds.count("list") - 1
            self.blocks.append(Block(BlockKind.LIST_ITEM, text, tuple(spans), level, marker))
        elif self.heading:
            self.blocks.append(Block(BlockKind.HEADING, text, tuple(spans), self.heading))
        else:
            self.blocks.append(Block(BlockKind.PARAGRAPH, text, tuple(spans)))


def _plain_blocks(piece: str) -> tuple[Block, ...]:
    """The fallback when markdown-it gives up: the piece's text as plain paragraphs."""
    paragraphs = (p.strip() for p in re.split(r"\n[ \t]*\n", piece))
    return tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs if p)


def _convert(piece: str, outline: _Outline) -> tuple[Block, ...]:
    try:
        tokens = _parser().parse(piece, outline.env())
        if any(token.level >= MAX_NESTING - 1 for token in tokens):
            return _plain_blocks(piece)  # markdown-it silently dropped what was nested deeper
        return tuple(_Converter().convert(tokens))
    except Exception:  # RecursionError on absurd nesting, or a parser bug: never lose the text
        return _plain_blocks(piece)


def iter_markdown_blocks(source: str) -> Iterator[tuple[Block, ...]]:
    """Yield the blocks of `source` in reading order, a piece at a time.

    Args:
        source: Markdown without front matter.

    Returns:
        An iterator of non-empty block tuples; the first comes from about the first 16 KB.
    """
    source = "\n" + source.replace("\r\n", "\n").replace("\r", "\n")  # see _OUTLINE
    try:
        outline = _outline(source)
    except Exception:  # a hostile definition must not stop the article from opening
        outline = _Outline([], [], {}, {})
    for piece in _pieces(source, outline):
        if blocks := _convert(piece, outline):
            yield blocks


def parse_markdown(source: str) -> Document:
    """The whole of `source` as one `Document`."""
    return Document(tuple(b for chunk in iter_markdown_blocks(source) for b in chunk))
