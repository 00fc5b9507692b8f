"""Where the selection caret goes by word, sentence and paragraph, on a table of positions."""

from __future__ import annotations

import pytest

from reader.ui.text_motion import (
    next_paragraph_end,
    next_sentence_end,
    next_word_end,
    previous_paragraph_start,
    previous_sentence_start,
    previous_word_start,
    trimmed,
)

TEXT = "One two, three. Four “five” six!\n\nA heading\n\nLast para. End"


def at(fragment: str, *, end: bool = False) -> int:
    index = TEXT.index(fragment)
    return index + len(fragment) if end else index


@pytest.mark.parametrize(
    ("motion", "start", "expected"),
    [
        (next_word_end, 0, at("One", end=True)),
        (next_word_end, at("One", end=True), at("two,", end=True)),  # from a word's end: the next
        (next_word_end, at("ne"), at("One", end=True)),  # from inside a word: its end
        (previous_word_start, at("two"), 0),
        (previous_word_start, at("wo"), at("two")),
        (previous_word_start, 0, 0),
        (next_sentence_end, 0, at("three.", end=True)),
        (next_sentence_end, at("three.", end=True), at("six!", end=True)),  # the next one
        (next_sentence_end, at("A heading"), at("A heading", end=True)),  # ended by its block
        (next_sentence_end, at("End"), len(TEXT)),
        (previous_sentence_start, at("six"), at("Four")),
        (previous_sentence_start, at("Four"), 0),  # from a sentence's start: the one before
        (previous_sentence_start, at("Last"), at("A heading")),
        (next_paragraph_end, 0, at("six!", end=True)),
        (next_paragraph_end, at("six!", end=True), at("A heading", end=True)),
        (next_paragraph_end, at("Last"), len(TEXT)),
        (previous_paragraph_start, at("Last para"), at("A heading")),
        (previous_paragraph_start, at("heading"), at("A heading")),
        (previous_paragraph_start, at("two"), 0),
    ],
)
def test_motions(motion, start: int, expected: int) -> None:  # type: ignore[no-untyped-def]
    assert motion(TEXT, start) == expected


def test_three_words_from_a_paragraph_start_select_exactly_three_words() -> None:
    caret = 0
    for _ in range(3):
        caret = next_word_end(TEXT, caret)
    assert TEXT[:caret] == "One two, three."


def test_trimmed_drops_surrounding_space_and_empty_selections() -> None:
    assert trimmed(TEXT, at("six!"), at("A heading", end=True)) == (
        at("six!"),
        at("A heading", end=True),
    )
    start, end = trimmed(TEXT, at("!") + 1, at("Last") + 4) or (0, 0)
    assert TEXT[start:end] == "A heading\n\nLast"
    assert trimmed(TEXT, at("!") + 1, at("A heading")) is None
    assert trimmed(TEXT, 5, 5) is None
    assert trimmed(TEXT, 7, 4) == (4, 7)  # the caret may be before the anchor


def test_motions_cost_the_same_in_a_huge_text() -> None:
    huge = "word " * 400_000
    middle = len(huge) // 2
    assert next_word_end(huge, middle) - middle < 10
    assert middle - previous_word_start(huge, middle) < 10
    # no sentence within the window: the caret moves by at most the window, not to the end
    assert next_sentence_end(huge, middle) - middle <= 4096
