"""An element tree to `Block`s, keeping its structure: headings, lists, tables, code, quotes,
links, images, captions and definition lists.

One walker serves both trees a saved page can come to us as: trafilatura's extraction (its own
XML: `head rend="h2"`, `list`/`item`, `row`/`cell`, `hi rend="#b"`, `ref target`, `graphic`,
`lb`) and plain HTML (the readability extraction, or the page's `<main>`). Each tag is looked up
once in `_ROLES`, so the two vocabularies are one table, not two walkers.

Whitespace follows HTML: runs collapse to one space and a space at an inline boundary is kept
(`<a>Foundation</a> and` stays two words), while block boundaries trim. Text inside `<pre>` and
code blocks keeps its line breaks. Nothing here renders markup: tags become block kinds and
spans, and their text is kept as data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from reader.core.models import Block, BlockKind, Span, SpanKind

MAX_DEPTH = 200
"""Deeper than any real page; a hostile `<div>`×20000 is read as flat text below this depth."""

_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang|highlight-source)-([\w+#.-]{1,30})")
_HEADING = re.compile(r"h([1-6])$")


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_HIDDEN = frozenset(
    _names(
        "script style noscript template title meta link button input select textarea option"
        " svg math iframe object embed canvas audio video source track map nav form"
    )
)
"""Never shown; `math` (MathML) is dropped here because its alttext or annotation is taken."""

_BLOCK = "block"
_ROLES: dict[str, str] = {
    **dict.fromkeys(_names("p div section article main body doc header footer aside"), _BLOCK),
    **dict.fromkeys(_names("center"), _BLOCK),
    **dict.fromkeys(_names("figure details summary fieldset address hgroup dialog"), _BLOCK),
    **dict.fromkeys(_names("h1 h2 h3 h4 h5 h6 head"), "heading"),
    **dict.fromkeys(_names("ul ol list menu dir"), "list"),
    **dict.fromkeys(_names("li item"), "item"),
    **dict.fromkeys(_names("blockquote quote"), "quote"),
    "pre": "pre",
    "code": "code",
    "table": "table",
    "img": "image",
    "graphic": "image",
    "figcaption": "caption",
    "caption": "caption",
    "hr": "rule",
    "dl": "dl",
    "dt": "term",
    "dd": "definition",
    "br": "break",
    "lb": "break",
    "a": "link",
    "ref": "link",
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
    "strong": "strong",
    "b": "strong",
    "s": "strike",
    "del": "strike",
    "strike": "strike",
    "kbd": "inline-code",
    "samp": "inline-code",
    "tt": "inline-code",
    "hi": "hi",
}
_HI_KINDS = {"#i": SpanKind.EMPHASIS, "#b": SpanKind.STRONG, "#t": SpanKind.CODE}
_INLINE_KINDS = {
    "em": SpanKind.EMPHASIS,
    "strong": SpanKind.STRONG,
    "strike": SpanKind.STRIKE,
    "inline-code": SpanKind.CODE,
}
_BLOCK_ROLES = frozenset(
    (_BLOCK, *_names("heading list item quote pre table image caption rule dl term definition"))
)


@dataclass
class _Inline:
    """The text of the block being gathered, with its spans."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    spans: list[Span] = field(default_factory=list)
    pre: bool = False

    def add(self, text: str) -> None:
        if not text:
            return
        if not self.pre:
            text = _SPACE.sub(" ", text)
            if text[0] == " " and (not self.length or self._ends_with_space()):
                text = text[1:]
            if not text:
                return
        self.parts.append(text)
        self.length += len(text)

    def newline(self) -> None:
        if self.length:
            if not self.pre and self._ends_with_space():
                self.parts[-1] = self.parts[-1][:-1]
                self.length -= 1
            self.parts.append("\n")
            self.length += 1

    def _ends_with_space(self) -> bool:
        last = self.parts[-1] if self.parts else ""
        return last.endswith((" ", "\n"))

    def span(self, start: int, kind: SpanKind, target: str = "") -> None:
        if self.length > start:
            self.spans.append(Span(start, self.length, kind, target))

    def take(self) -> tuple[str, tuple[Span, ...]]:
        """The gathered text, trimmed, with spans moved and clipped to match; then empty."""
        text = "".join(self.parts)
        if self.pre:
            body = text.strip("\n")
            lead = len(text) - len(text.lstrip("\n"))
            body = "\n".join(line.rstrip() for line in body.split("\n"))
        else:
            body = text.strip()
            lead = len(text) - len(text.lstrip())
        spans = []
        for span in self.spans:
            start, end = max(span.start - lead, 0), min(span.end - lead, len(body))
            while start < end and body[start].isspace():
                start += 1
            while end > start and body[end - 1].isspace():
                end -= 1
            if start < end:
                spans.append(Span(start, end, span.kind, span.target))
        self.parts, self.length, self.spans = [], 0, []
        return body, tuple(sorted(spans, key=lambda s: (s.start, -s.end)))


@dataclass
class _Context:
    quote: int = 0
    list_depth: int = 0
    item_marker: str | None = None
    """Inside a list item: its marker until its first block is written, then "" (the rest of
    the item continues under it); None outside items."""


class _Walker:
    """Turns one tree into blocks; `blocks` fills as `walk` goes."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.inline = _Inline()
        self.context = _Context()

    # Blocks

    def flush(self, kind: BlockKind | None = None, **extra: object) -> None:
        pre = self.inline.pre
        text, spans = self.inline.take()
        if not text.strip():
            return
        if kind is None and self.context.item_marker is not None:
            kind = BlockKind.LIST_ITEM
            extra.update(level=max(self.context.list_depth - 1, 0), marker=self.context.item_marker)
            self.context.item_marker = ""
        elif kind is None:
            kind = BlockKind.QUOTE if self.context.quote else BlockKind.PARAGRAPH
            extra.setdefault("level", max(self.context.quote - 1, 0))
        if pre and kind is not BlockKind.CODE:
            kind = BlockKind.CODE
        self.blocks.append(Block(kind, text, spans, **extra))  # type: ignore[arg-type]

    def walk(self, element: etree._Element, depth: int = 0) -> None:
        """Read `element`'s own text, its children, and (for inline elements) nothing else."""
        if element.text:
            self.inline.add(element.text)
        for child in element:
            self.child(child, depth + 1)

    def child(self, element: etree._Element, depth: int) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comments, processing instructions
            self.inline.add(element.tail or "")
            return
        tag = etree.QName(tag).localname.lower() if "}" in tag else tag.lower()
        if tag in _HIDDEN or _is_hidden(element):
            if tag == "math":
                self.inline.add(_math_text(element))
            self.inline.add(element.tail or "")
            return
        role = _ROLES.get(tag, "")
        if depth > MAX_DEPTH:
            self.inline.add(" " + "".join(element.itertext()) + " ")
        elif role in _BLOCK_ROLES:
            self.block(element, tag, role, depth)
        else:
            self.inline_element(element, tag, role, depth)
        self.inline.add(element.tail or "")

    def block(self, element: etree._Element, tag: str, role: str, depth: int) -> None:
        if self.inline.pre and role not in ("pre",):
            self.walk(element, depth)  # markup inside <pre> keeps the text where it stands
            return
        self.flush()
        if role == "heading":
            self.walk(element, depth)
            self.flush(BlockKind.HEADING, level=_heading_level(element, tag))
        elif role == "list":
            self.list(element, tag, depth)
        elif role == "item":
            self.item(element, "•", depth)  # an item outside a list
        elif role == "quote" and tag == "quote" and _is_laid_out(element):
            self.code(element)  # trafilatura's fallbacks write a <pre> of prose as a <quote>
        elif role == "quote":
            self.context.quote += 1
            self.walk(element, depth)
            self.flush()
            self.context.quote -= 1
        elif role == "pre":
            self.code(element)
        elif role == "table":
            self.table(element, depth)
        elif role == "image":
            self.image(element)
        elif role == "caption":
            self.walk(element, depth)
            self.flush(BlockKind.CAPTION)
        elif role == "rule":
            self.blocks.append(Block(BlockKind.RULE, ""))
        elif role == "term":
            self.walk(element, depth)
            self.flush(BlockKind.TERM)
        elif role == "definition":
            self.walk(element, depth)
            self.flush(BlockKind.DEFINITION)
        else:
            self.walk(element, depth)
        self.flush()

    def list(self, element: etree._Element, tag: str, depth: int) -> None:
        ordered = tag == "ol" or element.get("rend") == "ol"
        number = _int(element.get("start"), 1)
        self.flush()
        outer, self.context.item_marker = self.context.item_marker, None
        self.context.list_depth += 1
        for child in element:
            child_tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if _ROLES.get(child_tag) == "item":
                self.item(child, f"{number}." if ordered else "•", depth + 1)
                number += 1
            else:
                self.child(child, depth + 1)
        self.flush()
        self.context.list_depth -= 1
        self.context.item_marker = outer

    def item(self, element: etree._Element, marker: str, depth: int) -> None:
        self.flush()
        outer, self.context.item_marker = self.context.item_marker, marker
        self.walk(element, depth)
        self.flush()
        self.context.item_marker = outer

    def code(self, element: etree._Element) -> None:
        self.inline.pre = True
        self.walk(element)
        language = _language(element)
        self.inline.pre = False
        text, _spans = self.inline.take()
        if text.strip():
            kind = BlockKind.CODE if language or not is_prose(text) else BlockKind.PREFORMATTED
            self.blocks.append(Block(kind, _dedent(text), language=language))

    def table(self, element: etree._Element, depth: int) -> None:
        rows = list(_rows(element))
        cells_per_row = [len(row) for row in rows]
        if not rows or max(cells_per_row) < 2 or _has_block_content(element):
            self.walk(element, depth)  # a layout table: read its cells as text
            return
        texts = []
        for row in rows:
            texts.append(tuple(_cell_text(cell) for cell in row))
        width = max(len(row) for row in texts)
        padded = tuple(row + ("",) * (width - len(row)) for row in texts)
        padded = tuple(row for row in padded if any(cell for cell in row))
        if not padded:
            return
        text = "\n".join("\t".join(row) for row in padded)
        self.blocks.append(Block(BlockKind.TABLE, text, rows=padded))
        for caption in element.iter("caption"):
            self.walk(caption, depth)
            self.flush(BlockKind.CAPTION)

    def image(self, element: etree._Element) -> None:
        alt = _SPACE.sub(" ", element.get("alt") or element.get("title") or "").strip()
        source = element.get("src") or element.get("data-src") or ""
        if source.startswith("data:"):
            source = ""
        if alt or source:
            self.blocks.append(Block(BlockKind.IMAGE, alt, marker=source[:2_000]))

    # Inline

    def inline_element(self, element: etree._Element, tag: str, role: str, depth: int) -> None:
        start = self.inline.length
        if role == "break":
            self.inline.newline()
            return
        if role == "code" and not self.inline.pre and _is_code_block(element):
            self.flush()
            self.code(element)
            return
        self.walk(element, depth)
        if role == "link":
            target = (element.get("href") or element.get("target") or "").strip()
            if target and not target.lower().startswith(("javascript:", "data:")):
                self.inline.span(start, SpanKind.LINK, target[:2_000])
        elif role == "code" and not self.inline.pre:
            self.inline.span(start, SpanKind.CODE)
        elif role == "hi":
            kind = _HI_KINDS.get(element.get("rend", ""))
            if kind is not None:
                self.inline.span(start, kind)
        elif role in _INLINE_KINDS:
            self.inline.span(start, _INLINE_KINDS[role])


def element_blocks(root: etree._Element) -> tuple[Block, ...]:
    """The blocks of `root` and everything under it."""
    walker = _Walker()
    walker.walk(root)
    walker.flush()
    return tuple(walker.blocks)


def _heading_level(element: etree._Element, tag: str) -> int:
    match = _HEADING.match(tag) or _HEADING.match(element.get("rend", ""))
    return int(match.group(1)) if match else 2


def _language(element: etree._Element) -> str:
    for node in (element, *element.iterchildren()):
        if isinstance(node.tag, str):
            match = _LANGUAGE.search(node.get("class", "")) or _LANGUAGE.search(
                node.get("lang", "") and f"lang-{node.get('lang')}"
            )
            if match:
                return match.group(1).lower()
    return ""


def _is_laid_out(element: etree._Element) -> bool:
    """Text in lines with its own indentation and no paragraphs inside: a `<pre>`'s text."""
    if any(_ROLES.get(str(child.tag)) in _BLOCK_ROLES for child in element):
        return False
    text = "".join(element.itertext())
    return text.count("\n") >= 3 and "\n  " in text


def _is_code_block(element: etree._Element) -> bool:
    """trafilatura writes code blocks as a bare `<code>`; inline code has no line breaks."""
    text = "".join(element.itertext())
    return "\n" in text.strip("\n")


def _is_hidden(element: etree._Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


def _math_text(element: etree._Element) -> str:
    alt = element.get("alttext")
    if alt:
        return f" {alt} "
    for annotation in element.iter("{*}annotation", "annotation"):
        if annotation.text:
            return f" {annotation.text} "
    return " " + " ".join("".join(element.itertext()).split()) + " "


def _rows(table: etree._Element) -> Iterator[list[etree._Element]]:
    for row in table.iter("tr", "row"):
        if _closest_table(row) is not table:
            continue
        yield [cell for cell in row if cell.tag in ("td", "th", "cell")]


def _closest_table(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _has_block_content(table: etree._Element) -> bool:
    """A table used for layout holds paragraphs, lists or tables of its own."""
    nested = ("table", "p", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "div", "list")
    for cell in table.iter("td", "th", "cell"):
        if any(isinstance(node.tag, str) and node.tag in nested for node in cell.iterdescendants()):
            return True
    return False


def _cell_text(cell: etree._Element) -> str:
    walker = _Walker()
    walker.walk(cell)
    text, _spans = walker.inline.take()
    parts = [text] + [block.text for block in walker.blocks]
    return " ".join(part.replace("\n", " ").replace("\t", " ") for part in parts if part).strip()


_CODE_MARKS = re.compile(r"[{};=<>()\[\]]|^\s*(#|//|\$ )|\b(def|return|fn|let|var|const|import)\b")
_PROSE_LINE = re.compile(r"(?:[^\W_]{2,}[ ,.;:'\"]+){4}")


def is_prose(text: str) -> bool:
    """Whether preformatted text is prose laid out in fixed columns (an RFC, a plain-text
    letter) rather than code: most lines read as four or more words and few look like code."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return False
    prose = sum(1 for line in lines if _PROSE_LINE.search(line))
    code = sum(1 for line in lines if _CODE_MARKS.search(line))
    return prose >= 0.5 * len(lines) and code <= 0.2 * len(lines)


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines) if cut else text


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
