"""Terminal cell widths and cuts by cells (reader.core.text): ASCII, CJK, emoji, Devanagari.

`fit` always gives exactly the width asked for, as the terminal counts it; `cut` adds "…"
only when it drops something.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.text import ELLIPSIS, cell_width, cut, fit

DEVANAGARI = "हिन्दी विकिपीडिया एक मुक्त ज्ञानकोश है जिसे कोई भी संपादित कर सकता है"
CJK = "日本語のテキストと中文标题"
EMOJI = "🎉 Party 🐍 time 👨‍👩‍👧 family ❤️"
SAMPLES = ("plain ascii title", CJK, EMOJI, DEVANAGARI, "Café naïve e\u0301", "")


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("", 0),
        ("abc", 3),
        ("hello world", 11),
        ("日本語", 6),  # wide: two cells each
        ("中文 ok", 7),
        ("😀", 2),
        ("🐍🎉", 4),
        ("e\u0301", 1),  # combining acute: no cell of its own
        # Devanagari: consonants 1, the spacing vowel signs ि ी 1 (as terminals draw them),
        # the virama 0: ह ि न ् द ी
        ("हिन्दी", 5),
    ],
)
def test_cell_width_counts_terminal_cells(text: str, cells: int) -> None:
    assert cell_width(text) == cells


def test_devanagari_spacing_vowels_take_a_cell_unlike_rich() -> None:
    from rich.cells import cell_len

    assert cell_width("कि") == 2
    assert cell_width("का") == 2
    assert cell_len("कि") == 1  # what the app corrects for
    assert cell_width(DEVANAGARI) > cell_len(DEVANAGARI)


@pytest.mark.parametrize("text", SAMPLES)
def test_fit_is_exactly_the_width_asked(text: str) -> None:
    for width in range(0, 45):
        assert cell_width(fit(text, width)) == width, width
        assert cell_width(fit(text, width, right=True)) == width, width


@pytest.mark.parametrize("text", SAMPLES)
def test_cut_adds_an_ellipsis_only_when_it_cuts(text: str) -> None:
    for width in range(0, 45):
        result = cut(text, width)
        assert cell_width(result) <= width, width
        if cell_width(text) <= width:
            assert result == text, width
        elif width > 0:
            assert result.endswith(ELLIPSIS), width
            assert text.startswith(result[:-1]), width
        else:
            assert result == "", width


def test_cut_examples() -> None:
    assert cut("hello", 5) == "hello"
    assert cut("hello world", 5) == "hell…"
    assert cut("hello", 1) == "…"
    assert cut("hello", 0) == ""
    assert cut("日本語テキスト", 5) == "日本…"
    assert cut("日本語", 4) == "日…"  # a wide character never straddles the edge
    assert cut("🐍🎉🐍", 4) == "🐍…"
    assert cut("हिन्दी", 3) == "हि…"


def test_cut_never_ends_on_a_joiner_before_the_ellipsis() -> None:
    result = cut("👨\u200d👩\u200d👧", 4)
    assert result.endswith(ELLIPSIS)
    assert "\u200d" + ELLIPSIS not in result
    assert cell_width(result) <= 4


def test_fit_pads_left_or_right() -> None:
    assert fit("1 min", 7) == "1 min  "
    assert fit("1 min", 7, right=True) == "  1 min"
    assert fit("日本", 5) == "日本 "
    assert fit("日本語", 5) == "日本…"
    assert fit("日本語", 4) == "日… "  # cut to 3 cells, padded to 4
    assert fit("abcdef", 4, right=True) == "abc…"


def test_devanagari_title_fits_the_column_it_is_given() -> None:
    for width in (10, 30, 31, 47, 60):
        assert cell_width(fit(DEVANAGARI, width)) == width


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"),  # one line, no control characters
        ),
        max_size=40,
    ),
    st.integers(min_value=0, max_value=60),
)
def test_fit_and_cut_on_any_text(text: str, width: int) -> None:
    assert cell_width(fit(text, width)) == width
    result = cut(text, width)
    assert cell_width(result) <= width
    if cell_width(text) <= width:
        assert result == text
    elif width:
        assert result.endswith(ELLIPSIS)
