"""The first screenful of a filter's matches, found fast enough to draw in the keystroke's frame.

Matching every one of 100,000 haystacks takes 12–20 ms in Python: more than a frame. The rows
a user sees after a keystroke are only the first few matches (or those up to the article under
the cursor), so those are found on the event loop by scanning the haystacks joined into one
string with `str.find`, which skips non-matching rows at C speed; the full match (for the count
and the scrollbar) follows from a worker. A scan that runs over its time budget gives up and the
worker's answer is shown instead.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Collection
from typing import NamedTuple

_JOIN = "\0"  # never in a query word (filters drop control characters; see `searchable`)
_CHECK_EVERY = 64
"""Rows scanned between two looks at the clock."""


class Joined(NamedTuple):
    """Haystacks joined by NUL, and where each one starts in the joined string."""

    text: str
    starts: list[int]


class OrderText:
    """The haystacks of one sort order, position by position; never mutated once built."""

    __slots__ = ("hays", "joined")

    def __init__(self, hays: list[str]) -> None:
        self.hays = hays
        self.joined: Joined | None = None
        """Built by `prepare` (in a worker thread); None until then or when a haystack holds NUL."""

    def prepare(self) -> None:
        """Join the haystacks for `first_matches` (~10 ms at 100,000 rows: call it off the loop)."""
        if self.joined is not None:
            return
        text = _JOIN.join(self.hays)
        if text.count(_JOIN) != max(0, len(self.hays) - 1):
            return  # a haystack holds NUL itself: scanning would misplace rows
        starts = list(itertools.accumulate((len(hay) + 1 for hay in self.hays), initial=0))
        self.joined = Joined(text, starts)


def searchable(words: tuple[str, ...]) -> bool:
    return bool(words) and not any(_JOIN in word for word in words)


class FirstMatches(NamedTuple):
    positions: list[int]
    """Ascending positions (in the order) whose haystack holds every word."""
    complete: bool
    """True when these are all the matches, not just the first ones."""


BUDGET = 0.004
"""Seconds a keystroke's scan may take before it leaves the answer to the worker."""


def first_matches(
    text: OrderText,
    words: tuple[str, ...],
    *,
    through: int,
    more: int,
    order: list[int] | None = None,
    allowed: Collection[int] | None = None,
    budget: float | None = None,
) -> FirstMatches | None:
    """The matches up to position `through` and `more` after it; None when over `budget` seconds.

    Args:
        text: the order's haystacks, prepared.
        words: folded query words; a row matches when its haystack holds every one.
        through: the last position that must be covered (the cursor's article), or -1.
        more: how many matches past `through` to find (a screenful or two).
        order: the row ids at each position; needed with `allowed`.
        allowed: when given, only rows with these ids can match (a saved search).
        budget: seconds the scan may take before it gives up (default `BUDGET`).
    """
    joined = text.joined
    if joined is None or not searchable(words):
        return None
    anchor = max(words, key=len)  # the longest word occurs least often: fewest rows to check
    others = [word for word in words if word is not anchor]
    hays, starts, find = text.hays, joined.starts, joined.text.find
    deadline = time.perf_counter() + (BUDGET if budget is None else budget)
    found: list[int] = []
    past = scanned = offset = 0
    while (hit := find(anchor, offset)) >= 0:
        position = bisect.bisect_right(starts, hit) - 1
        hay = hays[position]
        permitted = allowed is None or (order is not None and order[position] in allowed)
        if permitted and all(word in hay for word in others):
            found.append(position)
            if position > through:
                past += 1
                if past >= more:
                    return FirstMatches(found, complete=False)
        offset = starts[position + 1]
        scanned += 1
        if scanned % _CHECK_EVERY == 0 and time.perf_counter() > deadline:
            return None
    return FirstMatches(found, complete=True)
