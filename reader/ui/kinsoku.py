"""Kinsoku shori: where Japanese and Chinese lines may not break.

A line must not start with closing punctuation, small kana or iteration marks (`。`, `、`,
`）`, `っ`, `ー`, `々`…), nor end with opening punctuation (`（`, `「`…). `wrap` asks
`may_break` before each break between two pieces of text that is not all one-cell characters
(the only text where CJK can occur), so Latin text never pays for it.
"""

from __future__ import annotations

NO_START = frozenset(
    # Closing brackets and quotes.
    "）〕］｝〉》」』】〙〗〟’”｠»"
    # Sentence and clause punctuation, full and half width.
    "、。，．：；！？‼⁇⁈⁉・゠〜～"
    "｡､･"
    # Prolonged sound mark, iteration marks, small kana (hiragana, katakana, half width).
    "ー々〻ゝゞヽヾ"
    "ぁぃぅぇぉっゃゅょゎゕゖ"
    "ァィゥェォッャュョヮヵヶ"
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "ｧｨｩｪｫｬｭｮｯｰ"
    # ASCII closers next to CJK text ("日本)" is two pieces).
    ")]},.!?;:%"
)
"""Characters a line may not start with."""

NO_END = frozenset("（〔［｛〈《「『【〘〖〝‘“｟«" + "([{")
"""Characters a line may not end with."""


def may_break(before: str, after: str) -> bool:
    """True when a line may end with the character `before` and the next start with `after`."""
    return before not in NO_END and after not in NO_START
