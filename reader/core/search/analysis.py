"""How text becomes index terms, shared by the index, the queries and the hit finder.

Words are runs of letters and digits, folded as the list filter and find-in-article fold them
(`reader.core.fold`: `Café` → `cafe`, `المكوّنات` → `المكونات`, `ＡＢＣ` → `abc`) and, in the
stemmed fields, reduced to their English Snowball stem (`killers` → `killer`). tantivy's own
filters (lowercase, ascii_fold) only know case and Latin accents, so text reaches them folded,
on both sides: `prepared` for what is indexed, and the functions below for queries. Japanese,
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

from reader.core.fold import fold, fold_for_tantivy

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
_ASCII_BYTES = bytes(range(0x80))
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
    if text.isascii() or CJK_CHAR.search(_beyond_ascii(text)) is None:
        return text
    return text.translate(_spacing_table())


def _beyond_ascii(text: str) -> str:
    """The non-ASCII characters of a mostly-ASCII text, run together (a few percent of an
    English text with curly quotes, quicker to search), or else the text itself."""
    others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return others.decode("utf-8", "surrogatepass") if len(others) < len(text) else text


def prepared(text: str) -> str:
    """`text` as the index's text fields (and the queries on them) are given it: folded,
    CJK characters spaced. An ASCII text goes as it is: tantivy lowercases it."""
    return text if text.isascii() else spaced(fold_for_tantivy(text))


def stems(text: str) -> list[str]:
    """The stemmed tokens of `text`, as the title, body and author fields index them."""
    return _STEMMED.analyze(prepared(text))


def folds(text: str) -> list[str]:
    """The unstemmed (folded) tokens of `text`: what prefixes match."""
    return _FOLDED.analyze(prepared(text))


@lru_cache(maxsize=65_536)
def stem_of(word: str) -> str:
    """The index term of one word (as `TOKEN` finds it); "" if it yields none."""
    found = _STEMMED.analyze(fold(word))
    return found[0] if len(found) == 1 else "".join(found)


@lru_cache(maxsize=65_536)
def fold_of(word: str) -> str:
    """One word folded, unstemmed."""
    return "".join(_FOLDED.analyze(fold(word)))
