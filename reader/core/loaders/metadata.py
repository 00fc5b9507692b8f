"""Coercing metadata from front matter, HTML meta tags and text headers to `ArticleMeta` types.

Front matter is written by hand and by a dozen generators: titles arrive as numbers or lists,
dates in every format, tags as strings or nested lists. Each coercion here is total and bounded,
so odd metadata never stops an article from loading.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import itertools
import re
from collections.abc import Iterable
from pathlib import Path

MAX_FIELD = 500
"""Longest title, author or description kept; the rest is cut."""
MAX_TAGS = 50
MAX_TAG = 80

_SURROGATES = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_TAG_SEPARATORS = re.compile(r"[,;|]")
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M %z",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%d %b, %Y",
    "%B %Y",
    "%b %Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%d-%b-%Y",
    "%B %d, %Y %H:%M",
    "%B %d, %Y %I:%M %p",
)


def clean_text(text: str, limit: int = MAX_FIELD) -> str:
    """One line of text: whitespace runs folded, lone surrogates replaced, length bounded."""
    text = _SPACES.sub(" ", _SURROGATES.sub("\ufffd", text)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def coerce_text(value: object, limit: int = MAX_FIELD) -> str:
    """Any front-matter value as one line of text ("" for None, lists joined by ", "), with
    HTML entities decoded (`&mdash;` is a dash to a reader, wherever a saver left it)."""
    return clean_text(html.unescape(_flatten_text(value, depth=0)), limit)


def _flatten_text(value: object, depth: int) -> str:
    if value is None or depth > 8:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        if "name" in value:  # author: {name: ..., email: ...}
            return _flatten_text(value["name"], depth + 1)
        value = list(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        parts = (_flatten_text(item, depth + 1) for item in list(value)[:MAX_TAGS])
        return ", ".join(part for part in parts if part.strip())
    return str(value)


def coerce_tags(*values: object) -> tuple[str, ...]:
    """Tags from strings ("a, b"), lists, or nested junk; de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for value in values:
        for tag in _iter_tags(value, depth=0):
            tag = clean_text(tag, MAX_TAG).lstrip("#")
            if tag and tag.casefold() not in {t.casefold() for t in seen}:
                seen[tag] = None
            if len(seen) >= MAX_TAGS:
                return tuple(seen)
    return tuple(seen)


def _iter_tags(value: object, depth: int) -> Iterable[str]:
    if value is None or depth > 8:
        return
    if isinstance(value, str):
        yield from _TAG_SEPARATORS.split(value)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in list(value)[: MAX_TAGS * 2]:
            yield from _iter_tags(item, depth + 1)
    elif isinstance(value, dict):
        yield from _iter_tags(list(value), depth + 1)
    else:
        yield coerce_text(value, MAX_TAG)


def coerce_date(value: object) -> dt.datetime | None:
    """A date in any common form as a naive datetime (the author's wall-clock time), or None.

    Time zones are dropped rather than converted: "2024-07-23T00:30+02:00" stays July 23, the
    date the author wrote, and naive values always compare with each other.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, int | float):
        return _from_number(float(value))
    if isinstance(value, str):
        return parse_date(value)
    return None


def parse_date(text: str) -> dt.datetime | None:
    """Parse ISO 8601, RFC 2822, "July 23, 2024", "23 Jul 2024", timestamps and the like."""
    text = _SPACES.sub(" ", text).strip().strip("\"'")
    if not text or len(text) > 64:
        return None
    if _NUMBER.fullmatch(text):
        if len(text) == 8:  # 20240723
            try:
                return dt.datetime.strptime(text, "%Y%m%d")
            except ValueError:
                pass
        return _from_number(float(text))
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).replace(tzinfo=None)
    except (TypeError, ValueError, IndexError):
        pass
    text = _ORDINAL.sub("", text)
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=None)
        except ValueError:
            continue
    return None


def _from_number(number: float) -> dt.datetime | None:
    """A year (2024) or a Unix timestamp in seconds or milliseconds."""
    if number.is_integer() and 1000 <= number <= 9999:
        return dt.datetime(int(number), 1, 1)
    if abs(number) < 1e8:  # not a plausible timestamp (before 1973)
        return None
    if abs(number) >= 1e11:  # milliseconds, as JavaScript writes them
        number /= 1000
    try:
        return dt.datetime.fromtimestamp(number, tz=dt.UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


_HASHLIKE_PART = re.compile(r"\d+|(?=[0-9a-f]*\d)[0-9a-f]{4,}", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"[-_.\s]+")


_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/_.](\d\d)[-/_.](\d\d)(?!\d)")


def date_from_path(path: Path) -> dt.datetime | None:
    """A date the path spells out (`2014-11-20-slug.md`, `2024/05/01/page.html`): the last
    one that is a real date, for articles whose text gives none."""
    for match in reversed(list(_PATH_DATE.finditer(str(path)))):
        year, month, day = (int(part) for part in match.groups())
        try:
            return dt.datetime(year, month, day)
        except ValueError:
            continue
    return None


def is_hashlike(stem: str) -> bool:
    """True for machine names such as "004_b953ce4bd95ef384", UUIDs or bare numbers."""
    parts = [part for part in _NAME_SEPARATORS.split(stem) if part]
    return all(_HASHLIKE_PART.fullmatch(part) for part in parts)


_DATE_PREFIX = re.compile(r"^(?:[A-Za-z]+_)?(?:19|20)\d\d[-_.]\d\d[-_.]\d\d(?:[-_.\s]+|$)")
_ID_STEM = re.compile(
    r"^(?:(?P<prefix>[A-Za-z]{2,12})[-_ ]?)?(?P<id>\d{2,5})(?:[-_ ]+(?P<slug>.*[^\W\d_].*))?$"
)
_WORD_SEPARATORS = re.compile(r"(?:[-_\s]|(?<!\d)\.|\.(?!\d))+")
_SPELLING_SAMPLE = 200_000
"""Characters of the text searched for its spelling of a file name's words."""
MIN_ACRONYM = 3


def humanise_stem(stem: str, text: str = "") -> str:
    """A title from a file name: "my-first_post" -> "My first post"; "" for hash-like names.

    A leading date is dropped ("2014-11-20-cargo" -> "Cargo"). A collection prefix with a
    number reads as an identifier: "pep-0008" -> "PEP 0008", "rfc_0002-rfc-process" ->
    "RFC 0002: Rfc process". The number must be zero-padded, unless `text` (the document)
    writes the prefix, or its last letters, in capitals ("rustrfc_2094-nll" -> "RFC 2094:
    NLL"), and `text` also gives lower-case words the spelling it uses for them ("NLL").
    """
    stem = stem.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if is_hashlike(stem):
        return ""
    stem = _DATE_PREFIX.sub("", stem) or stem
    sample = text[:_SPELLING_SAMPLE]
    match = _ID_STEM.match(stem)
    if match and match.group("prefix"):
        prefix, number = match.group("prefix"), match.group("id")
        slug = match.group("slug")
        name = _acronym_tail(prefix, sample)
        if name or number.startswith("0") or not slug:
            name = name or (prefix.upper() if len(prefix) <= 4 else _capitalised(prefix))
            head = f"{name} {number}"
            return f"{head}: {_humanised(slug, sample)}" if slug else head
    elif match and match.group("slug"):
        number, slug = match.group("id"), _humanised(match.group("slug"), sample)
        if len(number) <= 2:  # "01-introduction": the order of chapters
            return slug
        if number.startswith("0"):
            return f"{number}: {slug}"
    return _humanised(stem, sample)


def _humanised(name: str, text: str) -> str:
    words = clean_text(_WORD_SEPARATORS.sub(" ", name)).split(" ")
    words = [_spelled_as_in(word, text) for word in words]
    return _capitalised(" ".join(words))


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def _spelled_as_in(word: str, text: str) -> str:
    """`word` as `text` spells it where that is not plain lower case or a capital at a
    sentence start ("rfc" -> "RFC", "github" -> "GitHub"): the special spelling is taken when
    it occurs at least half as often as the plain one, and twice unless the plain one never
    does. Words inside links, paths and identifiers ("github.com/…/nll") are not counted, nor
    capitals among other capitals."""
    if not text or not word.isalpha() or not word.islower() or len(word) < 2:
        return word
    forms: dict[str, int] = {}
    pattern = re.compile(rf"(?<![\w/.@#-]){re.escape(word)}(?![\w/-]|\.\w)", re.IGNORECASE)
    for found in itertools.islice(pattern.finditer(text), 500):
        form = found.group()
        if form.isupper() and _shouted(text, found.start(), found.end()):
            continue
        forms[form] = forms.get(form, 0) + 1
    plain = forms.pop(word, 0) + forms.pop(word.capitalize(), 0)
    if not forms:
        return word
    form = max(forms, key=lambda key: forms[key])
    return form if (forms[form] >= 2 or not plain) and forms[form] * 2 >= plain else word


def _shouted(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] is on a line written in capitals ("THE BEST FILMS
    OF 2023"): a heading, not an acronym in prose."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)][:200]
    letters = [char for char in line if char.isalpha()]
    return sum(char.isupper() for char in letters) >= 0.8 * len(letters)


def _acronym_tail(prefix: str, text: str) -> str:
    """The prefix, or its last letters, as `text` writes them in capitals ("rustrfc" ->
    "RFC" in a text about RFCs); "" if it does not."""
    if not text:
        return ""
    for start in range(len(prefix) - MIN_ACRONYM + 1):
        tail = prefix[start:].lower()
        spelled = _spelled_as_in(tail, text)
        if spelled.isupper():
            return spelled
    return ""


_LEADING_FIELD = re.compile(r"^\s{0,3}(?:[-*+]\s+)?([A-Za-z][\w ]{0,30}?)\s*:(.*)$")
_NO_VALUE = frozenset({"", "n/a", "na", "none", "-", "tbd", "todo", "null", "?"})
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")


def leading_fields(text: str, limit: int = 20) -> dict[str, str]:
    """ "Key: value" lines (or "- Key: value" list items) that open a document, as Rust RFCs
    and MultiMarkdown files start; keys in lower case. Empty unless the first line is one."""
    fields: dict[str, str] = {}
    for line in itertools.islice(text.lstrip("\ufeff\n").split("\n", limit), limit):
        if not line.strip():
            break
        match = _LEADING_FIELD.match(line)
        if match is None:
            if not fields:
                return {}
            continue  # a wrapped value
        fields.setdefault(match.group(1).strip().lower(), match.group(2).strip())
    return fields


def fallback_title(stem: str, text: str) -> str:
    """The title of a document that gives none in front matter or an opening heading: a
    "Title:" field in the fields that open it, else its file name humanised with the text's
    own spelling of acronyms, else a "Feature Name:" field (Rust RFCs name the feature gate
    there, "allocator_api": a worse title than the file's "kinds-of-allocators")."""
    fields = leading_fields(text)
    title = _field_title(fields.get("title", ""))
    if title:
        return title
    return humanise_stem(stem, text) or _field_title(fields.get("feature name", ""), text)


def _field_title(value: str, text: str = "") -> str:
    value = coerce_text(value.strip().strip("`*_\"'"))
    if value.casefold() in _NO_VALUE:
        return ""
    if _IDENTIFIER.fullmatch(value):  # a feature gate's name: "allocator_api"
        return _humanised(value, text[:_SPELLING_SAMPLE])
    return value


def looks_like_slug(title: str) -> bool:
    """A title that is a file-name slug ("version-060"), not words: the opening heading is a
    better title."""
    return bool(_SLUG.fullmatch(title.strip()))


_SENTENCE_END = re.compile(r"[.!?。！？](?=[\s\"'”’)\]]|$)")


def first_sentence(text: str, limit: int = 80) -> str:
    """The first sentence of `text` as a title: cut at a word boundary with "…" if long."""
    text = clean_text(text[: limit * 20])
    end = _SENTENCE_END.search(text)
    sentence = text[: end.end()] if end else text
    return shorten(sentence.removesuffix("."), limit)


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word boundary when there is one."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    head, space, _ = cut.rpartition(" ")
    if space and len(head) >= limit // 2:
        cut = head
    return cut.rstrip(" ,;:-–—") + "…"
