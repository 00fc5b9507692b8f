"""Where a `#name` link points inside the article, worked out from its blocks (no screen).

The document model keeps no ids: Markdown gives headings none, and a footnote's id depends on
whoever rendered the page the link was written against. So a name is matched the ways writers
and renderers spell them: headings by GitHub's slugs (`#my-heading`, `#my-heading-1` for the
second of that title); footnotes as this app writes its own references (`#fn-LABEL`), as
markdown-it renders them (`#fn1`, `#fnref1`, `#fnref1:1`, numbered by first reference), as
GitHub does (`#user-content-fn-1`) and as Pandoc and kramdown do (`#fn:1`). A `...ref` name goes
back to the reference in the text. Ids of saved web pages are found in the page itself
(`reader.core.loaders.html_anchors`), since extraction drops them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.core.models import Block, BlockKind
from reader.ui.links import Link

FOOTNOTE_TARGET = "#fn-"
"""How the Markdown loader writes a footnote reference's target: `#fn-LABEL`."""

_DEFINITION = re.compile(r"(?:fn|footnote|note)[-_:.]?(?P<key>.+)")
_REFERENCE = re.compile(r"(?:fnref|footnote-ref|ref)[-_:.]?(?P<key>[^:]+?)(?::(?P<nth>\d+))?")
_NOT_SLUG = re.compile(r"[^\w\- ]")


def heading_slug(text: str) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def find_anchor(
    name: str, blocks: Sequence[Block], offsets: Sequence[int], links: Sequence[Link]
) -> int | None:
    """The text offset `#name` leads to, or None when the article has no such place.

    Args:
        name: the anchor without its `#`, already percent-decoded.
        blocks: the article's blocks so far, with `offsets` where each starts in the text.
        links: the article's links in reading order (footnote references are links).
    """
    wanted = name.strip().lower().removeprefix("user-content-")
    offset = _heading(wanted, blocks, offsets)
    if offset is None:
        offset = _footnote(wanted, blocks, offsets, links)
    if offset is None and wanted in ("", "top"):
        return 0  # as in a browser: `#` and `#top` go to the top unless something has that id
    return offset


def _heading(wanted: str, blocks: Sequence[Block], offsets: Sequence[int]) -> int | None:
    seen: dict[str, int] = {}
    for block, offset in zip(blocks, offsets, strict=False):
        if block.kind is not BlockKind.HEADING:
            continue
        slug = heading_slug(block.text)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        if wanted == (f"{slug}-{count}" if count else slug):
            return offset
    return None


def _footnote(
    wanted: str, blocks: Sequence[Block], offsets: Sequence[int], links: Sequence[Link]
) -> int | None:
    references: dict[str, list[int]] = {}  # label -> offsets of its references, in order
    for link in links:
        if link.target.startswith(FOOTNOTE_TARGET):
            references.setdefault(link.target[len(FOOTNOTE_TARGET) :].lower(), []).append(
                link.offset
            )
    ordinals = {str(number): label for number, label in enumerate(references, start=1)}
    if match := _REFERENCE.fullmatch(wanted):
        label = _label(match["key"], references, ordinals)
        if label is not None:
            places = references[label]
            return places[min(int(match["nth"] or 0), len(places) - 1)]
    if match := _DEFINITION.fullmatch(wanted):
        key = match["key"]
        definitions = {
            block.marker.lower(): offset
            for block, offset in zip(blocks, offsets, strict=False)
            if block.kind is BlockKind.FOOTNOTE and block.marker
        }
        if key in definitions:
            return definitions[key]
        label = ordinals.get(key)
        return definitions.get(label) if label is not None else None
    return None


def _label(key: str, references: dict[str, list[int]], ordinals: dict[str, str]) -> str | None:
    """The footnote a reference id names: by its label, else by markdown-it's number.

    The label wins: `#fn1` beside a `[^1]` almost always means that footnote.
    """
    if key in references:
        return key
    return ordinals.get(key)
