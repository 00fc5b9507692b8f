"""One fold for the list filter, the search index and find-in-article: what a user types
without accents, marks or full-width forms finds the text that has them, in every box."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import tantivy
from hypothesis import given
from hypothesis import strategies as st

from reader.core.fold import STABLE_RANGES, FoldedText, fold, fold_char
from reader.core.library import scan
from reader.core.listing import ArticleListing
from reader.core.models import ArticleSummary
from reader.core.search import SearchIndex, find_hits, find_in_text
from reader.core.search.directory import INDEX_DIR, VERSION_FILE
from reader.core.store import Store
from reader.ui.screens.all_notes import _matches

ARABIC = "المكوّنات"  # with a shadda (U+0651) on the waw
ARABIC_BARE = "المكونات"
HEBREW = "שָׁלוֹם"  # with qamats, shin dot and holam
HEBREW_BARE = "שלום"


FOLDS = {
    "Hello, World": "hello, world",
    "Café": "cafe",
    "Øresund": "oresund",
    "Łódź": "lodz",
    "Straße": "strasse",
    "STRAẞE": "strasse",
    "ＡＢＣ １２３": "abc 123",
    "ﬁne ﬂour": "fine flour",
    "Đorđe": "dorde",
    "Æsir": "aesir",
    "œuvre": "oeuvre",
    "Þór": "thor",
    "ı": "i",
    "İstanbul": "istanbul",
    "Ἀθῆναι": "αθηναι",
    ARABIC: ARABIC_BARE,
    "مُحَمَّدٌ": "محمد",  # harakat, shadda, tanween
    "كتـــاب": "كتاب",  # tatweel
    "ٱلْأَرْضِۚ": "ٱلارض",  # sukun, hamza above, kasra, a Quranic pause mark (U+06DA)
    HEBREW: HEBREW_BARE,
    "בְּרֵאשִׁ֖ית": "בראשית",  # niqqud and a cantillation mark (tipeha, U+0596)
    "羅生門 한국어 がぎ": "羅生門 한국어 がぎ",  # CJK, Hangul and kana are left alone
    "“Quoted” — it’s": "“quoted” — it’s",
    # Mostly ASCII: a few distinct accents, each replaced throughout; then more of them
    "A café in Øresund, “naïve” ÉTÉ" + " ok" * 30: "a cafe in oresund, “naive” ete" + " ok" * 30,
    "Voilà: éèêëàâîïôûùüçñ" + " ok" * 30: "voila: eeeeaaiiouuucn" + " ok" * 30,
}


def test_the_fold() -> None:
    """Case, accents and marks, compatibility forms and Latin letters, in one fold."""
    assert {text: fold(text) for text in FOLDS} == FOLDS
    assert {text: FoldedText(text).text for text in FOLDS} == FOLDS


LATIN_RANGES = [
    (0x00C0, 0x0250),  # Latin-1 letters, Latin Extended-A and -B
    (0x0250, 0x02B0),  # IPA extensions
    (0x1D00, 0x1DC0),  # phonetic extensions
    (0x1E00, 0x1F00),  # Latin Extended Additional
    (0x2C60, 0x2C80),  # Latin Extended-C
    (0xA720, 0xA800),  # Latin Extended-D
    (0xFB00, 0xFB07),  # Latin ligatures
    (0xFF21, 0xFF5B),  # full-width Latin
]


def _tantivy(*filters: tantivy.Filter) -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    for one in filters:
        builder = builder.filter(one)
    return builder.build()


def test_latin_letters_fold_as_tantivys_ascii_fold_folds_them() -> None:
    """Wherever tantivy's lowercase + ascii_fold (the index's Latin folding before) makes a
    Latin letter ASCII, the Python fold makes it the same letters."""
    ascii_fold = _tantivy(tantivy.Filter.lowercase(), tantivy.Filter.ascii_fold())
    differ = []
    for low, high in LATIN_RANGES:
        for char in map(chr, range(low, high)):
            if unicodedata.category(char) == "Cn":
                continue
            tokens = ascii_fold.analyze(char)
            if len(tokens) == 1 and tokens[0].isascii() and fold(char) != tokens[0].lower():
                differ.append((char, fold(char), tokens[0]))
    assert differ == [("ẛ", "s", "f")]  # a long s with a dot: tantivy's one odd fold


def test_tantivys_filters_leave_folded_text_as_it_is() -> None:
    """So an index term is the folded word itself, and a hit found in folded text in Python
    is a word the index matched. (And the ranges `fold` skips do fold to themselves.)"""
    ascii_fold = _tantivy(tantivy.Filter.lowercase(), tantivy.Filter.ascii_fold())
    plain = _tantivy()
    changed = []
    for char in map(chr, range(0x80, 0x10000)):
        if unicodedata.category(char) in ("Cn", "Cs"):
            continue
        folded = fold(char)
        if ascii_fold.analyze(folded) != plain.analyze(folded):
            changed.append((char, folded))
    assert changed == []
    for low, high in zip(STABLE_RANGES[::3], STABLE_RANGES[2::3], strict=True):
        assert all(fold_char(chr(c)) == chr(c) for c in range(ord(low), ord(high) + 1))


_ANY_CHAR = st.characters(exclude_categories=("Cs",))
_MOSTLY_ASCII = st.one_of(
    *[st.sampled_from("aB z.\n")] * 6, st.sampled_from("éÉßﬁ\u0651Øİ’"), _ANY_CHAR
)


@given(
    st.one_of(
        st.text(alphabet=_ANY_CHAR, max_size=60), st.text(alphabet=_MOSTLY_ASCII, max_size=80)
    ),
    st.booleans(),
)
def test_fold_is_character_by_character_and_maps_back(text: str, keep_case: bool) -> None:
    """What lets a hit found in folded text be shown on the original's characters."""
    folded = FoldedText(text, keep_case=keep_case)
    assert folded.text == "".join(fold_char(char, keep_case=keep_case) for char in text)
    if not keep_case:
        assert fold(text) == folded.text
        assert fold(folded.text) == folded.text
    at = 0
    for index, char in enumerate(text):  # each character's fold maps back onto it
        size = len(fold_char(char, keep_case=keep_case))
        if size:
            start, end = folded.original(at, at + size)
            assert start == index and end > index
            assert folded.folded(index) == at
        at += size


# -- the list filter -------------------------------------------------------------------------


def _row(article_id: int, title: str) -> ArticleSummary:
    return ArticleSummary(
        id=article_id,
        path=Path(f"/library/{article_id}.md"),
        title=title,
        source="example.org",
        author="",
        date=None,
        tags=(),
        last_read=None,
    )


ROWS = [
    _row(1, "The Øresund bridge"),
    _row(2, "Łódź in winter"),
    _row(3, f"{ARABIC} الأساسية"),
    _row(4, f"{HEBREW} עולם"),
    _row(5, "Die Straße"),
    _row(6, "ＡＢＣ of cooking"),
    _row(7, "Plain English"),
]


FILTERS = {
    "oresund": [1],
    "Øresund": [1],
    "lodz": [2],
    ARABIC_BARE: [3],
    ARABIC: [3],
    HEBREW_BARE: [4],
    "strasse": [5],
    "abc": [6],
    "ＡＢＣ": [6],
}


def test_the_list_filter_finds_the_folded_titles() -> None:
    listing = ArticleListing(ROWS)
    shown = {}
    for query in FILTERS:
        listing.query = query
        shown[query] = [row.id for row in listing.visible]
    assert shown == FILTERS


def test_the_notes_filter_folds_too() -> None:
    assert _matches(fold(ARABIC_BARE).split(), "Notes", f"على {ARABIC}")
    assert _matches(fold("lodz").split(), "Łódź diary")
    assert not _matches(fold("warsaw").split(), "Łódź diary")


# -- full-text search ------------------------------------------------------------------------

FILES = {
    "arabic.txt": f"مقالة\n\nكانت {ARABIC} الأساسية للمدينة بسيطة.\n",
    "hebrew.txt": f"מכתב\n\nהוא אמר {HEBREW} לכולם.\n",
    "wide.txt": "Letters\n\nThe ＡＢＣ of full-width text.\n",
    "street.txt": "Streets\n\nWe walked down the Straße at night.\n",
    "bridge.txt": "Bridges\n\nThe Øresund bridge links two countries.\n",
    "city.txt": "Cities\n\nA winter in Łódź.\n",
    "plain.txt": "Plain\n\nNothing here but English words.\n",
}


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def indexed(tmp_path: Path, library: Path) -> Iterator[tuple[Store, SearchIndex]]:
    data = tmp_path / "data"
    store = Store.open(data)
    index = SearchIndex.open(data)
    index.sync(store)
    scan(store, [library], max_bytes=1 << 20, on_change=lambda c: index.apply(store, c))
    yield store, index
    index.close()
    store.close()


def _found(index: SearchIndex, query: str, *, typing: bool = False) -> list[tuple[str, str]]:
    """(file, what the first hit in its snippet covers) for each result."""
    found = []
    for result in index.search(query, typing=typing).results:
        a, b = result.spans[0] if result.spans else (0, 0)
        found.append((result.path.name, result.snippet[a:b]))
    return found


SEARCHES = {
    (ARABIC_BARE, False): [("arabic.txt", ARABIC)],
    (ARABIC, False): [("arabic.txt", ARABIC)],
    ("المكو", True): [("arabic.txt", ARABIC)],  # being typed: also a prefix
    (HEBREW_BARE, False): [("hebrew.txt", HEBREW)],
    ("abc", False): [("wide.txt", "ＡＢＣ")],
    ("ＡＢＣ", False): [("wide.txt", "ＡＢＣ")],
    ("strasse", False): [("street.txt", "Straße")],
    ("Straße", False): [("street.txt", "Straße")],
    ("oresund", False): [("bridge.txt", "Øresund")],
    ("lodz", False): [("city.txt", "Łódź")],
}


def test_search_finds_the_articles_and_lights_the_whole_words(
    indexed: tuple[Store, SearchIndex],
) -> None:
    _, index = indexed
    found = {(query, typing): _found(index, query, typing=typing) for query, typing in SEARCHES}
    assert found == SEARCHES


def test_an_index_of_the_previous_version_is_rebuilt_with_the_new_fold(
    indexed: tuple[Store, SearchIndex], tmp_path: Path
) -> None:
    """An index built before this fold (version 2) holds `المكوّنات` with its shadda, where
    the bare word would never find it: it is rebuilt on opening."""
    store, index = indexed
    index.close()
    (tmp_path / "data" / INDEX_DIR / VERSION_FILE).write_text("2\n")
    again = SearchIndex.open(tmp_path / "data")
    assert again.needs_rebuild
    assert again.sync(store)
    assert _found(again, ARABIC_BARE) == [("arabic.txt", ARABIC)]
    again.close()


# -- hits in the reading view and find-in-article --------------------------------------------

TEXT = (
    f"كانت {ARABIC} بسيطة، قال مُحَمَّدٌ. "
    f"אמר {HEBREW}. "
    "Øresund, Łódź, die Straße, the ＡＢＣ and the abc, a ﬁne day."
)


def _hits(spans: list[tuple[int, int]]) -> list[str]:
    return [TEXT[a:b] for a, b in spans]


HITS = {
    (ARABIC_BARE, False): [ARABIC],
    ("المكو", True): [ARABIC],
    ("محمد", False): ["مُحَمَّدٌ"],  # the marks after the last letter too
    (HEBREW_BARE, False): [HEBREW],
    ("שלו", True): [HEBREW],
    ("oresund", False): ["Øresund"],
    ("Øresund", False): ["Øresund"],
    ("ore", True): ["Øresund"],
    ("lodz", False): ["Łódź"],
    ("strasse", False): ["Straße"],
    ("stra", True): ["Straße"],
    ("abc", False): ["ＡＢＣ", "abc"],
    ("ＡＢＣ", False): ["ＡＢＣ", "abc"],
    ("fine", False): ["ﬁne"],
}


def test_find_hits_lands_on_the_original_words() -> None:
    """Search highlights and n/N in the reading view, also while the last word is typed."""
    found = {
        (query, typing): _hits(find_hits(query, TEXT, typing=typing)) for query, typing in HITS
    }
    assert found == HITS


FINDS = {
    ARABIC_BARE: [ARABIC],
    "محمد": ["مُحَمَّدٌ"],
    HEBREW_BARE: [HEBREW],
    "oresund": ["Øresund"],
    "Øresund": ["Øresund"],  # capitals: case-sensitive, accents still folded
    "Oresund": ["Øresund"],
    "lodz": ["Łódź"],
    "strasse": ["Straße"],
    "abc": ["ＡＢＣ", "abc"],
    "ａｂｃ": ["ＡＢＣ", "abc"],
    "ＡＢＣ": ["ＡＢＣ"],  # full-width capitals are capitals: case-sensitive
    "fine": ["ﬁne"],
    "ﬁne": ["ﬁne"],
}


def test_find_in_text_lands_on_the_original_words() -> None:
    assert {needle: _hits(find_in_text(needle, TEXT)) for needle in FINDS} == FINDS
    assert find_in_text("s", "Straße") == [(0, 1), (4, 5)]  # ß holds "s" twice: one hit
