"""Find a highlighted passage again after the article's file was edited.

A highlight is stored the way Hypothesis stores annotations: the exact quote, about 32
characters of context on each side, and its offsets (a text-quote plus a text-position
selector). Offsets alone break on any insertion before the passage; a quote alone is ambiguous
when it repeats; context and position together pick the right occurrence, and fuzzy matching
(diff-match-patch's Bitap, as Hypothesis first did) finds a passage whose words changed.

The search, cheapest first: the quote at its old offsets; the quote anywhere else (the best
occurrence by context and position); the quote with its whitespace reflowed; then fuzzy
candidates near the old position and near where the context or the quote's ends now are,
scored by quote, context and position. Nothing good enough means None: the highlight is
orphaned (kept, with its quote and comment), never moved somewhere wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from diff_match_patch import diff_match_patch

CONTEXT = 32
"""Characters of context kept on each side of a quote."""
BITS = 32
"""The longest pattern diff-match-patch's Bitap matches; longer quotes match by their ends."""
QUOTE_WEIGHT, CONTEXT_WEIGHT, POSITION_WEIGHT = 50.0, 20.0, 2.0
MIN_SCORE = 0.5
"""Weighted score below which a fuzzy candidate is not accepted."""
MIN_QUOTE = 0.75
"""Quote similarity a fuzzy candidate needs, unless its context is this similar too."""
MIN_QUOTE_WITH_CONTEXT = 0.5
MAX_CANDIDATES = 200
MAX_HINTS = 8


@dataclass(frozen=True, slots=True)
class Anchor:
    """What is stored to find a passage again."""

    quote: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Located:
    """Where the passage is now; `exact` when the text there is the quote, character for
    character."""

    start: int
    end: int
    exact: bool


def make_anchor(text: str, start: int, end: int) -> Anchor:
    """The anchor for `text[start:end]` (offsets clamped to the text).

    Raises:
        ValueError: the passage is empty.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    if start == end:
        raise ValueError("a highlight needs at least one character")
    prefix = text[max(0, start - CONTEXT) : start]
    return Anchor(text[start:end], prefix, text[end : end + CONTEXT], start, end)


def locate(anchor: Anchor, text: str) -> Located | None:
    """Where `anchor`'s passage is in `text`, or None when it cannot be placed."""
    quote = anchor.quote
    if not quote:
        return None
    if text[anchor.start : anchor.end] == quote:
        return Located(anchor.start, anchor.end, True)
    exact = _best(anchor, text, _occurrences(text, quote), quote_known=True)
    if exact is not None:
        return Located(exact[0], exact[1], True)
    reflowed = _best(anchor, text, _reflowed(text, quote), quote_known=True)
    if reflowed is not None:
        return Located(reflowed[0], reflowed[1], text[reflowed[0] : reflowed[1]] == quote)
    fuzzy = _best(anchor, text, _fuzzy_spans(anchor, text), quote_known=False)
    return Located(fuzzy[0], fuzzy[1], False) if fuzzy is not None else None


# -- candidates ------------------------------------------------------------------------------


def _occurrences(text: str, needle: str, limit: int = 10_000) -> Iterator[tuple[int, int]]:
    index = text.find(needle)
    while index >= 0 and limit:
        yield index, index + len(needle)
        index = text.find(needle, index + 1)
        limit -= 1


def _reflowed(text: str, quote: str) -> Iterator[tuple[int, int]]:
    """The quote with any run of whitespace standing for any other (reflowed lines)."""
    words = quote.split()
    if not words:
        return
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    for match in pattern.finditer(text):
        yield match.span()


def _fuzzy_spans(anchor: Anchor, text: str) -> Iterator[tuple[int, int]]:
    """Rough spans near each hint, refined to the quote's edges."""
    dmp = _matcher()
    length = len(anchor.quote)
    for hint in _hints(anchor, text):
        for rough in _near(dmp, anchor.quote, text, hint):
            start, end = _refine(anchor, text, *rough)
            if end > start and 0.5 * length <= end - start <= 2 * length:
                yield start, end


def _hints(anchor: Anchor, text: str) -> list[int]:
    """Where the quote may start now: its old offset, and after its old context or before
    its ends where those still occur exactly (paragraphs moved and then edited)."""
    quote, length = anchor.quote, len(anchor.quote)
    key = 16
    found: list[int] = [anchor.start]
    probes = [(quote[:key], 0), (quote[-key:], -(length - key) if length > key else 0)]
    if len(anchor.prefix) >= key:
        probes.append((anchor.prefix[-key:], key))
    if len(anchor.suffix) >= key:
        probes.append((anchor.suffix[:key], -length))
    for probe, shift in probes:
        found += [start + shift for start, _ in _occurrences(text, probe, limit=4)]
    clamped = (max(0, min(hint, len(text))) for hint in found)
    return list(dict.fromkeys(clamped))[:MAX_HINTS]


def _near(dmp: diff_match_patch, quote: str, text: str, hint: int) -> list[tuple[int, int]]:
    """Fuzzy spans for `quote` around `hint`: Bitap on the quote, or on both its ends."""
    length = len(quote)
    if length <= BITS:
        start = dmp.match_main(text, quote, hint)
        return [(start, start + length)] if start >= 0 else []
    start = dmp.match_main(text, quote[:BITS], hint)
    tail_hint = (start if start >= 0 else hint) + length - BITS
    tail = dmp.match_main(text, quote[-BITS:], max(0, min(tail_hint, len(text))))
    spans = []
    if start >= 0:
        spans.append((start, (tail + BITS) if tail > start else start + length))
    if tail >= 0:
        spans.append((max(0, tail + BITS - length), tail + BITS))
    return spans


def _refine(anchor: Anchor, text: str, start: int, end: int) -> tuple[int, int]:
    """Move a rough span's edges to where the quote's ends line up with the text.

    Each edge is placed by diffing "quote end + suffix" (or "prefix + quote start") against the
    text around it and mapping the point between the two: the context keeps the alignment
    from wandering when the quote's first or last word changed.
    """
    head, tail = anchor.quote[:BITS], anchor.quote[-BITS:]
    end = _edge(text, tail + anchor.suffix, len(tail), end)
    start = _edge(text, anchor.prefix + head, len(anchor.prefix), start)
    return start, end


def _edge(text: str, pattern: str, split: int, around: int) -> int:
    """Where `pattern[split]` falls in the text near `around`."""
    low = max(0, around - split - CONTEXT)
    window = text[low : around + len(pattern) - split + CONTEXT]
    dmp = _matcher()
    diffs = dmp.diff_main(pattern, window, False)
    dmp.diff_cleanupSemantic(diffs)
    return low + dmp.diff_xIndex(diffs, split)


# -- scoring ---------------------------------------------------------------------------------


def _best(
    anchor: Anchor, text: str, spans: Iterable[tuple[int, int]], *, quote_known: bool
) -> tuple[int, int] | None:
    """The best-scoring span, or None if there is none good enough."""
    candidates = list(dict.fromkeys(spans))
    if not candidates:
        return None
    if len(candidates) > MAX_CANDIDATES:  # a very common quote: keep the nearest ones
        candidates.sort(key=lambda span: abs(span[0] - anchor.start))
        candidates = candidates[:MAX_CANDIDATES]
    scored = []
    for start, end in candidates:
        score = _score(anchor, text, start, end, quote_known)
        if score is not None:
            scored.append((score, -abs(start - anchor.start), start, end))
    if not scored:
        return None
    _, _, start, end = max(scored)
    return start, end


def _score(anchor: Anchor, text: str, start: int, end: int, quote_known: bool) -> float | None:
    quote = 1.0 if quote_known else similarity(anchor.quote, text[start:end])
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    prefix = similarity(anchor.prefix, before[-len(anchor.prefix) :] if anchor.prefix else before)
    suffix = similarity(anchor.suffix, after[: len(anchor.suffix)] if anchor.suffix else after)
    position = 1.0 - min(1.0, abs(start - anchor.start) / max(len(text), 1))
    total = (
        QUOTE_WEIGHT * quote + CONTEXT_WEIGHT * (prefix + suffix) + POSITION_WEIGHT * position
    ) / (QUOTE_WEIGHT + 2 * CONTEXT_WEIGHT + POSITION_WEIGHT)
    if quote_known:
        return total
    context = (prefix + suffix) / 2
    plausible = quote >= MIN_QUOTE or (quote >= MIN_QUOTE_WITH_CONTEXT and context >= MIN_QUOTE)
    return total if plausible and total >= MIN_SCORE else None


def similarity(a: str, b: str) -> float:
    """1 for equal strings, 0 for nothing in common: 1 - Levenshtein distance / longer length."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    dmp = _matcher()
    return 1.0 - dmp.diff_levenshtein(dmp.diff_main(a, b, False)) / max(len(a), len(b))


@lru_cache(maxsize=1)
def _matcher() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0.2  # a huge quote gets a coarser diff rather than a slow one
    dmp.Match_Threshold = 0.5
    dmp.Match_Distance = 1000
    return dmp
