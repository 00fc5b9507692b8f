"""A saved page's title, chosen from `<title>`, `og:title` and its `<h1>` by a ranked rule.

Pages describe themselves three ways and each is wrong somewhere: `og:title` is a bare id on
RFC pages ("RFC9110"), `<title>` carries the site's name ("… - The Atlantic", "…: The Two-Way :
NPR"), and `<h1>` is sometimes the site's logo. So:

1. Each candidate is cleaned: entities decoded, and a site suffix (or prefix) stripped when it
   matches `og:site_name` or the page's domain (`theatlantic.com` ~ "The Atlantic").
2. Uninformative candidates drop out: empty, a bare id (`RFC9110`, `pep-8`), the site's name,
   a generic word ("Home", "Untitled").
3. When the `<h1>` opens another candidate, the rest of that candidate is a section or site
   name and the `<h1>` wins; when the other candidate ends with the `<h1>` (`RFC 9110: HTTP
   Semantics`), its prefix is a label worth keeping and the longer one wins.
4. Otherwise `og:title`, then `<title>`, then `<h1>`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from reader.core.fold import fold
from reader.core.loaders.metadata import coerce_text

_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " : ", " · ", " « ", " » ", " / ", ": ")
_BARE_ID = re.compile(r"^[A-Za-z]{0,12}[\s_.:#-]?\d[\d._-]*[a-z]?$")
_GENERIC = frozenset(("home", "untitled", "article", "document", "index", "page", "blog", "post"))
_NOT_LETTERS = re.compile(r"[\W_]+")


def choose_title(*, og_title: str, html_title: str, h1: str, site_name: str, url: str) -> str:
    """The page's title by the rule in the module docstring; "" when no candidate informs."""
    og_title, html_title, h1 = (_trim(coerce_text(value)) for value in (og_title, html_title, h1))
    names = _site_names(site_name, url)
    if h1 and _is_site_logo(h1, html_title):
        names |= {_letters(h1)}
    og_title, html_title, h1 = (_without_site(value, names) for value in (og_title, html_title, h1))
    informative = [t for t in (og_title, html_title) if is_informative(t, names)]
    if is_informative(h1, names):
        key = fold(h1)
        for other in informative:
            folded = fold(other)
            if folded.startswith(key):
                return other[: len(h1)] if h1.isupper() and not other.isupper() else h1
            if folded.endswith(key) and len(other) > len(h1):
                return other
        if not informative:
            return h1
    return informative[0] if informative else ""


def is_informative(title: str, site_names: frozenset[str] = frozenset()) -> bool:
    """Whether `title` says what the page is: not empty, a bare id, a site name or generic."""
    title = title.strip()
    if not title or _BARE_ID.match(title):
        return False
    key = _letters(title)
    return bool(key) and key not in site_names and key not in _GENERIC


def _is_site_logo(h1: str, html_title: str) -> bool:
    """Whether the `<h1>` is the site's name: the last part of `<title>`, after a separator
    other than a colon, with an informative title before it ("Post :: Site", `<h1>Site</h1>`)."""
    for separator in _SEPARATORS:
        if ":" in separator and "::" not in separator:
            continue
        head, found, tail = html_title.rpartition(separator)
        if found and _letters(tail) == _letters(h1) and is_informative(head):
            return True
    return False


def _trim(title: str) -> str:
    """Without separators left dangling at either end ("Post :: Site ::")."""
    return title.strip(" :|-–—·»«/")


def _site_names(site_name: str, url: str) -> frozenset[str]:
    names = {_letters(site_name), _letters(site_name.rpartition(".")[0])} if site_name else set()
    host = urlsplit(url).hostname or "" if "//" in url else ""
    parts = [part for part in host.split(".") if part not in ("www", "m", "blog", "blogs")]
    if len(parts) >= 2:
        names.add(_letters(parts[-2]))
        names.add(_letters(".".join(parts)))
    return frozenset(name for name in names if name)


def _without_site(title: str, names: frozenset[str] | set[str]) -> str:
    """`title` without a leading or trailing part that is the site's name."""
    for _ in range(2):  # "Post : Blog : Site" loses at most two named parts
        stripped = _trim(_strip_once(title, names))
        if stripped == title:
            break
        title = stripped
    return title


def _strip_once(title: str, names: frozenset[str] | set[str]) -> str:
    for separator in _SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and _letters(tail) in names:
            return head.strip()
        head, found, tail = title.partition(separator)
        if found and tail.strip() and _letters(head) in names:
            return tail.strip()
    if names:
        return title
    head, found, tail = title.rpartition(" | ")
    if found and len(head) >= 10 and len(tail) <= 30:
        return head.strip()  # "Post | Short site name" with no site name given
    return title


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", fold(text))
