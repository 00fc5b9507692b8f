"""Plain-text articles: title, author, date and tags from the text's own conventions.

A saved article's first short line is its title; "Categories: Movies" at the end is its tags;
Project Gutenberg and PEP headers carry "Title:" and "Author:" lines; Aozora Bunko files put
the title and author on the first two lines and mark readings with ruby (《》, ｜), which is
stripped because the reading view cannot show it above the text. The body is never Markdown.
RFCs and Internet-Drafts are titled by the centred line(s) under their header, without the
draft's file name; a title underlined with "====" takes its underline with it.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from reader.core.loaders.metadata import (
    clean_text,
    coerce_tags,
    first_sentence,
    humanise_stem,
    parse_date,
)
from reader.core.loaders.textblocks import (
    chunked,
    classify,
    is_fixed_layout,
    measure,
    split_segments,
)
from reader.core.loaders.textlines import (
    display_width,
    indent_of,
    is_ietf_header,
    join_lines,
    setext_start,
    without_page_furniture,
)
from reader.core.models import ArticleMeta, ArticleStream, Block, BlockKind

UNTITLED = "Untitled"
MAX_TITLE = 150
HEADER_LINES = 40
"""Title, author and date lines are looked for only this near the top."""

_TAGS_LINE = re.compile(
    r"^(?:categories|category|tags|tagged(?: with)?|filed under|keywords|topics)\s*:\s*(\S.*)$",
    re.IGNORECASE,
)
_TITLE_FIELD = re.compile(r"^Title:\s+(\S.*)$")
_AUTHOR_FIELD = re.compile(r"^(?:Author|Authors|Written by|Writer)s?:\s+(\S.*)$", re.IGNORECASE)
_BY_LINE = re.compile(r"^[Bb]y\s+((?:[A-Z][\w.'’-]*\s*){1,5})$")
_DATE_FIELD = re.compile(
    r"^(?:Date|Published|Posted(?: on)?|Release Date|Posting Date|Created):\s+(\S.*)$",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v]*\n\s*")
_GAP = re.compile(r"\S {3,}\S")
_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
"""An HTML character reference in a title that a saved page left in plain text ("&amp;")."""
_DRAFT_NAME = re.compile(r"^(?:Document:\s*)?<?draft-[\w.+-]+>?$", re.IGNORECASE)
_RUBY = re.compile(r"《[^》\n]{0,50}》|｜|［＃[^］\n]{0,200}］")


def text_stream(path: Path, text: str) -> ArticleStream:
    """An article from plain text; blocks are made as the stream is consumed."""
    if "《" in text and _KANA.search(text[:10_000]):
        text = _RUBY.sub("", text)
    lines = text.split("\n")
    fixed = is_fixed_layout(lines, paged="[Page " in text or "\f" in text)
    if fixed:
        lines = without_page_furniture(lines)
    tags = _take_tags(lines)
    head = lines[:HEADER_LINES]
    title = _field(head, _TITLE_FIELD)
    author = _field(head, _AUTHOR_FIELD) or _field(head, _BY_LINE)
    if not title:
        title, title_author = _take_title(lines)
        author = author or title_author
    date_text = _field(head, _DATE_FIELD)
    chunks = _blocks(lines, fixed)
    if not title:
        first = next(chunks, ())
        chunks = itertools.chain([first], chunks)
        title = _first_sentence(first) or humanise_stem(path.stem, text) or UNTITLED
    meta = ArticleMeta(
        title=clean_text(_ENTITY.sub(lambda m: html.unescape(m.group()), title), MAX_TITLE),
        author=clean_text(author).rstrip(",;"),
        date=parse_date(re.sub(r"\s*\[.*$", "", date_text)) if date_text else None,
        tags=tags,
        format="text",
    )
    return ArticleStream(path, meta, chunks, index_words=lambda: plain_words(lines))


def _blocks(lines: list[str], fixed: bool) -> Iterator[tuple[Block, ...]]:
    """The article's chunks, measured and classified only when first asked for: the indexer
    takes `plain_words` instead and never needs them."""
    segments = split_segments(lines)
    yield from chunked(classify(segments, measure(segments, fixed=fixed)))


def plain_words(lines: list[str]) -> str:
    """The text's words as paragraphs split at blank lines: enough to index, no layout work."""
    text = "\n".join(lines)
    paragraphs = (
        " ".join(filter(None, (line.strip() for line in part.split("\n"))))
        for part in _PARAGRAPH_BREAK.split(text)
    )
    return "\n\n".join(part for part in paragraphs if part)


def _take_tags(lines: list[str]) -> tuple[str, ...]:
    """Tags from "Categories: a, b" lines at the very end, which are removed from `lines`."""
    values: list[str] = []
    index = len(lines) - 1
    while index >= 0 and len(values) < 3:
        line = lines[index].strip()
        if line:
            match = _TAGS_LINE.match(line)
            if not match:
                break
            values.append(match.group(1))
            del lines[index]
        index -= 1
    return coerce_tags(*reversed(values))


def _field(lines: list[str], pattern: re.Pattern[str]) -> str:
    for line in lines:
        match = pattern.match(line.strip())
        if match:
            return match.group(1).strip()
    return ""


def _take_title(lines: list[str]) -> tuple[str, str]:
    """(title, author) from the first lines, removed from `lines`; ("", "") if there is none."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return "", ""
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    block = [line.strip() for line in lines[start:end]]
    setext = setext_start(lines[start:end])
    if setext is not None and _is_title_line(setext[0]):  # "Title\n=====": both lines go
        if any(line.strip() for line in lines[start + setext[2] :]):
            del lines[start : start + setext[2]]
        return setext[0], ""
    if _is_title_line(block[0]) and (len(block) == 1 or _is_title_block(block)):
        author = _author_line(block[0], block[1]) if len(block) > 1 else ""
        taken = 2 if author else 1
        if any(line.strip() for line in lines[start + taken :]):  # never leave an empty body
            del lines[start : start + taken]
        return block[0], author
    return _take_centred_title(lines, start, ietf=is_ietf_header(block))


def _is_title_line(line: str) -> bool:
    return (
        len(line) <= MAX_TITLE
        and not line.endswith(".")
        and not _GAP.search(line)
        and any(char.isalpha() for char in line)
    )


def _is_title_block(block: list[str]) -> bool:
    """A title with a byline or subtitle under it, not the first lines of a wrapped paragraph."""
    return len(block) <= 3 and all(
        display_width(line) <= 60 and not line.endswith(".") for line in block
    )


def _author_line(title: str, line: str) -> str:
    by = _BY_LINE.match(line)
    if by:
        return by.group(1)
    if _CJK.search(title) and _CJK.search(line) and len(line) <= 20:  # Aozora: author under title
        return line
    return ""


def _take_centred_title(lines: list[str], start: int, *, ietf: bool) -> tuple[str, str]:
    """An RFC-style title: a lone line indented far to the centre near the top. Under an IETF
    header the title may take a few centred lines, and the draft's name ("draft-ietf-…") or
    a date among them is not part of it."""
    stop = min(len(lines) - 1, start + HEADER_LINES)
    for index in range(start + 1, stop):
        line = lines[index].strip()
        if lines[index - 1].strip() or not _is_title_line(line) or _DRAFT_NAME.match(line):
            continue
        if indent_of(lines[index]) < (4 if ietf else 10):
            continue
        end = next((i for i in range(index, len(lines)) if not lines[i].strip()), len(lines))
        if end - index > 1 and not (ietf and end - index <= 5 and _centred(lines[index:end])):
            continue
        parts = [i for i in range(index, end) if not _is_title_furniture(lines[i].strip())]
        title = join_lines([lines[i].strip() for i in parts]) if parts else ""
        if title and len(title) <= MAX_TITLE:
            for i in reversed(parts):
                del lines[i]
            return title, ""
    return "", ""


def _centred(lines: list[str]) -> bool:
    return all(indent_of(line) >= 4 and not _GAP.search(line.strip()) for line in lines)


def _is_title_furniture(line: str) -> bool:
    """A draft's file name or a date in the centred title block."""
    return bool(_DRAFT_NAME.match(line)) or parse_date(line) is not None


def _first_sentence(blocks: tuple[Block, ...]) -> str:
    for block in blocks:
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE, BlockKind.HEADING):
            return first_sentence(block.text)
    return ""
