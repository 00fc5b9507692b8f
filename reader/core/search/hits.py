"""Where a query's words are in a text: for highlights, snippets, and n/N jumps.

The reading view highlights hits in the rendered text, so they are found here, in Python,
with the index's own rules: the text folded as the index folds it (`reader.core.fold`: case,
accents and other marks, compatibility forms), a word matching its stemmed forms (`killers`
also lights up "killer"), CJK words as runs of their characters. Each term becomes a regular
expression over the folded text that finds candidates cheaply (the letters of the stem), and
every candidate is checked with the index's analyzer, so a hit here is a word the index
matched. A hit's span is then moved back onto the original text, whole: `المكونات` lights up
all of `المكوّنات`, shadda included, and `strasse` all of `Straße`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from reader.core.fold import FoldedText
from reader.core.search import analysis
from reader.core.search.query import Term, TermKind, parse

MAX_TOKENS = 32
"""Longest phrase matched (and searched): tokens beyond are dropped."""

_WORD = r"[^\W_]"
_BOUNDARY = r"(?:(?<![^\W_].)|(?<=[^\x00-\u10ff].))"
"""Not after a letter or digit, except one that may be CJK (`_check` looks closer). A
class of exactly the CJK ranges would be exact, but costs 3 ms to compile on every keystroke."""
_SEPARATOR = r"[\W_]+"
_CJK_SEPARATOR = r"[\W_]*"
_OVERLAP = 400

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Token:
    """One token of a term and how a candidate word is checked against it."""

    kind: str  # "stem", "fold", "prefix", "typed" (a prefix or the stem) or "cjk"
    text: str
    stem: str = ""
    """For "typed": the stem a whole word may have instead of starting with `text`."""

    @property
    def anchor(self) -> str:
        """What every word this token accepts starts with, in the folded text."""
        if self.kind == "cjk":
            return self.text
        anchor = _anchor(self.text) if self.kind == "stem" else self.text
        if self.kind == "typed":
            anchor = _shared_start(anchor, _anchor(self.stem))
        return anchor

    def pattern(self, *, starts: bool = False) -> str:
        """The regex for this token; `starts`: it begins the hit, so check the word boundary
        (after the first letter, which lets `re` skip straight to candidates)."""
        if self.kind == "cjk":
            return re.escape(self.text)
        anchor = self.anchor
        boundary = _BOUNDARY if starts else ""
        return f"({re.escape(anchor[0])}{boundary}{re.escape(anchor[1:])}{_WORD}*)"

    def accepts(self, word: str) -> bool:
        if self.kind == "stem":
            return analysis.stem_of(word) == self.text
        if self.kind == "fold":
            return analysis.fold_of(word) == self.text
        if self.kind == "prefix":
            return analysis.fold_of(word).startswith(self.text)
        if self.kind == "typed":
            return analysis.fold_of(word).startswith(self.text) or (
                analysis.stem_of(word) == self.stem
            )
        return True


def _shared_start(one: str, other: str) -> str:
    size = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        size += 1
    return one[:size]


def _anchor(stem: str) -> str:
    """What every word with this stem starts with, nearly always: a stem may differ from its
    words in the last letter (happy → happi), so the rest, and the analyzer decides."""
    return stem[:-1] if len(stem) > 2 else stem


def _tokens(text: str, kind: str) -> list[_Token]:
    words = analysis.stems(text) if kind == "stem" else analysis.folds(text)
    return [
        _Token("cjk" if analysis.CJK_CHAR.fullmatch(word) else kind, word)
        for word in words[:MAX_TOKENS]
    ]


def term_tokens(term: Term) -> list[list[_Token]]:
    """The token sequences that count as a hit for `term` (two when it is being typed)."""
    if term.kind is TermKind.PREFIX:
        tokens = _tokens(term.text, "fold")
        if tokens and tokens[-1].kind == "fold":
            tokens[-1] = _Token("prefix", tokens[-1].text)
        return [tokens] if tokens else []
    sequences = [_tokens(term.text, "stem")]
    if term.typed:
        [prefix] = term_tokens(Term(term.text, TermKind.PREFIX, term.field)) or [[]]
        stem = sequences[0]
        one_word = len(stem) == len(prefix) == 1 and prefix[0].kind == "prefix"
        if one_word and stem[0].kind == "stem" and stem[0].text[0] == prefix[0].text[0]:
            return [[_Token("typed", prefix[0].text, stem[0].text)]]  # one regex, not two
        sequences.append(prefix)
    return [tokens for tokens in sequences if tokens]


class _Pattern:
    """One token sequence as a regex, plus the checks a regex cannot do cheaply.

    The regex finds candidates; `_check` confirms each word with the index's analyzer and
    the word boundaries next to CJK characters (which `re` counts as word characters).
    """

    def __init__(self, tokens: tuple[_Token, ...]) -> None:
        parts: list[str] = []
        for index, token in enumerate(tokens):
            if index:
                cjk = token.kind == "cjk" or tokens[index - 1].kind == "cjk"
                parts.append(_CJK_SEPARATOR if cjk else _SEPARATOR)
            parts.append(token.pattern(starts=not index))
        self.regex = re.compile("".join(parts))
        self.checked = [token for token in tokens if token.kind != "cjk"]
        self.word_start = tokens[0].kind != "cjk"
        self.word_end = tokens[-1].kind != "cjk"
        self.literal = tokens[0].anchor
        """Every hit starts with this in the folded text: `str.find` skips to it several
        times faster than the regex can."""

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Span]:
        """Hits in `text[start:end]`, a folded text (`FoldedText.text`)."""
        end = len(text) if end is None else end
        search = self.regex.search
        literal = self.literal
        while True:
            start = text.find(literal, start, end)
            if start < 0:
                return
            match = search(text, start, end)
            if match is None:
                return
            span = self._check(text, match)
            if span is None:
                start = match.start() + 1  # a real hit may start inside a rejected one
            else:
                yield span
                start = span[1]

    def _check(self, text: str, match: re.Match[str]) -> Span | None:
        """The hit's span if every word is one the index would match here, else None."""
        begin, finish = match.span()
        if self.word_start and begin and _is_word_char(text[begin - 1]):
            return None
        last = len(self.checked) - 1
        for index, (token, word) in enumerate(zip(self.checked, match.groups(), strict=True)):
            cjk = analysis.CJK_CHAR.search(word)
            if cjk is not None:  # CJK characters are words of their own
                if index < last or not self.word_end:
                    return None
                word = word[: cjk.start()]
                finish = match.start(index + 1) + cjk.start()
            if not token.accepts(word):
                return None
        return begin, finish


def _is_word_char(char: str) -> bool:
    return char.isalnum() and analysis.CJK_CHAR.match(char) is None


@lru_cache(maxsize=256)
def _pattern(tokens: tuple[_Token, ...]) -> _Pattern:
    return _Pattern(tokens)


class Matcher:
    """Finds the hits of a set of terms in texts."""

    def __init__(self, terms: Iterable[Term]) -> None:
        sequences = [tokens for term in terms for tokens in term_tokens(term)]
        unique = dict.fromkeys(tuple(tokens) for tokens in sequences)
        # Prefixes first: they tend to hit early, which bounds the search for the rest.
        ordered = sorted(unique, key=lambda tokens: tokens[-1].kind not in ("prefix", "typed"))
        self._patterns = [_pattern(tokens) for tokens in ordered]

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[Span]:
        """Every hit in `text[start:end]`, in order; overlapping hits are merged."""
        if not self._patterns:
            return []
        folded = _folded(text)
        begin = folded.folded(start)
        finish = len(folded.text) if end is None else folded.folded(end)
        found = [
            folded.original(*span)
            for pattern in self._patterns
            for span in pattern.finditer(folded.text, begin, finish)
        ]
        if len(found) > 1:
            found.sort()
            return _merge(found)
        return found

    def first(self, text: str) -> Span | None:
        """The earliest hit, or None. Cheap when a hit comes early in a long text: it folds
        and looks in growing windows, and past the first hit found no pattern looks further."""
        start, size = 0, 1024
        while self._patterns and start < len(text):
            end = min(len(text), start + size)
            limit = min(len(text), end + 2 * _OVERLAP)  # twice: marks fold to nothing
            whole = limit == len(text)
            # Folding is character by character, so the fold of a prefix is a prefix of the
            # fold: the window's offsets are the whole text's.
            folded = _folded(text) if whole else FoldedText(text[:limit])
            begin, finish, last = folded.folded(start), folded.folded(end), len(folded.text)
            best: Span | None = None
            for pattern in self._patterns:
                stop = finish if best is None else best[0] + 1
                reach = min(last, stop + _OVERLAP)  # a phrase may run past the window
                span = next(pattern.finditer(folded.text, begin, reach), None)
                if span and span[0] < stop and (span[1] < reach or (whole and reach == last)):
                    best = span
            if best is not None:
                return folded.original(*best)
            start, size = end, size * 4
        return None


@lru_cache(maxsize=8)
def _folded(text: str, *, keep_case: bool = False) -> FoldedText:
    """The open article is searched again at every keystroke: fold it once."""
    return FoldedText(text, keep_case=keep_case)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def find_hits(query: str, text: str, *, typing: bool = False) -> list[Span]:
    """Every place in `text` where a positive word, phrase or prefix of `query` occurs.

    Args:
        query: a search box query (filters and exclusions are ignored here).
        text: the article's text (`Document.text`); spans are offsets into it.
        typing: the query's last word is unfinished, so it also matches as a prefix.
    """
    return Matcher(parse(query, typing=typing).positive_terms).spans(text)


def find_in_text(needle: str, text: str) -> list[Span]:
    """Find-in-article: `needle` literally, folded as `reader.core.fold` folds (accents and
    other marks ignored), case ignored unless it has capitals.

    Runs of whitespace in `needle` match any run of whitespace (a phrase across a line break).
    """
    needle = needle.strip()
    if not needle:
        return []
    case_sensitive = any(char.isupper() for char in needle)
    words = FoldedText(needle, keep_case=case_sensitive).text.split()
    if not words:
        return []
    folded = _folded(text, keep_case=case_sensitive)
    pattern = r"\s+".join(map(re.escape, words))
    spans: list[Span] = []
    for match in re.finditer(pattern, folded.text):
        span = folded.original(*match.span())
        if not spans or span[0] >= spans[-1][1]:  # "s" twice in the "ss" of "ß": one hit
            spans.append(span)
    return spans
