"""A result's snippet: a short piece of its text around the first hit, as plain text + spans.

No markup leaves the engine: the caller gets the text and where the hits are in it, and draws
them however its screen does (reverse video, `[` `]` in a pipe, JSON offsets).
"""

from __future__ import annotations

from reader.core.search.hits import Matcher, Span

SNIPPET_CHARS = 200
LEAD_CHARS = 60
"""Context shown before the first hit."""
_SNAP = 20
"""How far the edges move to fall between words."""
ELLIPSIS = "…"


def make_snippet(text: str, matcher: Matcher, width: int = SNIPPET_CHARS) -> tuple[str, list[Span]]:
    """The snippet of `text` around its first hit (or its start) and the hits in it."""
    first = matcher.first(text) if matcher else None
    start = _snap_start(text, first[0] - LEAD_CHARS) if first else 0
    end = _snap_end(text, start + width)
    # One line: whitespace runs folded to a space. The hits are found again in the folded
    # fragment, which is quicker than moving each span through the folding.
    fragment = " ".join(text[start:end].split())
    spans = matcher.spans(fragment) if first else []
    if start > 0:
        fragment = ELLIPSIS + fragment
        spans = [(a + 1, b + 1) for a, b in spans]
    if end < len(text):
        fragment += ELLIPSIS
    return fragment, spans


def _snap_start(text: str, start: int) -> int:
    if start <= 0:
        return 0
    space = text.find(" ", start, start + _SNAP)
    return space + 1 if space >= 0 else start


def _snap_end(text: str, end: int) -> int:
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", end - _SNAP, end)
    return space if space > 0 else end
