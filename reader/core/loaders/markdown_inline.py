"""The visible text of Markdown inline tokens and raw HTML, with style spans.

Split from `markdown_doc` so the block walker stays readable. Nothing here renders HTML: tags are
dropped and their text kept, so an article cannot draw anything its words do not say.

The helpers at the end read the syntax of Markdown dialects (MDX, MkDocs, Docusaurus, Pandoc)
the same way for the full parse, the indexer's words and the title: heading attributes, MDX
comments, ESM lines and callout titles. Each is a linear scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html.parser import HTMLParser

from markdown_it.token import Token

from reader.core.models import Span, SpanKind

_SPAN_KINDS = {
    "em_open": SpanKind.EMPHASIS,
    "strong_open": SpanKind.STRONG,
    "s_open": SpanKind.STRIKE,
    "link_open": SpanKind.LINK,
}
_BR = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
_HTML_BREAKS = frozenset(
    "br p div li tr hr pre table ul ol dl dt dd h1 h2 h3 h4 h5 h6 summary details blockquote"  # noqa: SIM905
    " section article header footer figure figcaption".split()
)
_HTML_HIDDEN = frozenset(("script", "style", "template"))
_HTML_RAW = frozenset(("pre", "textarea", "code"))
"""Tags whose lines are text as written, never Markdown."""
_HTML_PHRASING = frozenset(
    "p a span em strong b i u s q code small sub sup mark cite abbr kbd samp var time label"  # noqa: SIM905
    " button summary dt h1 h2 h3 h4 h5 h6 font".split()
)
"""Tags whose lines go on the text of the tag, never start Markdown of their own."""
_HTML_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()  # noqa: SIM905
)
_OPEN_SEARCH = 50
"""How far down the open tags an end tag is looked for; one not found there is ignored."""
_RAW_HTML_BLOCK = re.compile(r"[ \t]*<(?:[!?]|(?:script|pre|style|textarea)(?=[\s>/]|$))", re.I)
"""The raw HTML blocks (comments, declarations, script, pre, style) whose lines are never
Markdown."""
_TEXT_LINE = re.compile(r"^[ \t]*[^<\s]", re.MULTILINE)
"""A line that does not start with a tag."""


class _HtmlText(HTMLParser):
    """Collects the text of raw HTML; block tags and <br> become line breaks, comments vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.raw = 0
        self.open: list[tuple[str, bool]] = []
        """Open tags: (name, whether their content is Markdown: markdown="1" says so)."""

    def busy(self) -> bool:
        """Whether a line that does not start with a tag is still HTML text: inside a hidden,
        preformatted or phrasing element (a `<p>` going on over lines), or part-way through a
        tag."""
        if self.hidden or self.raw or self.rawdata:
            return True
        return bool(self.open) and self.open[-1][0] in _HTML_PHRASING and not self.open[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_VOID:
            markdown = any(name == "markdown" and value != "0" for name, value in attrs)
            self.open.append((tag, markdown))
        if tag in _HTML_RAW:
            self.raw += 1
        if tag in _HTML_HIDDEN:
            self.hidden += 1
        elif tag in _HTML_BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, max(len(self.open) - _OPEN_SEARCH, 0) - 1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break
        if tag in _HTML_RAW:
            self.raw = max(self.raw - 1, 0)
        if tag in _HTML_HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in _HTML_BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The readable text of a raw HTML block, one line per non-empty line."""
    parser = _HtmlText()
    parser.feed(html)
    return _closed_text(parser)


def _closed_text(parser: _HtmlText) -> str:
    parser.close()
    lines = "".join(parser.parts).split("\n")
    return "\n".join(line for line in (" ".join(_words(line)) for line in lines) if line)


def html_segments(html: str) -> list[tuple[bool, str]]:
    """A raw HTML block as runs of (is Markdown, text), in order.

    Lines that start with a tag are HTML and give their text; runs of lines that do not (the
    content of MDX components, `<div>`s around Markdown) are Markdown source, as MDX reads
    them, unless they sit inside a script, `<pre>` or a tag that is still open.
    """
    if _RAW_HTML_BLOCK.match(html) or not _TEXT_LINE.search(html):
        return [(False, html_text(html))]
    segments: list[tuple[bool, str]] = []
    parser = _HtmlText()
    markdown: list[str] = []
    for line in html.split("\n"):
        stripped = line.lstrip(" \t")
        if not stripped or stripped[0] == "<" or parser.busy():
            if markdown:
                segments.append((True, "\n".join(markdown)))
                markdown = []
            parser.feed(line + "\n")
            continue
        if parser.parts:
            segments.append((False, _closed_text(parser)))
            parser, parser.open = _HtmlText(), parser.open
        markdown.append(line)
    if markdown:
        segments.append((True, "\n".join(markdown)))
    segments.append((False, _closed_text(parser)))
    return [(is_markdown, text) for is_markdown, text in segments if text.strip()]


def _words(line: str) -> list[str]:
    """Split on spaces and tabs only: other control characters are for the sanitiser to show."""
    return [word for word in re.split(r"[ \t]+", line) if word]


def clip(text: str, spans: Sequence[Span], start: int, end: int) -> tuple[str, list[Span]]:
    """`text[start:end]` with the spans moved and clipped to match."""
    clipped = []
    for span in spans:
        a, b = max(span.start, start) - start, min(span.end, end) - start
        if a < b:
            clipped.append(Span(a, b, span.kind, span.target))
    return text[start:end], clipped


def strip(text: str, spans: Sequence[Span]) -> tuple[str, list[Span]]:
    """`text` without surrounding whitespace, spans kept on the same characters."""
    lead = len(text) - len(text.lstrip())
    return clip(text, spans, lead, len(text.rstrip()))


def inline_text(tokens: Sequence[Token]) -> tuple[str, list[Span]]:
    """The text a run of inline tokens shows, with its style spans, outer before inner."""
    parts: list[str] = []
    spans: list[Span] = []
    opened: list[tuple[SpanKind, int, str]] = []
    length = 0
    for token in tokens:
        kind, piece = token.type, ""
        if kind in ("text", "code_inline"):
            piece = token.content
            if kind == "code_inline" and piece:
                spans.append(Span(length, length + len(piece), SpanKind.CODE))
        elif kind in ("softbreak", "hardbreak"):
            piece = " " if kind == "softbreak" else "\n"
        elif kind in _SPAN_KINDS:
            opened.append((_SPAN_KINDS[kind], length, str(token.attrs.get("href", ""))))
        elif kind.endswith("_close") and opened:
            span_kind, start, target = opened.pop()
            if start < length:
                spans.append(Span(start, length, span_kind, target))
        elif kind in ("image", "footnote_ref"):
            piece, target = _reference(token)
            spans.append(Span(length, length + len(piece), SpanKind.LINK, target))
        elif kind == "html_inline" and _BR.fullmatch(token.content):
            piece = "\n"
        parts.append(piece)
        length += len(piece)
    return strip("".join(parts), sorted(spans, key=lambda span: (span.start, -span.end)))


def _reference(token: Token) -> tuple[str, str]:
    """The text and link target shown for an inline image or a footnote reference."""
    if token.type == "footnote_ref":
        label = str(token.meta.get("label", ""))
        return f"[{label}]", f"#fn-{label}"
    alt = image_alt(token)
    return (f"[image: {alt}]" if alt else "[image]"), str(token.attrs.get("src", ""))


def image_alt(token: Token) -> str:
    """An image's alt text with inline markup removed."""
    return inline_text(token.children or ())[0]


def lone_image(tokens: Sequence[Token]) -> Token | None:
    """The image a paragraph consists of, if it holds nothing else."""
    visible = [t for t in tokens if t.type != "text" or t.content.strip()]
    return visible[0] if len(visible) == 1 and visible[0].type == "image" else None


# --- dialect syntax ------------------------------------------------------------------------------

MDX_OPEN = "{/*"
MDX_CLOSE = "*/}"
_ESM = re.compile(
    r"import[ \t]*['\"][^'\"\n]*['\"][ \t;]*$"  # import './styles.css';
    r"|import[ \t][^\n]*\bfrom[ \t]*['\"][^'\"\n]*['\"][ \t;]*$"  # import X from 'x'
    r"|import[ \t]+(?:type[ \t]+)?(?:[\w$]+[ \t]*,[ \t]*)?\{[^}\n]*$"  # import {\n A,\n} from 'x'
    r"|export[ \t]+(?:const|let|var|function|async|class|default|type|interface|enum)\b"
    r"|export[ \t]*[{*]"
)
_CALLOUT_TYPE = re.compile(r"[ \t]*\{?([A-Za-z][\w-]*)\}?")
_TITLE_ATTRIBUTE = re.compile(r"title=(?:\"([^\"]*)\"|'([^']*)')")


def is_esm(line: str) -> bool:
    """Whether an unindented line that starts a block is an MDX `import` or `export` (JavaScript,
    not prose: "import" and "export" must be followed by what only JavaScript puts there)."""
    return line[:1] in ("i", "e") and _ESM.match(line) is not None


def without_mdx_comments(text: str) -> str:
    """`text` without `{/* ... */}`; an unclosed one is text (and so is every one after it)."""
    if MDX_OPEN not in text:
        return text
    parts: list[str] = []
    pos = 0
    while (start := text.find(MDX_OPEN, pos)) >= 0:
        end = text.find(MDX_CLOSE, start + 3)
        if end < 0:
            break
        parts.append(text[pos:start])
        pos = end + 3
    parts.append(text[pos:])
    return "".join(parts)


def without_heading_attributes(text: str) -> str:
    """`text` without trailing heading attributes: `{#id}` (Pandoc, kramdown, Docusaurus),
    `{#id .class key=value}`, `{.class}` and kramdown's `{: #id}`. Found without a regex: an
    expression for them would rescan to the end from each of a run of "{#"."""
    stripped = text.rstrip()
    if not stripped.endswith("}"):
        return text
    close = len(stripped) - 1
    start = stripped.rfind("{", 0, close)
    if start < 0 or stripped.find("}", start, close) >= 0 or stripped[start - 1 : start] == "\\":
        return text
    head = stripped[start + 1 : start + 3]
    if head[:1] == "#" or head[:1] == ":" or (head[:1] == "." and head[1:].isalpha()):
        return stripped[:start].rstrip()
    return text


def admonition_title(params: str) -> str:
    """The title `!!! type "Title"` shows, as mdit-py-plugins' admonition rule finds it: the
    quoted title, else the words after the type, else the type capitalised; `""` for none."""
    params = params.strip()
    first, _, rest = params.partition(" ")
    if '"' in params and params.endswith('"') and (quote := params.find('"')) > 0:
        return params[quote + 1 : -1]
    rest = rest.strip()
    if not rest:
        return first.title()
    return "" if rest == '""' else rest


def container_callout(params: str) -> tuple[str, str] | None:
    """(type, title) of a `:::type Title` container (Docusaurus, VitePress, Pandoc, MyST:
    `:::note`, `:::tip[Title]`, `::: warning Title`, `:::{note}`), or None if it names none."""
    match = _CALLOUT_TYPE.match(params)
    if match is None:
        return None
    kind = match.group(1).lower()
    rest = params[match.end() :].strip()
    if rest.startswith("[") and rest.endswith("]"):
        rest = rest[1:-1].strip()
    elif rest.startswith("{") and rest.endswith("}"):
        attribute = _TITLE_ATTRIBUTE.search(rest)
        rest = (attribute.group(1) or attribute.group(2) or "") if attribute else ""
    elif len(rest) > 1 and rest[0] == rest[-1] and rest[0] in "\"'":
        rest = rest[1:-1]
    return kind, rest or kind.title()
