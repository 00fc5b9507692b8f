"""The visible text of Markdown inline tokens and raw HTML, with style spans.

Split from `markdown_doc` so the block walker stays readable. Nothing here renders HTML: tags are
dropped and their text kept, so an article cannot draw anything its words do not say.
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


class _HtmlText(HTMLParser):
    """Collects the text of raw HTML; block tags and <br> become line breaks, comments vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_HIDDEN:
            self.hidden += 1
        elif tag in _HTML_BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
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
    parser.close()
    lines = "".join(parser.parts).split("\n")
    return "\n".join(line for line in (" ".join(_words(line)) for line in lines) if line)


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
