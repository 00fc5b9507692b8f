"""Markdown files: front matter to `ArticleMeta`, the body to blocks (parsed lazily)."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from reader.core.loaders.frontmatter import split_front_matter
from reader.core.loaders.markdown_doc import iter_markdown_blocks
from reader.core.loaders.markdown_inline import (
    is_esm,
    without_heading_attributes,
    without_mdx_comments,
)
from reader.core.loaders.markdown_words import markdown_words
from reader.core.loaders.metadata import (
    clean_text,
    coerce_date,
    coerce_tags,
    coerce_text,
    fallback_title,
    first_sentence,
    looks_like_slug,
)
from reader.core.models import ArticleMeta, ArticleStream, Block, BlockKind

UNTITLED = "Untitled"

_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "date_published", "created")
_DATE_KEYS_LATE = ("updated", "lastmod", "modified", "date_modified")
_AUTHOR_KEYS = ("author", "authors", "by", "creator")
_TAG_KEYS = ("tags", "tag", "categories", "category", "keywords")
_DESCRIPTION_KEYS = ("description", "summary", "excerpt", "abstract", "subtitle")
_URL_KEYS = ("url", "link", "canonical_url", "canonical", "permalink", "source_url")
_SCAN_LINES = 5_000
"""The title heading is looked for in this many lines; beyond that it is not a title."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_OPENING = re.compile(r" {0,3}(#{1,6})[ \t]+")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_NOT_SETEXT_TEXT = re.compile(r"^ {0,3}(?:[-*+>]|\d+[.)]|#|    )|^\s*$")
# Each expression is tried from every position of a line, so none may rescan the rest of the
# line from each of a long run of openers ("[[[[", "____", blanks): that is quadratic. Link
# text cannot hold "[", a target cannot hold "](", and runs are tried from their first character.
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]]*)\]\((?:[^)\]]|\](?!\())*\)")
_TAG = re.compile(r"<[^>\n]{0,200}>")
_MARKS = re.compile(r"[*`]+|~~|(?<!\w)_+|(?<!_)_+(?!\w)")


def markdown_stream(path: Path, text: str) -> ArticleStream:
    """An article from Markdown source; blocks are parsed as the stream is consumed."""
    front = split_front_matter(text)
    warnings = list(front.warnings)
    chunks = iter_markdown_blocks(front.body)
    title = coerce_text(front.fields.get("title"))
    if looks_like_slug(title):
        title = title_heading(front.body) or title  # "title: version-060" names no article
    if not title:
        title = title_heading(front.body) or fallback_title(path.stem, front.body)
    if not title:
        first = next(chunks, ())
        chunks = itertools.chain([first], chunks)
        title = _first_paragraph_sentence(first) or UNTITLED
    meta = ArticleMeta(
        title=title,
        author=coerce_text(_first(front.fields, _AUTHOR_KEYS)),
        date=_date(front.fields, warnings),
        tags=coerce_tags(*(front.fields.get(key) for key in _TAG_KEYS)),
        description=coerce_text(_first(front.fields, _DESCRIPTION_KEYS), 2_000),
        url=coerce_text(_first(front.fields, _URL_KEYS), 2_000),
        format="markdown",
    )
    body = front.body
    return ArticleStream(
        path, meta, chunks, tuple(warnings), index_words=lambda: markdown_words(body)
    )


def title_heading(source: str) -> str:
    """The heading that opens the document, as plain text; "" when it opens with anything else.

    A heading further down names a section, not the article: "# Summary" after a list of
    fields (Rust RFCs), or "## Drawbacks" 140 lines in.
    """
    first = next(iter_headings(source), None)
    return first[1] if first is not None and first[2] == 0 else ""


def iter_headings(source: str) -> Iterator[tuple[int, str, int]]:
    """(level, plain text, index among non-blank lines) of ATX and setext headings outside
    code fences, in the first `_SCAN_LINES` lines. MDX `import`/`export` statements show
    nothing, so their lines are not counted."""
    fence = ""
    previous = ""
    content_lines = -1
    esm = False
    for line in itertools.islice(source.split("\n", _SCAN_LINES), _SCAN_LINES):
        esm = bool(line.strip()) and (esm or (not fence and not previous.strip() and is_esm(line)))
        if esm:
            continue
        content_lines += bool(line.strip())
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = ""
            previous = ""
            continue
        if marker:
            fence = marker.group(1)
            continue
        atx = atx_text(line)
        if atx is not None:
            yield (
                len(line.strip()) - len(line.strip().lstrip("#")),
                plain_inline(atx),
                content_lines,
            )
        elif _SETEXT.match(line) and not _NOT_SETEXT_TEXT.match(previous):
            level = 1 if line.strip().startswith("=") else 2
            yield level, plain_inline(previous), content_lines - 1
        previous = line


def atx_text(line: str) -> str | None:
    """The text of an ATX heading line ("## Text ##" -> "Text"), or None if it is not one.

    Written out rather than as one expression: a lazy `(.+?)` before an optional closing
    sequence tries the tail from every position, which is quadratic on a long run of blanks.
    """
    opening = _ATX_OPENING.match(line)
    if opening is None:
        return None
    rest = line[opening.end() :]
    if not rest:  # "#" and blanks only: a heading of one blank if there are two of them
        return line[-1] if opening.end() - opening.end(1) >= 2 else None
    text = rest.rstrip(" \t")
    before_closing = text.rstrip("#")
    if len(before_closing) < len(text) and before_closing[-1:] in (" ", "\t"):
        text = before_closing.rstrip(" \t")
    return text


def plain_inline(markdown: str) -> str:
    """Inline Markdown reduced to its words: links and images to their text, marks dropped."""
    text = _IMAGE_OR_LINK.sub(r"\1", without_mdx_comments(markdown))
    text = _MARKS.sub("", without_heading_attributes(_TAG.sub("", text)))
    return clean_text(html.unescape(text.replace("\\", "")))


def _first(fields: Mapping[str, object], keys: tuple[str, ...]) -> object:
    for key in keys:
        value = fields.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _date(fields: Mapping[str, object], warnings: list[str]) -> dt.datetime | None:
    """The first date field that parses; each present but unreadable one adds a warning."""
    for key in (*_DATE_KEYS, *_DATE_KEYS_LATE):
        value = fields.get(key)
        if value in (None, ""):
            continue
        date = coerce_date(value)
        if date is not None:
            return date
        warnings.append(f"{key} not understood: {coerce_text(value, 40)!r}")
    return None


def _first_paragraph_sentence(blocks: tuple[Block, ...]) -> str:
    for block in blocks:
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING) and block.text.strip():
            return first_sentence(block.text)
    return ""
