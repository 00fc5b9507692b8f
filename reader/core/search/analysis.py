"""How text becomes index terms, shared by the index, the queries and the hit finder.

Words are runs of letters and digits, lowercased, accent-folded (`café` → `cafe`) and, in the
stemmed fields, reduced to their English Snowball stem (`killers` → `killer`). Japanese,
Chinese and Korean put no spaces between words, so each of their characters is a token of its
own and a CJK word is searched as the phrase of its characters.

tantivy's regex tokenizer would split CJK for us, but it is four times slower than its simple
tokenizer over the whole library; so CJK characters get spaces around them here instead, only
in the (rare) texts that hold any, and the simple tokenizer does the rest.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import tantivy

STEMMED = "reader_stemmed"
FOLDED = "reader_folded"
LOWER = "reader_lower"

CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
)
"""The Basic Multilingual Plane's CJK (the rare ideographs beyond it stay as runs)."""
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
WORD_CHARS = rf"[^\W_{CJK_RANGES}]"
"""A character of a non-CJK word, as a regex class (letters and digits, like tantivy's)."""
TOKEN = re.compile(rf"[{CJK_RANGES}]|{WORD_CHARS}+")
"""One token as the index sees it, for finding hits in Python."""


def _analyzer(stem: bool) -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    builder = builder.filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


_STEMMED = _analyzer(stem=True)
_FOLDED = _analyzer(stem=False)


def register(index: tantivy.Index) -> None:
    """Make the analyzers known to `index` (they are not saved with it)."""
    index.register_tokenizer(STEMMED, _analyzer(stem=True))
    index.register_tokenizer(FOLDED, _analyzer(stem=False))
    lower = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
    index.register_tokenizer(LOWER, lower.filter(tantivy.Filter.lowercase()).build())


@cache
def _spacing_table() -> dict[int, str]:
    """CJK character → itself between spaces (40,000 entries; `re.sub` is 7 times slower)."""
    table: dict[int, str] = {}
    for low, high in re.findall(r"(.)-(.)", CJK_RANGES):
        for code in range(ord(low), ord(high) + 1):
            table[code] = f" {chr(code)} "
    return table


def spaced(text: str) -> str:
    """`text` with each CJK character made a word of its own; unchanged when it has none."""
    if CJK_CHAR.search(text) is None:
        return text
    return text.translate(_spacing_table())


def stems(text: str) -> list[str]:
    """The stemmed tokens of `text`, as the title, body and author fields index them."""
    return _STEMMED.analyze(spaced(text))


def folds(text: str) -> list[str]:
    """The unstemmed (lowercased, accent-folded) tokens of `text`: what prefixes match."""
    return _FOLDED.analyze(spaced(text))


@lru_cache(maxsize=65_536)
def stem_of(word: str) -> str:
    """The index term of one word (as `TOKEN` finds it); "" if it yields none."""
    found = _STEMMED.analyze(word)
    return found[0] if len(found) == 1 else "".join(found)


@lru_cache(maxsize=65_536)
def fold_of(word: str) -> str:
    """One word lowercased and accent-folded, unstemmed."""
    return "".join(_FOLDED.analyze(word))
