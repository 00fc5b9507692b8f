"""What a link in an article may lead to: the policy, without a screen.

Link targets come from files we did not write. Only web and mail links leave the app (and the
app shows them in full first); a path may open another article, but only a regular file that
really lies inside one of the library's folders once percent-escapes and symlinks are
resolved. Everything else (scripts, data URLs, devices, other schemes, look-alikes hidden
behind case, escapes or control characters) is refused with a reason a person can read.
"""

from __future__ import annotations

import re
import stat
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reader.core.models import Block, SpanKind


@dataclass(frozen=True, slots=True)
class Link:
    """A link as it appears in the article: its text, where it points, where it starts."""

    text: str
    target: str
    offset: int


@dataclass(frozen=True, slots=True)
class External:
    """A web or mail address, to be shown in full before it is opened."""

    url: str


@dataclass(frozen=True, slots=True)
class LocalArticle:
    """A file inside the library (resolved, symlinks followed)."""

    path: Path


@dataclass(frozen=True, slots=True)
class Anchor:
    """A place in the same article (`#name`)."""

    name: str


@dataclass(frozen=True, slots=True)
class Refused:
    """Not followed, and why."""

    reason: str


LinkAction = External | LocalArticle | Anchor | Refused

EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SPACE = " \t\n\r\f"


def classify_link(target: str, *, article_path: Path, roots: Sequence[Path]) -> LinkAction:
    """Decide what following `target`, found in the article at `article_path`, may do."""
    target = target.strip(_SPACE)
    if not target:
        return Refused("the link is empty")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in target):
        return Refused("the link contains control characters")
    if target.startswith("#"):
        return Anchor(unquote(target[1:]))
    match = _SCHEME.match(target)
    if match is None:
        return _local(target.split("#", 1)[0].split("?", 1)[0], article_path, roots)
    scheme = match.group(1).lower()
    if scheme in EXTERNAL_SCHEMES:
        return _external(target, scheme)
    if scheme == "file":
        parts = urlsplit(target)
        if parts.netloc not in ("", "localhost"):
            return Refused("file links to other machines are not followed")
        return _local(parts.path, article_path, roots, absolute_only=True)
    return Refused(f"{scheme}: links are not followed")


MAX_EXTERNAL = 2_000
"""Longer web addresses are refused: the confirmation must be able to show all of it."""


def _external(target: str, scheme: str) -> LinkAction:
    if len(target) > MAX_EXTERNAL:
        return Refused(f"the address is too long to show ({len(target):,} characters)")
    if any(char in _SPACE for char in target):
        return Refused("the address contains spaces")
    if scheme != "mailto" and not urlsplit(target).netloc:
        return Refused("the web address has no host")
    return External(target)


def _local(
    raw: str, article_path: Path, roots: Sequence[Path], *, absolute_only: bool = False
) -> LinkAction:
    """A path (percent-decoded once) that must resolve to a regular file inside a root."""
    text = unquote(raw)
    if not text or "\x00" in text:
        return Refused("the link has no path")
    path = Path(text)
    if not path.is_absolute():
        if absolute_only:
            return Refused("file links must be absolute")
        path = article_path.parent / path
    try:
        resolved = path.resolve(strict=True)
        mode = resolved.stat().st_mode
    except (OSError, RuntimeError):
        return Refused("no such file")
    if not any(resolved.is_relative_to(_real(root)) for root in roots):
        return Refused("the file is outside the library")
    if not stat.S_ISREG(mode):
        return Refused("not a regular file")
    return LocalArticle(resolved)


def _real(root: Path) -> Path:
    try:
        return root.resolve(strict=False)
    except (OSError, RuntimeError):
        return root


def block_links(block: Block, offset: int) -> list[Link]:
    """The links of one block whose text starts at `offset`, in reading order."""
    return [
        Link(block.text[span.start : span.end], span.target, offset + span.start)
        for span in sorted(block.spans, key=lambda span: span.start)
        if span.kind is SpanKind.LINK and span.target
    ]
