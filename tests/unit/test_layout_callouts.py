"""Callouts as titled, coloured boxes; definition lists as a bold term over an indented text."""

from __future__ import annotations

import pytest
from rich.style import Style

from reader.core.models import Block, BlockKind, Document, Span, SpanKind
from reader.ui.document_layout import DEFAULT_STYLES, layout_blocks
from reader.ui.laid_document import RangeGroup, overlay
from tests.unit.test_document_layout import assert_cells_show_their_offsets

CALLOUT = BlockKind.CALLOUT
NOTE = Block(
    CALLOUT,
    "Tables keep their offsets.\nSo do callouts, even when they wrap.",
    marker="Note",
    language="note",
)


def texts(blocks: tuple[Block, ...], width: int) -> list[str]:
    return [line.text for line in layout_blocks(blocks, width)]


def test_a_callout_is_a_titled_box_around_its_wrapped_paragraphs() -> None:
    assert texts((NOTE,), 30) == [
        "╭─ Note ─────────────────────╮",
        "│ Tables keep their offsets. │",
        "│                            │",
        "│ So do callouts, even when  │",
        "│ they wrap.                 │",
        "╰────────────────────────────╯",
    ]


def test_every_callout_look_has_a_default_style() -> None:
    for look in ("note", "tip", "important", "warning", "caution"):
        assert DEFAULT_STYLES[f"callout-{look}"].color is not None


@pytest.mark.parametrize(
    ("kind", "color"),
    [
        ("note", "bright_blue"),
        ("info", "bright_blue"),
        ("tip", "green"),
        ("important", "magenta"),
        ("warning", "yellow"),
        ("caution", "red"),
        ("danger", "red"),
        ("something-else", "bright_blue"),
    ],
)
def test_the_box_takes_the_colour_of_its_type(kind: str, color: str) -> None:
    lines = layout_blocks((Block(CALLOUT, "Text.", marker="Title", language=kind),), 24)
    top = lines[0]
    border = top.segments[0].style
    title = next(s for s in top.segments if s.text == "Title")
    assert border is not None and border.color is not None and border.color.name == color
    assert title.style is not None and title.style.bold and title.style.color == border.color
    assert lines[1].segments[0].style == border  # the side bar
    assert lines[-1].segments[0].style == border


def test_a_long_title_is_cut_to_the_box_and_the_box_keeps_its_width() -> None:
    block = Block(CALLOUT, "x", marker="Warning: Mind the gap between the train and the platform")
    lines = layout_blocks((block,), 24)
    assert lines[0].text == "╭─ Warning: Mind the… ─╮"
    assert {line.cell_length for line in lines} == {24}


def test_a_nested_callout_is_indented_by_its_level() -> None:
    block = Block(CALLOUT, "Inside.", marker="Tip", language="tip", level=1)
    assert texts((block,), 20) == [
        "  ╭─ Tip ──────────╮",
        "  │ Inside.        │",
        "  ╰────────────────╯",
    ]


def test_hits_and_highlights_inside_a_callout_land_on_their_cells() -> None:
    before = Block(BlockKind.PARAGRAPH, "Intro paragraph.")
    callout = Block(
        CALLOUT,
        "Mind the gap between the train and the platform.\nStand behind the line.",
        spans=(Span(9, 12, SpanKind.STRONG),),
        marker="Warning",
        language="warning",
    )
    document = Document((before, callout))
    lines = layout_blocks(document.blocks, 28)
    base = document.block_starts[1]
    hits = [(base + callout.text.index(word), len(word)) for word in ("gap", "platform", "behind")]
    group = RangeGroup.build([(a, a + n) for a, n in hits], Style(reverse=True))
    marked = [
        segment.text
        for line in lines
        for segment in overlay(line, [group])
        if segment.style and segment.style.reverse
    ]
    assert marked == ["gap", "platform", "behind"]
    bold = [s.text for line in lines for s in line.segments if s.style and s.style.bold]
    assert "gap" in bold
    for line in lines:
        assert_cells_show_their_offsets(line, document.text)


@pytest.mark.parametrize("width", [8, 12, 19, 33, 80])
def test_callout_content_is_never_dropped_and_stays_inside_the_box(width: int) -> None:
    document = Document((NOTE, Block(CALLOUT, "", marker=""), Block(CALLOUT, "a\n\n\nb")))
    lines = layout_blocks(document.blocks, width)
    shown: set[int] = set()
    for line in lines:
        assert line.cell_length <= max(width, 8)
        assert_cells_show_their_offsets(line, document.text)
        for run in line.runs:
            assert run.column >= 2 and run.column_of(run.end) <= line.cell_length - 2
            shown.update(range(run.offset, run.end))
    hidden = {document.text[i] for i in range(len(document.text)) if i not in shown}
    assert hidden <= {" ", "\n"}


def test_a_right_to_left_callout_is_right_aligned_inside_its_box() -> None:
    block = Block(CALLOUT, "שים לב לפער.", marker="הערה", language="note")
    assert texts((block,), 24) == [
        "╭─────────────── הרעה ─╮",
        "│         .רעפל בל םיש │",
        "╰──────────────────────╯",
    ]
    line = layout_blocks((block,), 24)[1]
    assert line.rtl and line.offset_at(21) == 0
    assert_cells_show_their_offsets(line, block.text)


def test_a_term_is_bold_on_its_own_line_with_its_definition_indented_under_it() -> None:
    blocks = (
        Block(BlockKind.TERM, "Kinsoku"),
        Block(BlockKind.DEFINITION, "The rules for where Japanese lines may not break."),
        Block(BlockKind.TERM, "Bidi"),
        Block(BlockKind.DEFINITION, "Mixing right-to-left and left-to-right text."),
    )
    lines = layout_blocks(blocks, 30)
    assert [line.text for line in lines] == [
        "Kinsoku",
        "    The rules for where",
        "    Japanese lines may not",
        "    break.",
        "",
        "Bidi",
        "    Mixing right-to-left and",
        "    left-to-right text.",
    ]
    assert lines[0].segments[0].style is not None and lines[0].segments[0].style.bold
    assert not any(s.style and s.style.bold for s in lines[1].segments)
    assert lines[2].runs[0].column == 4


def test_a_definition_list_lays_out_the_same_in_batches() -> None:
    blocks = (
        Block(BlockKind.PARAGRAPH, "Before."),
        Block(BlockKind.TERM, "Term"),
        Block(BlockKind.DEFINITION, "Its definition."),
    )
    document = Document(blocks)
    whole = layout_blocks(blocks, 30)
    first = layout_blocks(blocks[:2], 30)
    rest = layout_blocks(
        blocks[2:],
        30,
        first_offset=document.block_starts[2],
        leading_blank=True,
        previous=blocks[1],
    )
    assert first + rest == whole
    assert [line.text for line in whole] == ["Before.", "", "Term", "    Its definition."]
