"""The one fold of text for matching: the list filter, the search index and find-in-article.

A user types `oresund`, `cafe` or `المكونات` and expects every box to find `Øresund`, `Café`
and `المكوّنات` alike. So every place that matches words against text folds both sides with
`fold`, and the search index is given folded text (tantivy's own filters lowercase and fold
Latin accents, but know nothing of Arabic harakat, Hebrew niqqud or compatibility forms).

The fold is defined character by character (`fold(text)` is the concatenation of
`fold_char` over `text`), which is what lets `FoldedText` map a hit in folded text back to
the original's offsets.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import cache, lru_cache

MARKS = (
    "\u0300-\u036f"  # combining diacritics (Latin, Greek, Cyrillic)
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"  # Hebrew cantillation and niqqud
    "\u0640"  # Arabic tatweel (a stretch of the line, not a letter)
    "\u064b-\u065f\u0670"  # Arabic harakat, shadda, sukun, superscript alef
    "\u06d6-\u06ed"  # Quranic annotation marks
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # more combining diacritics
)
"""What the fold drops (after compatibility decomposition): marks that do not make another
letter for a reader searching, and that texts carry or omit at will."""
_MARK = re.compile(f"[{MARKS}]")

_ASCII_FOLD_ENTRIES = (
    "æae ðd øo þth đd ħh ıi ĸq ŀl łl ŉn ŋn œoe ŧt ƀb ƃb ƈc ƌd ƒf ƕhv ƙk ƚl ƞn ƥp ƫt ƭt ƴy ƶz ƿw ǝe "
    "ǥg ȝz ȡd ȣou ȥz ȴl ȵn ȶt ȷj ȸdb ȹqp ȼc ȿs ɀz ɇe ɉj ɋq ɍr ɏy ɐa ɓb ɔo ɕc ɖd ɗd ɘe əa ɚa "
    "ɛe ɜe ɝe ɞe ɟj ɠg ɡg ɢg ɥh ɦh ɨi ɪi ɫl ɬl ɭl ɯm ɰm ɱm ɲn ɳn ɴn ɵo ɶoe ɼr ɽr ɾr ɿr ʀr ʁr "
    "ʂs ʄj ʇt ʈt ʉu ʋv ʌv ʍw ʎy ʏy ʐz ʑz ʗc ʙb ʚe ʛg ʜh ʝj ʞk ʟl ʠq ʣdz ʥdz ʦts ʨtc ʪls ʫlz "
    "ʮh ʯh ᴀa ᴁae ᴂae ᴃb ᴄc ᴅd ᴆd ᴇe ᴈe ᴉi ᴊj ᴋk ᴌl ᴍm ᴎn ᴏo ᴐo ᴔoe ᴕou ᴖo ᴗo ᴘp ᴙr ᴚr ᴛt ᴜu "
    "ᴠv ᴡw ᴢz ᵫue ᵬb ᵭd ᵮf ᵯm ᵰn ᵱp ᵲr ᵳr ᵴs ᵵt ᵶz ᵷg ᵹg ᵺth ᵻi ᵼi ᵽp ᵾu ᶀb ᶁd ᶂf ᶃg ᶄk ᶅl ᶆm "
    "ᶇn ᶈp ᶉr ᶊs ᶌv ᶍx ᶎz ᶏa ᶑd ᶒe ᶓe ᶔe ᶕa ᶖi ᶗo ᶙu ẚa ẜs ẝs ỻll ỿy ↄc ⓫11 ⓬12 ⓭13 ⓮14 ⓯15 ⓰16 "
    "⓱17 ⓲18 ⓳19 ⓴20 ⓵1 ⓶2 ⓷3 ⓸4 ⓹5 ⓺6 ⓻7 ⓼8 ⓽9 ⓾10 ⓿0 ❶1 ❷2 ❸3 ❹4 ❺5 ❻6 ❼7 ❽8 ❾9 ❿10 ➀1 ➁2 "
    "➂3 ➃4 ➄5 ➅6 ➆7 ➇8 ➈9 ➉10 ➊1 ➋2 ➌3 ➍4 ➎5 ➏6 ➐7 ➑8 ➒9 ➓10 ⱡl ⱥa ⱦt ⱨh ⱪk ⱬz ⱱv ⱳw ⱴv ⱶh ⱸe "
    "ⱺo ⱻe ꜩtz ꜰf ꜱs ꜳaa ꜵao ꜷau ꜹav ꜻav ꜽay ꜿc ꝁk ꝃk ꝅk ꝇl ꝉl ꝋo ꝍo ꝏoo ꝑp ꝓp ꝕp ꝗq ꝙq ꝛr ꝟv "
    "ꝡvy ꝣz ꝧth ꝺd ꝼf ꝿg ꞁl ꞃr ꞅs ꟻf ꟼp ꟽm ꟾi ꟿm"
)
_ASCII_FOLDS = {entry[0]: entry[1:] for entry in _ASCII_FOLD_ENTRIES.split()}
"""Letters that tantivy's `ascii_fold` folds to ASCII where decomposing them would not
(ø → o, ł → l; ŀ → l, not l·), lowercased: so that the fold agrees with tantivy's on Latin
letters, tantivy's filters leave folded text as it is, and the hits found in Python are the
words the index matched (tests hold the two to each other). One exception: ẛ, a long s,
folds to s (tantivy has f)."""

_ASCII_BYTES = bytes(range(0x80))
_FEW = 8
"""A mostly-ASCII text with at most this many distinct characters to fold has each one
replaced throughout (`str.replace` is C speed) rather than every run folded in Python."""
_CHECKED = ((0x80, 0x800), (0x900, 0xE80), (0x2000, 0x2070), (0x3000, 0x3100))
"""Blocks searched for characters that fold to themselves (punctuation, quotes, Greek,
Cyrillic, Hebrew, Arabic, Indic and Thai letters, kana), so that `fold` can skip them."""
STABLE_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
"""CJK ideographs and Hangul syllables, which fold to themselves (a test holds them to it)."""
_CACHE_LIMIT = 100_000
"""Distinct runs remembered; the caches start again beyond this."""
_runs: dict[str, str] = {}
_run_offsets: dict[bool, dict[str, tuple[str, tuple[tuple[int, int, int], ...]]]] = {
    False: {},
    True: {},
}
"""By keep_case: a run → its fold, and (index, offset in the fold, size) of each character in
it that does not fold to exactly one."""


def fold(text: str) -> str:
    """`text` as every matcher compares it, so the list filter, search and find agree.

    Case-folded; compatibility forms normalized (`ＡＢＣ` → `abc`, `ﬁ` → `fi`); accents and
    other diacritics dropped, Arabic harakat, shadda and tatweel and Hebrew niqqud included
    (`Café` → `cafe`, `المكوّنات` → `المكونات`); and Latin letters folded as tantivy's
    `ascii_fold` folds them (`ø` → `o`, `ł` → `l`, `ß` → `ss`, `æ` → `ae`, `þ` → `th`).

    An ASCII text is only lowercased. In the others, the characters that fold to themselves
    (curly quotes, dashes, most letters of most scripts) are skipped at C speed, and what is
    left is folded a character (in mostly-ASCII text) or a run (words repeat) at a time, each
    once. Per character, measured on 1 MB: ASCII 0.5 ns, English with curly quotes 5-10 ns,
    Arabic with shaddas and hamzas 40-60 ns (the list filter's fold before this took 10-15 ns
    on both, and left Arabic marks alone); tantivy takes 70-100 ns, and 160-250 on Arabic, to
    index one.
    """
    lowered = text.lower()
    return lowered if text.isascii() else _fold_unstable(lowered)


def fold_for_tantivy(text: str) -> str:
    """`fold(text)` except that ASCII letters keep their case: for tantivy, whose lowercase
    filter comes first anyway, so that indexing a text does not pay for lowering it twice."""
    return text if text.isascii() else _fold_unstable(text)


def _fold_unstable(text: str) -> str:
    """`text` with each character that does not fold to itself folded, ASCII aside."""
    changing = _few_changing(text)
    if changing is not None:
        for char in changing:
            text = text.replace(char, _fold_char(char))
        return text
    parts = _unstable_split().split(text)  # stable, run, stable, run, …, stable
    runs = parts[1::2]
    found = list(map(_runs.get, runs))
    if None in found:
        if len(_runs) > _CACHE_LIMIT:
            _runs.clear()
        new = dict.fromkeys(run for run, folded in zip(runs, found, strict=True) if folded is None)
        for run in new:
            new[run] = _runs[run] = "".join(map(_fold_char, run))
        found = [
            new[run] if folded is None else folded for run, folded in zip(runs, found, strict=True)
        ]
    parts[1::2] = found
    return "".join(parts)


def _few_changing(text: str) -> set[str] | None:
    """The characters of a mostly-ASCII `text` (English with curly quotes and an accent or
    two) that fold to something else, if there are few: each is then replaced throughout at
    C speed. None for any other text."""
    others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    if len(others) >= len(text):
        return None
    runs = _unstable().findall(others.decode("utf-8", "surrogatepass"))
    changing = set("".join(runs))
    return changing if len(changing) <= _FEW else None


@cache
def _unstable() -> re.Pattern[str]:
    """Runs of characters that `fold` may change (all the others fold to themselves)."""
    stable = [
        char
        for low, high in _CHECKED
        for char in map(chr, range(low, high))
        if _MARK.match(char) is None
        and not unicodedata.decomposition(char)
        and char.lower() == char == char.casefold()
        and char not in _ASCII_FOLDS
    ]
    return re.compile(f"[^\\x00-\\x7f{STABLE_RANGES}{re.escape(''.join(stable))}]+")


@cache
def _unstable_split() -> re.Pattern[str]:
    return re.compile(f"({_unstable().pattern})")


def fold_char(char: str, *, keep_case: bool = False) -> str:
    """What `fold` makes of one character ("" for a dropped mark; "ss" for "ß").

    keep_case: an upper-case letter folds to upper case instead (`Ø` → `O`), for a
    case-sensitive find; the rest is folded as `fold` folds it.
    """
    folded = _fold_char(char)
    return folded.upper() if keep_case and char.isupper() else folded


@lru_cache(maxsize=65_536)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    if (ascii_folded := _ASCII_FOLDS.get(char.lower())) is not None:
        return ascii_folded
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    text = unicodedata.normalize("NFC", _MARK.sub("", text)).lower()
    return "".join([_ASCII_FOLDS.get(c, c) for c in text])


class FoldedText:
    """A text folded for matching, and the way from offsets in it back to the original's.

    Hits are found in `text` (what `fold` makes of the original, or with `keep_case` the
    case-keeping fold) and shown in the original: the span of a hit covers the original's
    characters whole, with their marks (`المكوّنات`) and expansions (`Straße` for `strasse`).
    """

    __slots__ = ("_ends", "_origins", "_starts", "text")

    def __init__(self, original: str, *, keep_case: bool = False) -> None:
        # Each character that does not fold to exactly one: where it is in the original, and
        # where its fold starts and ends in `text`. The rest map one to one in between.
        self._origins: list[int] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        if original.isascii():
            self.text = original if keep_case else original.lower()
        elif (changing := _few_changing(original)) is not None:
            self._replace(original, changing, keep_case)
        else:
            self._fold_runs(original, keep_case)

    def _replace(self, original: str, changing: set[str], keep_case: bool) -> None:
        """A mostly-ASCII text: each character that changes replaced throughout; only those
        that do not fold to one character (ß, a mark, ﬁ) are looked for one by one."""
        folds = {char: fold_char(char, keep_case=keep_case) for char in changing}
        odd = sorted(
            (at, len(folded))
            for char, folded in folds.items()
            if len(folded) != 1
            for at in _positions(original, char)
        )
        shift = 0
        for at, size in odd:
            self._origins.append(at)
            self._starts.append(at + shift)
            self._ends.append(at + shift + size)
            shift += size - 1
        text = original
        for char, folded in folds.items():
            text = text.replace(char, folded)
        self.text = text if keep_case else text.lower()

    def _fold_runs(self, original: str, keep_case: bool) -> None:
        """Any other text: each run of characters that change folded (and remembered)."""
        parts = _unstable_split().split(original)  # stable, run, stable, run, …, stable
        known = _run_offsets[keep_case]
        origins, starts, ends = self._origins, self._starts, self._ends
        position = shift = 0  # shift: offset in `text` minus offset in the original
        for index in range(1, len(parts), 2):
            position += len(parts[index - 1])
            run = parts[index]
            folded, odd = known.get(run) or _offsets(run, keep_case)
            if odd:
                for at, start, size in odd:
                    origins.append(position + at)
                    starts.append(position + shift + start)
                    ends.append(position + shift + start + size)
                shift += len(folded) - len(run)
            parts[index] = folded
            position += len(run)
        joined = "".join(parts)
        self.text = joined if keep_case else joined.lower()

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original's span for `text[start:end]`: whole characters, with their marks."""
        return self._original(start, end=False), self._original(end, end=True)

    def _original(self, offset: int, *, end: bool) -> int:
        at = bisect_right(self._ends, offset)  # those folded wholly at or before `offset`
        if at < len(self._starts) and self._starts[at] < offset:  # inside an expansion
            return self._origins[at] + end
        if not at:
            return offset
        return self._origins[at - 1] + 1 + offset - self._ends[at - 1]

    def folded(self, offset: int) -> int:
        """Where the original's `offset` is in `text`."""
        at = bisect_left(self._origins, offset)
        if not at:
            return offset
        return self._ends[at - 1] + offset - self._origins[at - 1] - 1


def _positions(text: str, char: str) -> Iterator[int]:
    at = text.find(char)
    while at >= 0:
        yield at
        at = text.find(char, at + 1)


def _offsets(run: str, keep_case: bool) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    """A run folded, and (index, offset in the fold, size) of each character in it that
    does not fold to exactly one."""
    known = _run_offsets[keep_case]
    found = known.get(run)
    if found is None:
        if len(known) > _CACHE_LIMIT:
            known.clear()
        pieces = [fold_char(char, keep_case=keep_case) for char in run]
        odd: list[tuple[int, int, int]] = []
        start = 0
        for index, piece in enumerate(pieces):
            if len(piece) != 1:
                odd.append((index, start, len(piece)))
            start += len(piece)
        found = known[run] = ("".join(pieces), tuple(odd))
    return found
