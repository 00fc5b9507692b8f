"""Code and preformatted text: long lines wrap between tokens behind a `↪`, never mid-word."""

from __future__ import annotations

import pytest
from rich.style import Style

from reader.core.models import Block, BlockKind, Document
from reader.ui.document_layout import layout_blocks
from reader.ui.laid_document import RangeGroup, overlay
from tests.unit.test_document_layout import assert_cells_show_their_offsets, cells_of, drawn

CODE = BlockKind.CODE
PRE = BlockKind.PREFORMATTED
LIST = 'companies = ["Meta Platforms", "Apple", "Alphabet", "Microsoft"]  # big ones'


def texts(block: Block, width: int) -> list[str]:
    return [line.text.rstrip() for line in layout_blocks((block,), width)]


def test_a_long_code_line_wraps_at_spaces_and_never_inside_a_word() -> None:
    lines = texts(Block(CODE, LIST, language="python"), 32)
    assert lines == [
        '  companies = ["Meta Platforms",',
        '  ↪ "Apple", "Alphabet",',
        '  ↪ "Microsoft"]  # big ones',
    ]
    for word in LIST.split():
        assert any(word in line for line in lines), word


def test_continuation_hangs_past_the_lines_own_indent_behind_a_dim_mark() -> None:
    code = "def f():\n    return compute(first_argument, second_argument, third)"
    lines = layout_blocks((Block(CODE, code, language="python"),), 40)
    assert [line.text.rstrip() for line in lines] == [
        "  def f():",
        "      return compute(first_argument,",
        "      ↪ second_argument, third)",
    ]
    continuation = lines[2]
    column = 2 + 4  # the code band's indent, then the line's own
    assert cells_of(continuation)[column] == "↪"
    assert continuation.offset_at(column) is None  # decoration, not text
    mark = next(s for s in continuation.segments if s.text.startswith("↪"))
    assert mark.style is not None and mark.style.dim
    assert continuation.runs[0].column == column + 2
    assert continuation.start == code.index("second_argument")


def test_without_a_space_near_the_edge_a_line_breaks_after_punctuation() -> None:
    code = 'url = "https://example.com/a/very/long/path/that/has/no/spaces?x=1&y=2"'
    lines = texts(Block(CODE, code), 34)
    assert lines == [
        '  url = "https://example.com/a/',
        "  ↪ very/long/path/that/has/no/",
        '  ↪ spaces?x=1&y=2"',
    ]


def test_only_a_token_wider_than_the_line_is_cut_and_then_marked() -> None:
    token = "x" * 70
    lines = layout_blocks((Block(CODE, token),), 32)
    assert [line.text.rstrip() for line in lines] == [
        "  " + "x" * 30,
        "  ↪ " + "x" * 28,
        "  ↪ " + "x" * 12,
    ]
    assert "".join(text for line in lines for _, text in drawn(line)) == token


def test_wide_characters_in_code_wrap_by_cells_between_tokens() -> None:
    code = "print('日本語のテキスト')  # 漢字のコメントがここに続きます"
    lines = layout_blocks((Block(CODE, code),), 30)
    assert all(line.cell_length == 30 for line in lines)
    assert [line.text.rstrip() for line in lines] == [
        "  print('日本語のテキスト')  #",
        "  ↪ 漢字のコメントがここに続き",  # wider than a line: cut between characters
        "  ↪ ます",
    ]
    for line in lines:
        assert_cells_show_their_offsets(line, code)


@pytest.mark.parametrize("width", [8, 13, 21, 34, 55])
def test_wrapped_code_keeps_every_offset_on_its_cell(width: int) -> None:
    code = "\n".join(
        [
            LIST,
            "    if (a, b) == (c, d): return {'k': [1, 2, 3], 'path': '/usr/local/lib'}",
            "",
            "\tx = 'ẞtraße' + ''.join(map(str, range(100000000000000000000000000)))",
        ]
    )
    document = Document((Block(CODE, code, language="python"),))
    lines = layout_blocks(document.blocks, width)
    shown = set()
    for line in lines:
        assert line.cell_length == width
        assert_cells_show_their_offsets(line, document.text)
        for run in line.runs:
            shown.update(range(run.offset, run.end))
    hidden = {document.text[i] for i in range(len(code)) if i not in shown}
    assert hidden <= {" ", "\n", "\t"}


def test_a_search_hit_in_wrapped_code_lands_on_its_cells_across_the_break() -> None:
    document = Document((Block(CODE, LIST),))
    start = LIST.index("Platforms")
    end = LIST.index('"Alphabet"')
    group = RangeGroup.build([(start, end)], Style(reverse=True))
    marked = [
        "".join(s.text for s in overlay(line, [group]) if s.style and s.style.reverse)
        for line in layout_blocks(document.blocks, 32)
    ]
    assert marked == ['Platforms",', '"Apple", ', ""]


def test_preformatted_drops_the_shared_indent_only_when_the_pane_is_too_narrow() -> None:
    text = "        +-------+-------+\n        | alpha | beta  |\n        +-------+-------+"
    assert texts(Block(PRE, text), 40) == text.split("\n")
    assert texts(Block(PRE, text), 20) == [
        "+-------+-------+",
        "| alpha | beta  |",
        "+-------+-------+",
    ]
    lines = layout_blocks((Block(PRE, text),), 20)
    assert lines[1].start == text.index("| alpha")
    assert not any(s.style and s.style.bgcolor for line in lines for s in line.segments)


def test_preformatted_lines_still_too_long_wrap_like_code() -> None:
    text = "    Request-Line = Method SP Request-URI SP HTTP-Version CRLF\n    next"
    lines = texts(Block(PRE, text), 30)
    assert lines == [
        "Request-Line = Method SP",
        "↪ Request-URI SP HTTP-Version",
        "↪ CRLF",
        "next",
    ]
