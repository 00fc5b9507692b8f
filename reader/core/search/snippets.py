"""A result's snippet: a short piece of its text around the first hit, as plain text + spans.

No markup leaves the engine: the caller gets the text and where the hits are in it, and draws
them however its screen does (reverse video, `[` `]` in a pipe, JSON offsets).
"""

from __future__ import annotations

import bisect
import re

from reader.core.search.hits import Matcher, Span

SNIPPET_CHARS = 200
LEAD_CHARS = 60
"""Context shown before the first hit."""
_SNAP = 20
"""How far the edges move to fall between words."""
ELLIPSIS = "…"
_WHITESPACE = re.compile(r"\s+")


def make_snippet(text: str, matcher: Matcher, width: int = SNIPPET_CHARS) -> tuple[str, list[Span]]:
    """The snippet of `text` around its first hit (or its start) and the hits in it."""
    first = matcher.first(text) if matcher else None
    start = _snap_start(text, first[0] - LEAD_CHARS) if first else 0
    end = _snap_end(text, start + width)
    spans = [(a - start, b - start) for a, b in matcher.spans(text, start, end)] if first else []
    fragment, spans = _one_line(text[start:end], spans)
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


def _one_line(fragment: str, spans: list[Span]) -> tuple[str, list[Span]]:
    """Whitespace runs folded to one space, ends trimmed; spans moved to match."""
    ends: list[int] = []  # old offset where each folded run ends
    removed: list[int] = []  # characters removed up to there
    pieces: list[str] = []
    last = gone = 0
    for run in _WHITESPACE.finditer(fragment):
        if run.group() == " ":
            continue
        pieces += (fragment[last : run.start()], " ")
        gone += len(run.group()) - 1
        ends.append(run.end())
        removed.append(gone)
        last = run.end()
    pieces.append(fragment[last:])
    line = "".join(pieces)
    lead = len(line) - len(line.lstrip())
    line = line.strip()

    def moved(offset: int) -> int:
        index = bisect.bisect_right(ends, offset)
        return min(len(line), max(0, offset - (removed[index - 1] if index else 0) - lead))

    return line, [(a, b) for a, b in ((moved(a), moved(b)) for a, b in spans) if a < b]
