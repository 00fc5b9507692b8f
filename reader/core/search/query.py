"""The search box's language: any string becomes a `Query`, never an error.

People type half-finished queries all the time, so there is no syntax error: whatever is not
valid syntax is searched as plain words, and what had to be dropped is said in `Query.notes`.

- `words` — every word must match (in the title, body or author), stemmed and accent-folded:
  `killers` finds "killer", `cafe` finds "café".
- `"exact phrase"` — the words next to each other. An unbalanced `"` is ignored.
- `prefix*` — any word starting with `prefix` (`*` alone is ignored).
- `-word`, `-"phrase"`, `-tag:x`, `-in:x` — exclude. A lone `-` is ignored.
- `a OR b` — either; binds tighter than the implicit AND: `rust OR go async`. An `OR` that
  does not stand between two terms (`OR OR`, leading or trailing) is the plain word "or".
- `title:word`, `title:"a phrase"`, `author:…` — in that field only.
- `tag:name` (exact, any case), `in:folder` (any folder on the article's path, or
  `in:parent/child`), `is:read`, `is:unread`.
- `after:2024-01-01`, `before:2024-07`, `after:2024` — a date, month or year; `after:` is from
  the start of that period (inclusive), `before:` up to its start (exclusive).
- An unknown `foo:bar`, `title:` with nothing, or a malformed date is searched as plain words.
- Control characters are dropped; only the first `MAX_TERMS` terms are used.

As you type (`typing=True`), the last word is also matched as a prefix unless the query ends
in a space: `ki` finds "killer" while the word is unfinished, and documents with the whole
word `ki` rank above those with only a longer one. A single letter being typed matches as a
prefix in titles only (a letter starts a word in nearly every article: that list is useless
and slow); from two letters on, everywhere. `prefix*` is always complete.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum

MAX_TERMS = 64
"""Terms and filters beyond this are dropped (a pasted paragraph is not a query)."""
MAX_QUERY_CHARS = 4_000

TEXT_FIELDS = ("title", "author")
FILTERS = ("tag", "in", "is", "after", "before")

_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"|([^\s"]+))')
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class TermKind(StrEnum):
    WORD = "word"
    PHRASE = "phrase"
    PREFIX = "prefix"


@dataclass(frozen=True, slots=True)
class Term:
    """A word, phrase or prefix to find, in every text field ("") or one ("title", "author")."""

    text: str
    kind: TermKind = TermKind.WORD
    field: str = ""
    typed: bool = False
    """The word being typed: it also matches as a prefix."""


@dataclass(frozen=True, slots=True)
class Clause:
    """Alternatives joined by OR; a document must match at least one."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Query:
    """A parsed query: clauses that must all match, exclusions, and filters."""

    clauses: tuple[Clause, ...] = ()
    excluded: tuple[Term, ...] = ()
    tags: tuple[str, ...] = ()
    excluded_tags: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    excluded_folders: tuple[str, ...] = ()
    read: bool | None = None
    after: dt.date | None = None
    before: dt.date | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)
    """What was dropped or reinterpreted, for a hint under the search box."""

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        """Every term a matching document may contain: what hits highlight."""
        return tuple(term for clause in self.clauses for term in clause.terms)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.tags
            or self.excluded_tags
            or self.folders
            or self.excluded_folders
            or self.read is not None
            or self.after
            or self.before
        )

    @property
    def is_empty(self) -> bool:
        """Nothing to search for: no terms and no filters (exclusions alone count)."""
        return not (self.clauses or self.excluded or self.has_filters)


class _Or:
    """An OR token, before it is known to join two terms."""


_OR = _Or()


@dataclass(frozen=True, slots=True)
class _Filter:
    name: str
    value: str
    negated: bool


_Item = Term | _Filter | _Or | tuple[bool, Term]  # (negated, term) for excluded terms


def parse(text: str, *, typing: bool = False) -> Query:
    """Parse a search box's text. Total: every string gives a `Query`."""
    notes: list[str] = []
    clean = _clean(text)
    if clean.count('"') % 2:
        index = clean.rfind('"')
        clean = clean[:index] + " " + clean[index + 1 :]
    items = [item for match in _TOKEN.finditer(clean) for item in _items(match)]
    if len([item for item in items if not isinstance(item, _Or)]) > MAX_TERMS:
        items = _cap(items)
        notes.append(f"only the first {MAX_TERMS} terms are searched")
    if typing and clean and not clean[-1].isspace():
        items = _mark_typed(items)
    return _assemble(items, notes)


def _clean(text: str) -> str:
    """Drop control and format characters (tabs and newlines become spaces); bound the length."""
    text = text[:MAX_QUERY_CHARS]
    if text.isprintable():
        return text
    return "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )


def _items(match: re.Match[str]) -> list[_Item]:
    """One token of the query as terms, filters or an OR marker."""
    minus, name, quoted, bare = match.groups()
    negated = bool(minus)
    phrase = quoted is not None
    value = quoted if phrase else bare
    if name is None:
        if not phrase and value == "OR" and not negated:
            return [_OR]
        return _term(value, "", phrase, negated)
    key = name.lower()
    if key in TEXT_FIELDS and value.strip(" *"):
        return _term(value, key, phrase, negated)
    if key in FILTERS and _valid_filter(key, value):
        return [_Filter(key, value.strip(), negated)]
    # Not a filter after all: the name and the value are plain words.
    return _term(name, "", False, negated) + _term(value, "", phrase, negated)


def _term(value: str, field_name: str, phrase: bool, negated: bool) -> list[_Item]:
    """A term, or nothing when `value` holds no letter or digit (it could never match)."""
    if not any(char.isalnum() for char in value):
        return []
    if phrase:
        term = Term(value, TermKind.PHRASE, field_name)
    elif value.endswith("*") and value.strip("*"):
        term = Term(value.rstrip("*"), TermKind.PREFIX, field_name)
    else:
        term = Term(value.strip("*"), TermKind.WORD, field_name)
    return [(True, term) if negated else term]


def _valid_filter(key: str, value: str) -> bool:
    value = value.strip()
    if key in ("tag", "in"):
        return bool(value.strip("/"))
    if key == "is":
        return value.lower() in ("read", "unread")
    return parse_date(value) is not None


def parse_date(value: str) -> dt.date | None:
    """`2024`, `2024-07` or `2024-07-15` as the first day of that period; else None."""
    match = _DATE.fullmatch(value.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _cap(items: list[_Item]) -> list[_Item]:
    kept: list[_Item] = []
    count = 0
    for item in items:
        if not isinstance(item, _Or):
            count += 1
            if count > MAX_TERMS:
                break
        kept.append(item)
    return kept


def _mark_typed(items: list[_Item]) -> list[_Item]:
    """Mark the last item, if it is a positive bare word, as the word being typed."""
    if items and isinstance(items[-1], Term) and items[-1].kind is TermKind.WORD:
        items = [*items[:-1], replace(items[-1], typed=True)]
    return items


def _assemble(items: list[_Item], notes: list[str]) -> Query:
    """Group terms joined by OR into clauses; collect filters; a dangling OR is a word."""
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    filters: dict[tuple[str, bool], list[str]] = {}
    previous_positive = False
    index = 0
    while index < len(items):
        item = items[index]
        index += 1
        if isinstance(item, _Or):
            following = items[index] if index < len(items) else None
            if previous_positive and isinstance(following, Term):
                clauses[-1].append(following)
                index += 1
                continue
            item = Term("or")
        if isinstance(item, Term):
            clauses.append([item])
            previous_positive = True
        elif isinstance(item, _Filter):
            filters.setdefault((item.name, item.negated), []).append(item.value)
            previous_positive = False
        elif isinstance(item, tuple):
            excluded.append(item[1])
            previous_positive = False
    return _query(clauses, excluded, filters, notes)


def _query(
    clauses: list[list[Term]],
    excluded: list[Term],
    filters: dict[tuple[str, bool], list[str]],
    notes: list[str],
) -> Query:
    def values(name: str, negated: bool = False) -> tuple[str, ...]:
        return tuple(dict.fromkeys(filters.get((name, negated), [])))

    read: bool | None = None
    for value in values("is"):
        read = value.lower() == "read"
    for value in values("is", True):
        read = value.lower() != "read"
    after = max((parse_date(v) for v in values("after")), default=None, key=_date_key)
    before = min((parse_date(v) for v in values("before")), default=None, key=_date_key)
    return Query(
        clauses=tuple(Clause(tuple(terms)) for terms in clauses),
        excluded=tuple(excluded),
        tags=tuple(v.lower() for v in values("tag")),
        excluded_tags=tuple(v.lower() for v in values("tag", True)),
        folders=tuple(_folder(v) for v in values("in")),
        excluded_folders=tuple(_folder(v) for v in values("in", True)),
        read=read,
        after=after,
        before=before,
        notes=tuple(notes),
    )


def _date_key(value: dt.date | None) -> dt.date:
    return value or dt.date.min


def _folder(value: str) -> str:
    """The form folder filters are indexed in: lowercase, no outer slashes."""
    return value.strip("/").lower()
