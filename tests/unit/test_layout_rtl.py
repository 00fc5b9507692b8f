"""Arabic and Hebrew: right-aligned paragraphs drawn in visual order, offsets still exact."""

from __future__ import annotations

import pytest
from rich.style import Style

from reader.core.models import Block, BlockKind, Document, Span, SpanKind
from reader.ui import bidi_lines
from reader.ui.bidi_lines import _line_levels, python_levels
from reader.ui.document_layout import layout_blocks
from reader.ui.laid_document import RangeGroup, overlay
from tests.unit.test_document_layout import assert_cells_show_their_offsets, cells_of

P = BlockKind.PARAGRAPH
HEBREW = "שלום עולם, זהו משפט בעברית עם המילה English והמספר 2024 בתוכו."
ARABIC = "مرحبا بالعالم، هذا نص عربي (with English words) و 123 أرقام."


def lay(block: Block, width: int = 30) -> list:
    return layout_blocks((block,), width)


def marked(lines: list, start: int, end: int) -> list[str]:
    """Per line, the drawn text of the cells a highlight over [start, end) lands on."""
    group = RangeGroup.build([(start, end)], Style(reverse=True))
    return [
        "".join(s.text for s in overlay(line, [group]) if s.style and s.style.reverse)
        for line in lines
    ]


def test_a_hebrew_paragraph_is_right_aligned_and_drawn_right_to_left() -> None:
    lines = lay(Block(P, "שלום עולם וכל יושביו"), 30)
    assert [line.text for line in lines] == [" " * 10 + "ויבשוי לכו םלוע םולש"]
    assert lines[0].rtl and lines[0].cell_length == 30


def test_rtl_lines_wrap_in_logical_order_then_reorder() -> None:
    lines = lay(Block(P, HEBREW), 30)
    assert [HEBREW[line.start : line.end] for line in lines] == [
        "שלום עולם, זהו משפט בעברית עם",
        "המילה English והמספר 2024",
        "בתוכו.",
    ]
    assert [line.text for line in lines] == [
        " םע תירבעב טפשמ והז ,םלוע םולש",
        "     2024 רפסמהו English הלימה",
        " " * 24 + ".וכותב",
    ]


def test_english_words_and_numbers_inside_rtl_read_left_to_right() -> None:
    text = "הגרסה 3.12 של Python יצאה"
    line = lay(Block(P, text), 40)[0]
    assert line.text.lstrip() == "האצי Python לש 3.12 הסרגה"


def test_brackets_are_mirrored_in_rtl_text() -> None:
    line = lay(Block(P, ARABIC), 80)[0]
    assert "(with English words)" in line.text
    assert line.text.lstrip().startswith(".ماقرأ 123 و (with English words)")
    assert_cells_show_their_offsets(line, ARABIC)


def test_arabic_combining_marks_stay_after_their_base_letter() -> None:
    text = "كَتَبَ الوَلَدُ"  # vowel marks after each letter, logically
    line = lay(Block(P, text), 20)[0]
    drawn = line.text.lstrip()
    assert drawn == "دُلَوَلا بَتَكَ"
    assert line.cell_length == 20 and len(cells_of(line)) == 20
    assert_cells_show_their_offsets(line, text)


@pytest.mark.parametrize("width", [10, 17, 30, 52, 80])
@pytest.mark.parametrize("text", [HEBREW, ARABIC], ids=["hebrew", "arabic"])
def test_every_cell_of_an_rtl_line_shows_the_offset_it_maps_to(text: str, width: int) -> None:
    document = Document((Block(P, "An English opener."), Block(P, text)))
    lines = layout_blocks(document.blocks, width)
    shown: set[int] = set()
    for line in lines:
        assert len(cells_of(line)) == line.cell_length <= width
        assert_cells_show_their_offsets(line, document.text)
        for run in line.runs:
            shown.update(range(run.offset, run.end))
    hidden = {document.text[i] for i in range(len(document.text)) if i not in shown}
    assert hidden <= {" ", "\n"}


def test_a_search_hit_lands_on_its_hebrew_word() -> None:
    document = Document((Block(P, HEBREW),))
    start = HEBREW.index("משפט")
    lines = layout_blocks(document.blocks, 30)
    assert "".join(marked(lines, start, start + 4)) == "טפשמ"
    start = HEBREW.index("English")
    assert "".join(marked(lines, start, start + 7)) == "English"


def test_a_range_across_directions_lands_on_separate_stretches_of_cells() -> None:
    text = "שלום abc def עולם"
    line = lay(Block(P, text), 40)[0]
    assert line.text.lstrip() == "םלוע abc def םולש"
    start = text.index("def")
    group = RangeGroup.build([(start, start + 6)], Style(reverse=True))  # "def עו"
    stretches: list[str] = []
    inside = False
    for segment in overlay(line, [group]):
        on = bool(segment.style and segment.style.reverse)
        if on and not inside:
            stretches.append("")
        if on:
            stretches[-1] += segment.text
        inside = on
    # "עו" and the space before it (a right-to-left space) are drawn left of "abc"; "def"
    # right of it.
    assert stretches == ["וע ", "def"]


def test_styles_follow_their_words_into_visual_order() -> None:
    text = "זהו טקסט מודגש כאן"
    start = text.index("מודגש")
    block = Block(P, text, spans=(Span(start, start + 5, SpanKind.STRONG),))
    line = lay(block, 30)[0]
    bold = "".join(s.text for s in line.segments if s.style and s.style.bold)
    assert bold == "שגדומ"


def test_mouse_columns_map_to_offsets_on_rtl_lines() -> None:
    text = "שלום world"
    line = lay(Block(P, text), 20)[0]
    assert line.text == " " * 10 + "world םולש"
    assert line.offset_at(19) == 0  # the rightmost cell shows the first letter
    assert line.offset_at(16) == 3
    assert line.offset_at(10) == text.index("w")
    assert line.column_of(0) == 19 and line.column_of(text.index("w")) == 10
    # Left of the text (where the line's words end): the leftmost character.
    assert line.offset_at(2) is None
    assert line.offset_at(2, nearest=True) == text.index("w")


def test_ltr_paragraph_with_a_hebrew_phrase_stays_left_aligned() -> None:
    text = "He said שלום עולם and left."
    line = lay(Block(P, text), 40)[0]
    assert line.text == "He said םלוע םולש and left."
    assert not line.rtl
    assert_cells_show_their_offsets(line, text)


def test_paragraph_direction_follows_the_first_strong_letter_or_the_majority() -> None:
    majority = "HTML היא שפת סימון"  # starts with an English word, but mostly Hebrew
    first = "שלום world and more English words"
    english = "Hello שלום"
    lines = layout_blocks((Block(P, majority), Block(P, first), Block(P, english)), 40)
    assert [(line.text, line.rtl) for line in lines if line.text] == [
        (" " * 22 + "ןומיס תפש איה HTML", True),
        (" " * 7 + "world and more English words םולש", True),
        ("Hello םולש", False),
    ]


def test_rtl_heading_list_and_quote_put_their_decoration_on_the_right() -> None:
    blocks = (
        Block(BlockKind.HEADING, "כותרת", level=2),
        Block(BlockKind.LIST_ITEM, "פריט ראשון", marker="1."),
        Block(BlockKind.QUOTE, "ציטוט"),
    )
    texts = [line.text for line in layout_blocks(blocks, 20)]
    assert texts == [
        " " * 15 + "תרתוכ",
        " " * 15 + "─" * 5,
        "",
        " " * 7 + "ןושאר טירפ .1",
        "",
        " " * 13 + "טוטיצ ▐",
    ]


def test_lines_are_the_same_when_the_levels_come_from_the_pure_python_algorithm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = (HEBREW, ARABIC, "He said שלום (עולם) 12.5% and left.", "می‌خواهم برم خونه")
    blocks = tuple(Block(P, text) for text in texts)
    rust = [line.text for line in layout_blocks(blocks, 24)]
    for text in texts:
        for base in (0, 1):
            assert _line_levels(text, base) == python_levels(text, base), (text, base)

    def unreadable(*args: object, **kwargs: object) -> str:
        return "no report"

    monkeypatch.setattr(bidi_lines, "get_display", unreadable)
    assert [line.text for line in layout_blocks(blocks, 24)] == rust
    assert rust[0] == "     טפשמ והז ,םלוע םולש"


def test_an_arabic_title_is_right_aligned_in_the_header() -> None:
    from pathlib import Path

    from reader.core.models import ArticleMeta
    from reader.ui.document_layout import layout_header

    lines = layout_header(ArticleMeta("بناء مجتمعات", author="GitHub"), Path("/a.md"), 30)
    assert lines[0].text == " " * 18 + "تاعمتجم ءانب"
    assert lines[1].text == "GitHub"
