"""Markdown source to `Document` blocks, in chunks so a long article paints early.

markdown-it parses 20 KB in milliseconds but 1 MB in a third of a second, so the source is cut at
blank lines after which no construct can continue (outside fenced code, raw HTML and lists) and
each piece is parsed on its own. Link and footnote definitions are gathered from the whole source
first and handed to every piece, so a reference resolves wherever its definition is. Footnote
definitions stay where they are written (as FOOTNOTE blocks), which keeps chunks independent.
Nothing is fetched and no HTML is rendered: tags are stripped and their text kept.

The dialects people save are read too: admonitions (`!!! note`, `??? tip`, `:::note`) and GitHub
alerts (`> [!NOTE]`) become CALLOUT blocks, definition lists TERM and DEFINITION blocks, MkDocs
content tabs their label and content; MDX comments, `import`/`export` lines and heading
attributes (`{#id}`) are dropped, and Markdown inside HTML or JSX blocks is parsed as Markdown.
"""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.admon.index import admonition
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.utils import is_code_block

from reader.core.loaders.markdown_guards import MAX_INLINE_NESTING, guard, parse_inline_with
from reader.core.loaders.markdown_inline import (
    MDX_CLOSE,
    MDX_OPEN,
    clip,
    container_callout,
    html_segments,
    html_text,
    image_alt,
    inline_text,
    is_esm,
    lone_image,
    strip,
    without_heading_attributes,
)
from reader.core.models import Block, BlockKind, Document, Span, SpanKind

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
    r"| {0,3}(?P<mdx>\{/\*)"  # an MDX comment may hold blank lines
    r"| {0,3}(?P<colons>:{3,})(?=[ \t]*\{?[A-Za-z])"  # so may a `:::note` container
    # quote markers then up to four blanks: written so that no blank can be matched two ways,
    # which made "> > > …" without a definition exponential
    r"|(?P<define>(?: {0,3}>(?: {0,4}>)* {0,4}| {0,3})"
    r"\[[^\]\n]+\]:[^\n]*)(?=(?P<title>\n[^\n]*\S[^\n]*)?))",
    re.MULTILINE | re.IGNORECASE,
)
_HTML_END = {"!--": "-->", "?": "?>", "![cdata[": "]]>"}
_BOUNDARY = re.compile(r"\n[ \t]*\n(?=\S)")
_LIST_START = re.compile(r"(?:[-+*]|\d{1,9}[.)]|[:~])(?:[ \t]|$)", re.MULTILINE)
"""Lines that may continue a list (or a definition list: "Term", a blank, ": definition")."""
_CONTAINER_CLOSE = frozenset(
    f"{name}_close"
    for name in ("bullet_list", "ordered_list", "list_item", "blockquote", "footnote_reference")
)
_TASK = {"[ ] ": "☐", "[x] ": "☑", "[X] ": "☑"}
_CALLOUT_OPEN = frozenset(("admonition_open", "alert_open", "container_callout_open"))
_CALLOUT_CLOSE = frozenset(("admonition_close", "alert_close", "container_callout_close"))
_TITLE_OPEN = frozenset(("admonition_title_open", "alert_title_open", "tab_label_open"))
_TITLE_CLOSE = frozenset(("admonition_title_close", "alert_title_close", "tab_label_close"))
_ADMONITION = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]+[A-Za-z]")
_CONTENT_TAB = re.compile(r'===[!+]?[ \t]+"([^"\n]*)"[ \t]*$')
_MARKDOWNISH = re.compile(r"[\\`*_\[\]<>&~{|]|^[ \t]*(?:[-#>+=:?!]|\d+[.)])", re.MULTILINE)
"""What Markdown in the text of an HTML block needs; text without it is parsed as it reads."""


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
    # "alerts": GitHub's `> [!NOTE]`, read by markdown-it-py's blockquote rule (4.1 and later)
    md = _RawLinkMarkdown("commonmark", {"maxNesting": max_nesting, "alerts": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False, move_to_end=False)
    md.use(deflist_plugin)
    md.use(container_plugin, name="callout", validate=_is_container_callout)
    alt = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    md.block.ruler.before("fence", "admonition", _admonition, alt)
    md.block.ruler.before("fence", "content_tab", _content_tab)
    md.block.ruler.before("fence", "mdx_comment", _mdx_comment_block)
    md.block.ruler.before("lheading", "mdx_esm", _esm_block)
    md.inline.ruler.after("text", "mdx_comment", _mdx_comment_inline)
    md.core.ruler.before("inline", "heading_attributes", _drop_heading_attributes)
    # The stock normalize rule turns NUL into U+FFFD; newlines are normalised before parsing and
    # control characters are left for the display sanitiser.
    md.core.ruler.at("normalize", lambda state: None)
    guard(md)  # linear time on hostile inline markup
    return md


# --- dialect rules -------------------------------------------------------------------------------


def _is_container_callout(params: str, markup: str) -> bool:
    return container_callout(params) is not None


def _admonition(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """mdit-py-plugins' admonition rule, where the marker is followed by a type: "!!! !!!" and
    "???" alone are prose."""
    start = state.bMarks[start_line] + state.tShift[start_line]
    if state.src[start : start + 1] not in ("!", "?") or not _ADMONITION.match(state.src, start):
        return False
    return admonition(state, start_line, end_line, silent)


def _content_tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """MkDocs Material's content tabs (`=== "Label"` over an indented body): the label, then
    the body, read like an admonition's."""
    if is_code_block(state, start_line):
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    if state.src[start : start + 3] != "===":
        return False
    match = _CONTENT_TAB.match(state.src, start, state.eMarks[start_line])
    if match is None:
        return False
    if silent:
        return True
    old_parent, old_line_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.blkIndent += 4
    next_line, was_empty = start_line + 1, False
    while next_line < end_line:  # the body: indented lines; two blank lines end it
        is_empty = state.sCount[next_line] < state.blkIndent
        if is_empty and was_empty:
            break
        was_empty = is_empty
        has_text = state.bMarks[next_line] + state.tShift[next_line] < state.eMarks[next_line]
        if has_text and state.sCount[next_line] < state.blkIndent:
            break
        next_line += 1
    state.parentType, state.lineMax = "admonition", next_line
    state.push("tab_label_open", "p", 1).map = [start_line, start_line + 1]
    label = state.push("inline", "", 0)
    label.content, label.map, label.children = match.group(1), [start_line, start_line + 1], []
    state.push("tab_label_close", "p", -1)
    state.md.block.tokenize(state, start_line + 1, next_line)
    state.parentType, state.lineMax, state.blkIndent = old_parent, old_line_max, old_indent
    state.line = next_line
    return True


_MDX_CLOSES: WeakKeyDictionary[StateBlock | StateInline, tuple[int, int]] = WeakKeyDictionary()
"""The last search for an MDX comment's end in each state's source: (searched from, found at,
or -1). A later search from between the two has the same answer, so a run of unclosed
openers costs one scan, not one each."""


def _mdx_close(state: StateBlock | StateInline, pos: int) -> int:
    """Where the first `*/}` at or after `pos` starts in `state.src`, or -1."""
    cached = _MDX_CLOSES.get(state)
    if cached is not None and cached[0] <= pos and (pos <= cached[1] or cached[1] < 0):
        return cached[1]
    found = state.src.find(MDX_CLOSE, pos)
    _MDX_CLOSES[state] = (pos, found)
    return found


def _mdx_comment_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """`{/* ... */}` lines (which may hold blank lines) show nothing."""
    if is_code_block(state, start_line):
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith(MDX_OPEN, start):
        return False
    end = _mdx_close(state, start + 3)
    if end < 0 or end >= state.eMarks[end_line - 1]:
        return False  # unclosed, or closed outside this container
    after = end + len(MDX_CLOSE)
    line_end = state.src.find("\n", after)
    if state.src[after : len(state.src) if line_end < 0 else line_end].strip():
        return False  # text follows on the closing line: a paragraph, whose inline rule drops it
    if silent:
        return True
    line = start_line
    while state.eMarks[line] < end:
        line += 1
    state.line = line + 1
    return True


def _mdx_comment_inline(state: StateInline, silent: bool) -> bool:
    """An MDX comment inside text shows nothing (nor do the blanks after it, if one comes
    before it)."""
    src, pos = state.src, state.pos
    if not src.startswith(MDX_OPEN, pos):
        return False
    end = _mdx_close(state, pos + 3)
    if end < 0 or end + len(MDX_CLOSE) > state.posMax:
        return False
    end += len(MDX_CLOSE)
    if pos > 0 and src[pos - 1] in " \t":
        while end < state.posMax and src[end] in " \t":
            end += 1
    state.pos = end
    return True


def _esm_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """MDX `import`/`export` statements at the top level show nothing, up to the next blank
    line (as MDX reads them)."""
    # not `parentType`: markdown-it's setext heading rule can leave it as "paragraph"
    if state.level != 0 or state.sCount[start_line] != 0 or state.blkIndent != 0:
        return False
    start = state.bMarks[start_line]
    if not is_esm(state.src[start : state.eMarks[start_line]]):
        return False
    if silent:
        return True
    line = start_line + 1
    while line < end_line and not state.isEmpty(line):
        line += 1
    state.line = line
    return True


def _drop_heading_attributes(state: StateCore) -> None:
    """`## Install {#install}` shows "Install"."""
    tokens = state.tokens
    for index in range(len(tokens) - 1):
        if tokens[index].type == "heading_open" and tokens[index + 1].type == "inline":
            inline = tokens[index + 1]
            inline.content = without_heading_attributes(inline.content)


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
    """Where the fence, container or raw HTML block opened by `match` ends, or None if it opens
    nothing."""
    if colons := match["colons"]:  # the first line of as many colons or more; unclosed: the end
        close = re.compile(rf"^ {{0,3}}:{{{len(colons)},}}[ \t]*$", re.M)
        found = close.search(source, _line_end(source, match.start() + 1) + 1)
        return found.end() if found else len(source)
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
    mdx_closed = True  # once one MDX comment is unclosed, no later one can close
    while match := _OUTLINE.search(source, pos):
        pos = match.end()
        if match["define"]:
            definitions.append(match["define"] + (match["title"] or ""))
        elif match["mdx"]:
            close = source.find(MDX_CLOSE, pos) if mdx_closed else -1
            mdx_closed = close >= 0
            if mdx_closed:
                starts.append(match.start() + 1)
                ends.append(_line_end(source, close))
                pos = ends[-1]
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
    """One open container: a list, a list item, a quote, a footnote definition, a callout or a
    definition. The outermost callout or definition collects the text of all it holds."""

    kind: str
    marker: str = ""
    language: str = ""
    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    length: int = -1
    """Characters collected, counting the newline before each part after the first."""


_LEVELS = frozenset(("list", "quote", "callout", "definition"))
"""Frames that make what they hold one level deeper."""
_INDENTS = frozenset(("list", "callout", "definition"))
"""Frames that indent the lines they add to a callout or definition."""


class _Converter:
    """Turns one piece's flat token stream into blocks, tracking the open containers."""

    def __init__(self, env: dict[str, Any]) -> None:
        self.blocks: list[Block] = []
        self.frames: list[_Frame] = []
        self.heading = 0
        self.term = False
        self.title = ""
        """The opening token of the title or tab label being read."""
        self.rows: list[list[str]] | None = None
        self.env = env
        """The piece's markdown-it env, for parsing the Markdown inside its HTML blocks."""
        self.nested = False

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
        elif kind in _CALLOUT_OPEN:
            self._open_callout(token)
        elif kind in _CALLOUT_CLOSE or kind == "dd_close":
            self._close_collector()
        elif kind == "dd_open":
            self.frames.append(_Frame("definition"))
        elif kind in _TITLE_OPEN:
            self.title = kind
        elif kind in _TITLE_CLOSE:
            self.title = ""
        elif kind == "dt_open":
            self.term = True
        elif kind == "dt_close":
            self.term = False
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
            self._code(token)
        elif kind == "hr":
            if self._collector() < 0:
                self.blocks.append(Block(BlockKind.RULE, ""))
        elif kind == "html_block":
            self._html(token.content)

    def _pop(self) -> None:
        if self.frames:
            self.frames.pop()

    def _item_marker(self, token: Token) -> str:
        if token.info:  # ordered: markdown-it puts the item's number here, start included
            return f"{token.info}."
        depth = sum(1 for frame in self.frames if frame.kind == "list") - 1
        return BULLETS[max(depth, 0) % len(BULLETS)]

    def _open_callout(self, token: Token) -> None:
        if token.type == "container_callout_open":
            language, title = container_callout(token.info) or ("note", "Note")
        elif token.type == "alert_open":
            language, title = str(token.meta.get("kind", "note")).lower(), ""
        else:
            language, title = str(token.meta.get("tag", "")), ""
        self.frames.append(_Frame("callout", language=language))
        if title:
            self._title(title, [])

    def _title(self, text: str, spans: list[Span]) -> None:
        """A callout's title: its marker, or a line of the callout that holds it."""
        if self.title == "tab_label_open" or not self.frames:
            if text:
                self._text(text, [Span(0, len(text), SpanKind.STRONG), *spans])
            return
        frame, collector = self.frames[-1], self._collector()
        if collector == len(self.frames) - 1:
            frame.marker = text
        elif text:
            self._collect(collector, text, [Span(0, len(text), SpanKind.STRONG)], outer=1)

    def _collector(self) -> int:
        """The index of the outermost open callout or definition, or -1."""
        for index, frame in enumerate(self.frames):
            if frame.kind in ("callout", "definition"):
                return index
        return -1

    def _close_collector(self) -> None:
        if not self.frames or self.frames[-1].kind not in ("callout", "definition"):
            return
        frame = self.frames.pop()
        if self._collector() >= 0:
            return  # its lines are already in the outer one
        level = sum(1 for f in self.frames if f.kind in _LEVELS)
        text, marker = "\n".join(frame.parts), frame.marker
        if frame.kind == "definition":
            block = Block(BlockKind.DEFINITION, text, tuple(frame.spans), level)
        else:
            if not text:  # a title alone is the callout's whole text
                text, marker = marker, ""
            block = Block(
                BlockKind.CALLOUT, text, tuple(frame.spans), level, marker, frame.language
            )
        self.blocks.append(block)

    def _collect(self, collector: int, text: str, spans: list[Span], outer: int = 0) -> None:
        """Add a line to the collecting frame, prefixed with the list marker or the indent of
        the frames between (leaving out the innermost `outer`)."""
        frame = self.frames[collector]
        inner = self.frames[collector + 1 : len(self.frames) - outer]
        depth = sum(1 for f in inner if f.kind in _INDENTS)
        marker = ""
        items = [f for f in inner if f.kind == "item"]
        if items and not outer:
            marker, items[-1].marker = items[-1].marker, ""
            if marker and text[:4] in _TASK:
                marker = _TASK[text[:4]]
                text, spans = strip(*clip(text, spans, 4, len(text)))
        prefix = "  " * (depth - 1) + f"{marker} " if marker else "  " * depth
        if prefix:
            text, spans = _indented(text, spans, len(prefix))
        start = frame.length + 1
        frame.parts.append(prefix + text)
        frame.spans.extend(
            Span(s.start + start + len(prefix), s.end + start + len(prefix), s.kind, s.target)
            for s in spans
        )
        frame.length = start + len(prefix) + len(text)

    def _code(self, token: Token) -> None:
        text = token.content.removesuffix("\n")
        if (collector := self._collector()) >= 0:
            if text:
                self._collect(collector, text, [Span(0, len(text), SpanKind.CODE)])
            return
        language = token.info.split()[0] if token.info.strip() else ""
        self.blocks.append(Block(BlockKind.CODE, text, language=language))

    def _html(self, html: str) -> None:
        """A raw HTML block: its text, with the Markdown between its tags parsed (once: the
        Markdown of a nested HTML block is not parsed again)."""
        if self.nested:
            self._text(html_text(html), [])
            return
        for is_markdown, text in html_segments(html):
            if not is_markdown:
                self._text(text, [])
            elif not _MARKDOWNISH.search(text):  # plain words: what a parse would give, sooner
                self._text(" ".join(_plain_lines(text)), [])
            else:
                self._markdown(text)

    def _markdown(self, source: str) -> None:
        source = textwrap.dedent(source)
        if source.startswith("    "):  # an indented first line goes on, it opens no code block
            source = source.lstrip(" ")
        tokens = _parser().parse(source, self.env)
        if any(token.level >= MAX_NESTING - 1 for token in tokens):
            self._text(html_text(source), [])
            return
        self.nested = True
        try:
            for token in tokens:
                self._token(token)
        finally:
            self.nested = False

    def _table(self) -> None:
        rows = tuple(tuple(row) for row in self.rows or () if row)
        self.rows = None
        if not rows:
            return
        if (collector := self._collector()) >= 0:
            self._collect(collector, "\n".join("  ".join(row) for row in rows), [])
            return
        text = "\n".join("\t".join(row) for row in rows)
        self.blocks.append(Block(BlockKind.TABLE, text, rows=rows))

    def _inline(self, token: Token) -> None:
        children = token.children or []
        if self.rows is not None:
            cell = inline_text(children)[0]
            if self.rows:
                self.rows[-1].append(" ".join(cell.split("\n")).replace("\t", " "))
            return
        if self.title:
            self._title(*inline_text(children))
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
        if (collector := self._collector()) >= 0:
            if self.heading or self.term:
                spans = [Span(0, len(text), SpanKind.STRONG), *spans]
            self._collect(collector, text, spans)
            return
        kinds = [f.kind for f in self.frames]
        if self.term:
            level = sum(1 for kind in kinds if kind in _LEVELS)
            self.blocks.append(Block(BlockKind.TERM, text, tuple(spans), level))
        elif "quote" in kinds:
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


def _plain_lines(text: str) -> Iterator[str]:
    """The lines of a paragraph without Markdown, as markdown-it joins them: a line ending in
    two blanks breaks the line."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        words = line.strip(" \t")
        if index < len(lines) - 1 and line.endswith("  "):
            words += "\n"
        if words:
            yield words


def _indented(text: str, spans: list[Span], indent: int) -> tuple[str, list[Span]]:
    """`text` with `indent` blanks after each newline, and `spans` moved to match."""
    breaks = [match.start() for match in re.finditer("\n", text)]
    if not breaks:
        return text, spans

    def moved(offset: int) -> int:
        return offset + indent * bisect_left(breaks, offset)

    text = text.replace("\n", "\n" + " " * indent)
    return text, [Span(moved(s.start), moved(s.end), s.kind, s.target) for s in spans]


def _plain_blocks(piece: str) -> tuple[Block, ...]:
    """The fallback when markdown-it gives up: the piece's text as plain paragraphs."""
    paragraphs = (p.strip() for p in re.split(r"\n[ \t]*\n", piece))
    return tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs if p)


def _convert(piece: str, outline: _Outline) -> tuple[Block, ...]:
    try:
        env = outline.env()
        tokens = _parser().parse(piece, env)
        if any(token.level >= MAX_NESTING - 1 for token in tokens):
            return _plain_blocks(piece)  # markdown-it silently dropped what was nested deeper
        return tuple(_Converter(env).convert(tokens))
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
