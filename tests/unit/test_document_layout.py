"""Layout: lines fit the width, never drop text, and know exactly which offsets they show."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.segment import Segment
from rich.style import Style

from reader.core.loaders.markdown_doc import parse_markdown
from reader.core.models import ArticleMeta, Block, BlockKind, Document, Span, SpanKind
from reader.core.sanitize import safe_line
from reader.ui.document_layout import (
    DEFAULT_STYLES,
    LaidLine,
    layout_blocks,
    layout_header,
    layout_message,
)
from reader.ui.laid_document import LaidDocument, RangeGroup, overlay
from reader.ui.laid_line import char_cells, wrap

P = BlockKind.PARAGRAPH
CJK = "日本語の文章はどこでも改行できます。これはテストです。"

SAMPLE = (
    Block(BlockKind.HEADING, "A Heading With Words", level=1),
    Block(
        P,
        "Some *emphasis* and a link to https://example.com/a/very/long/path/that/must/fold/x",
        spans=(Span(6, 14, SpanKind.EMPHASIS), Span(30, 83, SpanKind.LINK, "https://x")),
    ),
    Block(BlockKind.HEADING, "Second level", level=2),
    Block(BlockKind.LIST_ITEM, "an item long enough to wrap onto a second line", marker="•"),
    Block(BlockKind.LIST_ITEM, "nested item with more words than fit", marker="1.", level=1),
    Block(BlockKind.QUOTE, "a quoted remark that goes on for a while", level=1),
    Block(
        BlockKind.CODE, "def f(x):\n    return x + 1  # long comment past the edge", language="py"
    ),
    Block(BlockKind.TABLE, "Name\tValue\nalpha\tsomething long that wraps\n日本語\t2"),
    Block(P, CJK),
    Block(BlockKind.IMAGE, "a cat", marker="cat.png"),
    Block(BlockKind.FOOTNOTE, "The footnote.", marker="1"),
    Block(BlockKind.RULE, ""),
    Block(BlockKind.CAPTION, "Photo: someone"),
    Block(P, "hard\nbreaks\n\nkept\tand tabs"),
    Block(
        BlockKind.CALLOUT,
        "Mind the *gap* between the train and the platform.\nSecond paragraph.",
        spans=(Span(9, 14, SpanKind.EMPHASIS),),
        marker="Warning: Mind the gap",
        language="warning",
    ),
    Block(BlockKind.TERM, "Kinsoku"),
    Block(BlockKind.DEFINITION, "Rules for where Japanese lines may not break."),
    Block(BlockKind.PREFORMATTED, "   +------+------+\n   | a    | b    |  a long trailing note"),
)


def cells_of(line: LaidLine) -> list[str]:
    """The character drawn in each cell (wide characters fill their first cell)."""
    cells: list[str] = []
    for segment in line.segments:
        for char in segment.text:
            width = char_cells(char)
            if width:
                cells.extend([char] + [""] * (width - 1))
            elif cells:
                cells[-1] += char
    return cells


def drawn(line: LaidLine) -> list[tuple[int, str]]:
    """(offset, characters) for every text run of the line, read back from its segments."""
    cells = cells_of(line)
    out = []
    for run in line.runs:
        start = run.column
        stop = run.column_of(run.end)
        out.append((run.offset, "".join(cells[start:stop])))
    return out


MIRRORS = dict(zip("()[]{}<>«»", ")(][}{><»«", strict=True))


def assert_cells_show_their_offsets(line: LaidLine, text: str) -> None:
    """Every cell a run covers shows the character its offset names (a bracket may be drawn
    mirrored on a right-to-left line), and every offset of the run is drawn exactly once."""
    cells = cells_of(line)
    for run in line.runs:
        seen: set[int] = set()
        left, right = run.cells_of(run.offset, run.end)
        for column in range(left, right):
            offset = line.offset_at(column)
            assert offset is not None and run.offset <= offset < run.end
            expected = safe_line(text[offset])
            shown = cells[column][:1] if cells[column] else cells[column - 1][:1]
            assert shown in (expected, MIRRORS.get(expected)), (column, offset)
            seen.add(offset)
            assert line.column_of(offset) is not None
        base = {o for o in range(run.offset, run.end) if char_cells(text[o]) > 0}
        assert seen == base


@pytest.mark.parametrize("width", [12, 20, 40, 80])
def test_every_line_draws_exactly_its_text_offsets(width: int) -> None:
    document = Document(SAMPLE)
    for line in layout_blocks(SAMPLE, width):
        for offset, text in drawn(line):
            run = next(run for run in line.runs if run.offset == offset)
            assert text == safe_line(document.text[offset : run.end])
        if line.runs:
            assert line.start == line.runs[0].offset
            assert line.end == line.runs[-1].end
        else:
            assert line.start == line.end == -1


@pytest.mark.parametrize("width", [12, 20, 40, 80])
def test_lines_fit_the_width_and_no_text_is_dropped(width: int) -> None:
    document = Document(SAMPLE)
    lines = layout_blocks(SAMPLE, width)
    shown = set()
    for line in lines:
        assert len(cells_of(line)) == line.cell_length <= width
        for run in line.runs:
            shown.update(range(run.offset, run.end))
    hidden = {document.text[i] for i in range(len(document.text)) if i not in shown}
    assert hidden <= {" ", "\n", "\t"}


def test_layout_in_batches_equals_layout_at_once() -> None:
    whole = layout_blocks(SAMPLE, 30)
    document = Document(SAMPLE)
    first = layout_blocks(SAMPLE[:5], 30)
    rest = layout_blocks(SAMPLE[5:], 30, first_offset=document.block_starts[5], leading_blank=True)
    assert first + rest == whole


def test_paragraph_wraps_at_word_boundaries() -> None:
    text = "the quick brown fox jumps over the lazy dog"
    lines = layout_blocks((Block(P, text),), 10)
    assert [line.text for line in lines] == [
        "the quick",
        "brown fox",
        "jumps over",
        "the lazy",
        "dog",
    ]


def test_long_word_folds_without_losing_characters() -> None:
    url = "https://example.com/" + "x" * 50
    lines = layout_blocks((Block(P, f"see {url}"),), 16)
    assert "".join(line.text for line in lines[1:]) == url
    assert all(line.cell_length <= 16 for line in lines)


def test_cjk_wraps_anywhere_and_maps_offsets_to_double_cells() -> None:
    lines = layout_blocks((Block(P, CJK),), 10)
    assert [len(line.text) for line in lines[:-1]] == [5] * (len(lines) - 1)
    assert lines[0].cell_length == 10
    assert lines[0].runs[0].column_of(3) == 6
    assert lines[0].offset_at(7) == 3
    assert lines[1].start == 5


def test_span_styles_land_on_their_characters() -> None:
    block = SAMPLE[1]
    lines = layout_blocks((block,), 80)
    italic = "".join(s.text for line in lines for s in line.segments if s.style and s.style.italic)
    linked = "".join(
        s.text for line in lines for s in line.segments if s.style and s.style.underline
    )
    assert italic == "emphasis"
    assert linked == block.text[30:83]


def test_headings_are_styled_and_ruled_by_level_without_hash_signs() -> None:
    lines = layout_blocks(SAMPLE[:3], 40)
    assert lines[0].text == "A Heading With Words"
    assert lines[0].segments[0].style.bold
    assert lines[1].text == "━" * 40
    h2 = next(i for i, line in enumerate(lines) if line.text == "Second level")
    assert lines[h2 + 1].text == "─" * len("Second level")
    assert not any("#" in line.text for line in lines)


def test_list_items_hang_their_indent_by_level() -> None:
    lines = layout_blocks(SAMPLE[3:5], 24)
    assert lines[0].text.startswith("• an item")
    assert lines[1].text.startswith("  ") and lines[1].runs[0].column == 2
    nested = next(line for line in lines if "nested" in line.text)
    assert nested.text.startswith("  1. nested")
    following = lines[lines.index(nested) + 1]
    assert following.runs[0].column == 5


def test_quotes_draw_one_bar_per_level() -> None:
    lines = layout_blocks((SAMPLE[5],), 24)
    assert all(line.text.startswith("▌ ▌ ") for line in lines)
    assert lines[0].runs[0].column == 4


def test_code_is_highlighted_and_long_lines_wrap_between_words() -> None:
    block = SAMPLE[6]
    lines = layout_blocks((block,), 30)
    assert lines[0].text.rstrip() == "  def f(x):"
    assert all(line.cell_length == 30 for line in lines)  # shaded band across the width
    keyword = next(s for s in lines[0].segments if s.text == "def")
    name = next(s for s in lines[0].segments if s.text.startswith(" f") or s.text == "f")
    assert keyword.style != name.style
    assert [line.text.rstrip() for line in lines[1:]] == [
        "      return x + 1  # long",
        "      ↪ comment past the edge",
    ]
    body = " ".join(text for line in lines[1:] for _, text in drawn(line))
    assert body == block.text.split("\n")[1]


def test_table_is_an_aligned_grid_whose_cells_map_to_offsets() -> None:
    block = SAMPLE[7]
    lines = layout_blocks((block,), 30)
    assert lines[0].text.startswith("┌") and lines[-1].text.startswith("└")
    assert len({line.cell_length for line in lines}) == 1
    header = lines[1]
    assert [text for _, text in drawn(header)] == ["Name", "Value"]
    assert header.runs[1].offset == block.text.index("Value")
    assert "日本語" in lines[-2].text
    body = "".join(text for line in lines for _, text in drawn(line))
    assert body.replace(" ", "") == block.text.replace("\t", "").replace("\n", "").replace(" ", "")


def test_a_table_too_wide_for_the_width_stacks_its_cells() -> None:
    block = Block(BlockKind.TABLE, "\t".join(f"c{i}" for i in range(12)) + "\n" + "\t" * 11)
    lines = layout_blocks((block,), 20)
    assert all(line.cell_length <= 20 for line in lines)
    shown = "".join(text for line in lines for _, text in drawn(line))
    assert shown == "".join(f"c{i}" for i in range(12))


def test_image_footnote_rule_and_caption() -> None:
    lines = layout_blocks(SAMPLE[9:13], 40)
    texts = [line.text for line in lines]
    assert "🖼 a cat — cat.png" in texts
    assert "[1] The footnote." in texts
    assert "─" * 40 in texts
    caption = lines[-1]
    assert caption.text == "Photo: someone" and caption.segments[0].style.italic


def test_hard_breaks_and_blank_lines_inside_a_block_survive() -> None:
    lines = layout_blocks((SAMPLE[13],), 40)
    assert [line.text for line in lines] == ["hard", "breaks", "", "kept and tabs"]


def test_hostile_text_is_drawn_literally_and_inertly() -> None:
    text = "[bold]x[/bold] [@click=app.quit]y[/] \x1b[31mred\x1b[0m \x9b2J \u202eevil \x00"
    block = Block(P, text, spans=(Span(0, 6, SpanKind.LINK, "[@click=app.quit]"),))
    lines = layout_blocks((block,), 200)
    segments = [s for line in lines for s in line.segments]
    drawn_text = "".join(s.text for s in segments)
    assert "[bold]x[/bold] [@click=app.quit]y[/]" in drawn_text
    assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) < 0xA0 for c in drawn_text)
    assert "\u202e" not in drawn_text
    assert len(drawn_text) == len(text)
    assert all(s.control is None for s in segments)


def test_header_shows_title_byline_and_final_counts() -> None:
    meta = ArticleMeta("On \x1b[2J Reading", author="Ann", tags=("books", "sleep"))
    counting = layout_header(meta, Path("/lib/a.md"), 60)
    final = layout_header(meta, Path("/lib/a.md"), 60, words=920)
    assert counting[0].text == "On ␛[2J Reading"
    assert counting[1].text == "Ann · #books, #sleep"
    assert "counting words" in counting[2].text
    assert final[2].text == "920 words · 4 min · /lib/a.md"
    assert len(counting) == len(final)


def test_message_wraps_and_is_not_text() -> None:
    lines = layout_message("Skipped: binary file " + "x" * 30, 20)
    assert all(line.cell_length <= 20 and line.start == -1 for line in lines)


def test_parsed_markdown_lays_out_with_exact_offsets() -> None:
    document = parse_markdown("# Title\n\nSome *text* here.\n\n- one\n- two\n\n> quote\n")
    for line in layout_blocks(document.blocks, 30):
        for offset, text in drawn(line):
            assert text == safe_line(document.text[offset : offset + len(text)])


def test_ranges_are_drawn_over_exactly_their_characters() -> None:
    document = Document((Block(P, "alpha beta gamma delta"), Block(P, CJK)))
    laid = LaidDocument(12)
    laid.extend(layout_blocks(document.blocks, 12), 2)
    hit = Style(reverse=True)
    start = document.text.index("beta gamma")
    cjk = document.block_starts[1] + 2
    group = RangeGroup.build([(start, start + 10), (cjk, cjk + 3)], hit)
    marked = ""
    for line in laid.lines:
        for segment in overlay(line, [group]) if line.runs else line.segments:
            if segment.style and segment.style.reverse:
                marked += segment.text
    assert marked == "betagamma" + CJK[2:5]


def test_laid_document_maps_rows_and_offsets_both_ways() -> None:
    document = Document(tuple(Block(P, f"paragraph {i}" + " word" * 10) for i in range(5)))
    laid = LaidDocument(20, [LaidLine((Segment("Title"),), 5)])
    laid.extend(layout_blocks(document.blocks, 20, DEFAULT_STYLES, leading_blank=True), 5)
    third = document.block_starts[2]
    row = laid.row_of(third + 3)
    assert row is not None and laid.lines[row].start == third
    assert laid.offset_of_row(0) == 0
    assert laid.offset_of_row(row) == third
    assert laid.text_end == len(document.text)


def test_wrap_keeps_indentation_and_drops_break_spaces() -> None:
    assert wrap("  indented text here ", 10) == [(0, 10), (11, 20)]
    assert wrap("", 10) == [(0, 0)]


def _layout_cpu(unit: str, count: int) -> float:
    import time

    from reader.ui.document_layout import layout_blocks

    blocks = parse_markdown("# T\n\n" + unit * count + "\n").blocks
    started = time.process_time()
    layout_blocks(blocks, 76)
    return time.process_time() - started


@pytest.mark.parametrize("unit", ["`a``b", "*a* ", "[a](http://x) "], ids=["code", "emph", "links"])
def test_laying_out_many_inline_spans_costs_linear_time(unit: str) -> None:
    """20,000 code spans in one paragraph froze the reading pane for 20 s: the styles were
    worked out by looking at every span at every cut (quadratic)."""
    small = min(_layout_cpu(unit, 1_500) for _ in range(3))
    large = min(_layout_cpu(unit, 15_000) for _ in range(3))
    assert large <= 40 * max(small, 0.002)  # linear is 10×, the old code was 100×


def test_style_runs_agree_with_looking_at_every_span() -> None:
    import random

    from reader.ui.document_layout import DEFAULT_STYLES
    from reader.ui.laid_line import style_runs

    def brute(length: int, spans: list[Span]) -> tuple[list[int], list[Style]]:
        cuts = sorted(
            {0, *(min(max(s.start, 0), length) for s in spans)}
            | {min(max(s.end, 0), length) for s in spans}
        )
        starts: list[int] = []
        styles: list[Style] = []
        for cut in cuts:
            if cut >= length and starts:
                break
            style = Style()
            for span in spans:
                if span.start <= cut < span.end:
                    style += DEFAULT_STYLES.get(span.kind.value, Style.null())
            if not styles or style != styles[-1]:
                starts.append(cut)
                styles.append(style)
        return starts, styles

    chance = random.Random(7)
    for _ in range(2_000):
        length = chance.randint(1, 50)
        spans = [
            Span(
                chance.randint(-2, length + 2),
                chance.randint(-2, length + 2),
                chance.choice(list(SpanKind)),
            )
            for _ in range(chance.randint(1, 7))
        ]
        assert style_runs(length, spans, Style(), DEFAULT_STYLES) == brute(length, spans)
