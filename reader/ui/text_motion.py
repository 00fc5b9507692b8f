"""Where a selection's caret goes in an article's text: by word, sentence and paragraph.

Positions are boundaries between characters of `Document.text` (0 to len): a selection is the
text between its anchor and its caret, so three `next_word_end` moves from the start of a
paragraph select exactly its first three words. Plain Python over strings, without a screen;
each move looks at a window around the caret, so a keypress costs the same in a 1 MB article.
"""

from __future__ import annotations

import re

from reader.core.models import BLOCK_SEPARATOR

WINDOW = 4096
"""Characters looked at either side of the caret (a longer word or sentence is cut there)."""

_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)|\n\n")


def next_word_end(text: str, pos: int) -> int:
    """The end of the word at or after `pos` (or the end of the text)."""
    match = _WORD.search(text, pos, min(len(text), pos + WINDOW))
    return match.end() if match else min(len(text), pos + WINDOW)


def previous_word_start(text: str, pos: int) -> int:
    """The start of the word before `pos` (the one `pos` is inside or just after)."""
    low = max(0, pos - WINDOW)
    starts = [match.start() for match in _WORD.finditer(text, low, pos)]
    return starts[-1] if starts else low


def next_sentence_end(text: str, pos: int) -> int:
    """Just after the punctuation that ends the sentence at or after `pos`.

    A paragraph's end ends its last sentence too (headings and list items have no full stop).
    """
    start = _skip_space(text, pos)
    high = min(len(text), start + WINDOW)
    match = _SENTENCE_END.search(text, start, high)
    if match is None:
        return high
    return match.start() if match.group() == BLOCK_SEPARATOR else match.end()


def previous_sentence_start(text: str, pos: int) -> int:
    """The start of the sentence before `pos` (the one `pos` is inside or just after)."""
    low = max(0, pos - WINDOW)
    end = _skip_space_back(text, pos, low)
    boundary = low
    for match in _SENTENCE_END.finditer(text, low, max(end - 1, low)):
        boundary = match.end()
    return _skip_space(text, boundary, end)


def next_paragraph_end(text: str, pos: int) -> int:
    """The end of the paragraph (block) at or after `pos`."""
    start = _skip_space(text, pos)
    found = text.find(BLOCK_SEPARATOR, start)
    return len(text) if found < 0 else found


def previous_paragraph_start(text: str, pos: int) -> int:
    """The start of the paragraph before `pos` (the one `pos` is inside or just after)."""
    end = _skip_space_back(text, pos, 0)
    found = text.rfind(BLOCK_SEPARATOR, 0, max(end - 1, 0))
    return 0 if found < 0 else found + len(BLOCK_SEPARATOR)


def trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """`[start, end)` without surrounding whitespace, or None when nothing else is left."""
    start, end = sorted((max(0, start), min(len(text), end)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _skip_space(text: str, pos: int, stop: int | None = None) -> int:
    stop = len(text) if stop is None else stop
    while pos < stop and text[pos].isspace():
        pos += 1
    return pos


def _skip_space_back(text: str, pos: int, stop: int) -> int:
    while pos > stop and text[pos - 1].isspace():
        pos -= 1
    return pos
