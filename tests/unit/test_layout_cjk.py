"""Japanese and Chinese prose: breaks anywhere between wide characters, but kinsoku holds."""

from __future__ import annotations

import pytest
from rich.style import Style

from reader.core.models import Block, BlockKind, Document
from reader.ui.document_layout import layout_blocks
from reader.ui.kinsoku import NO_END, NO_START
from reader.ui.laid_document import RangeGroup, overlay
from reader.ui.laid_line import wrap
from tests.unit.test_document_layout import assert_cells_show_their_offsets

P = BlockKind.PARAGRAPH
RASHOMON = (
    "ある日の暮方の事である。一人の下人が、羅生門の下で雨やみを待っていた。"
    "広い門の下には、この男のほかに誰もいない。ただ、所々丹塗の剥げた、大きな円柱に、"
    "蟋蟀が一匹とまっている。「羅生門」が、朱雀大路にある以上は、この男のほかにも、"
    "雨やみをする市女笠や揉烏帽子が、もう二三人はありそうなものである。"
)
CHINESE = "他说：“我们明天（星期六）去公园吧！”我同意了，因为天气很好。你呢？"


def lines_of(text: str, width: int) -> list[str]:
    return [text[a:b] for a, b in wrap(text, width)]


@pytest.mark.parametrize("text", [RASHOMON, CHINESE], ids=["japanese", "chinese"])
@pytest.mark.parametrize("width", range(6, 41))
def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_one(
    text: str, width: int
) -> None:
    lines = lines_of(text, width)
    assert "".join(lines) == text  # nothing lost, nothing repeated
    for line in lines[1:]:
        assert line[0] not in NO_START, (width, lines)
    for line in lines[:-1]:
        assert line[-1] not in NO_END, (width, lines)


def test_the_character_before_a_full_stop_moves_down_with_it() -> None:
    # Ten cells take five characters; "。" would start the third line.
    assert lines_of("日本語の文章はどこでも改行できます。", 10) == [
        "日本語の文",
        "章はどこで",
        "も改行でき",
        "ます。",
    ]
    assert lines_of("一二三四五。六七", 10) == ["一二三四", "五。六七"]
    # Closing marks too many to move with their character stay within the width.
    text = "あい" + "」" * 12
    assert lines_of(text, 8) == ["あ", "い」」」", "」」」」", "」」」」", "」"]


def test_an_opening_bracket_moves_down_to_the_text_it_opens() -> None:
    assert lines_of("彼は「こんにちは」と言った。", 6) == [
        "彼は",
        "「こん",
        "にち",
        "は」と",
        "言っ",
        "た。",
    ]


def test_small_kana_and_the_long_vowel_mark_never_start_a_line() -> None:
    for line in lines_of("ちょっとコーヒーを飲みましょう。キャッシュ・フロー", 8)[1:]:
        assert line[0] not in "ょっーゃゅァィゥェォッャュョ・"


def test_kinsoku_lines_keep_their_offsets_and_hits() -> None:
    document = Document((Block(P, RASHOMON),))
    lines = layout_blocks(document.blocks, 20)
    for line in lines:
        assert line.cell_length <= 20
        assert_cells_show_their_offsets(line, document.text)
    start = RASHOMON.index("羅生門の下")
    group = RangeGroup.build([(start, start + 5)], Style(reverse=True))
    marked = "".join(
        s.text for line in lines for s in overlay(line, [group]) if s.style and s.style.reverse
    )
    assert marked == "羅生門の下"
