"""The value types the whole app shares.

An article is parsed once into a `Document`: a flat sequence of blocks, each holding the plain
text it shows plus inline style spans. The article's *text* is the blocks' texts joined by a
blank line; every position that search hits, find-in-article and highlights talk about is an
offset into that one string, so the reading view can map any of them to a screen cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path

BLOCK_SEPARATOR = "\n\n"
"""What stands between two blocks in `Document.text`."""

WORDS_PER_MINUTE = 230


class BlockKind(StrEnum):
    """What a block is; the reading view picks layout and style by it."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"  # photo credits and screenshot names in plain-text saves: de-emphasised
    QUOTE = "quote"
    LIST_ITEM = "list_item"
    CODE = "code"
    TABLE = "table"
    RULE = "rule"
    IMAGE = "image"  # shown as its alt text and target; never fetched
    FOOTNOTE = "footnote"
    PREFORMATTED = "preformatted"
    """Text laid out in fixed columns (RFCs, ASCII tables, aligned plain text): shown line for
    line, never reflowed, without a code block's background or highlighting."""
    CALLOUT = "callout"
    """An admonition (`!!! note`) or GitHub alert (`> [!NOTE]`): a titled box. `marker` is the
    box's title ("Note", "Warning: Mind the gap"), `language` its type (note, tip, warning,
    important, caution, danger…), `text` its content with paragraphs joined by a newline."""
    TERM = "term"
    """A term of a definition list, shown on its own line in bold."""
    DEFINITION = "definition"
    """A definition of the TERM before it, shown indented under it."""


class SpanKind(StrEnum):
    """Inline styles inside a block's text."""

    EMPHASIS = "em"
    STRONG = "strong"
    CODE = "code"
    STRIKE = "strike"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Span:
    """An inline style over `block.text[start:end]`; links carry their target."""

    start: int
    end: int
    kind: SpanKind
    target: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article.

    `text` is exactly what the block shows (without list markers or quote bars, which the view
    draws as decoration). For a TABLE, `text` is the cells joined by TAB within a row and by
    newline between rows, and `rows` holds the same cells; the first row is the header. For CODE,
    `text` is the code with its newlines.
    """

    kind: BlockKind
    text: str
    spans: tuple[Span, ...] = ()
    level: int = 0
    """Heading level (1-6), or nesting depth for list items and quotes (0 = top level)."""
    marker: str = ""
    """List item marker ("•", "1."), footnote label, or image target."""
    language: str = ""
    """Fenced code language, for syntax highlighting."""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Document:
    """An article's body, ready to lay out."""

    blocks: tuple[Block, ...]

    @cached_property
    def text(self) -> str:
        """The article's text: what search and highlights address by offset."""
        return BLOCK_SEPARATOR.join(block.text for block in self.blocks)

    @cached_property
    def block_starts(self) -> tuple[int, ...]:
        """Offset in `text` where each block starts."""
        starts: list[int] = []
        offset = 0
        for block in self.blocks:
            starts.append(offset)
            offset += len(block.text) + len(BLOCK_SEPARATOR)
        return tuple(starts)

    @cached_property
    def word_count(self) -> int:
        return count_words(self.text)


def count_words(text: str) -> int:
    """Words for reading time; CJK characters count as roughly one word per two characters."""
    words = len(text.split())
    cjk = sum(1 for char in text if "\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af")
    return words + cjk // 2


def reading_minutes(words: int) -> int:
    return max(1, round(words / WORDS_PER_MINUTE)) if words else 0


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """Metadata every loader fills in, already coerced to these types."""

    title: str
    author: str = ""
    date: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    description: str = ""
    url: str = ""
    format: str = "text"
    """"text", "markdown" or "html"."""
    extraction: str = ""
    """For a saved page whose text did not come from the usual extractor: which one won and why
    ("readability: trafilatura kept 12% of the main text; readability keeps 98%")."""


@dataclass(frozen=True)
class Article:
    """A loaded article: where it came from, what it says, and what was odd about it."""

    path: Path
    meta: ArticleMeta
    document: Document
    warnings: tuple[str, ...] = ()
    """Things the user should know, such as front matter that was ignored."""

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def word_count(self) -> int:
        return self.document.word_count


@dataclass(frozen=True)
class ArticleStream:
    """An article whose body arrives in chunks, so a 1 MB file paints before it is all parsed.

    `chunks` yields tuples of blocks in reading order; a full `Article` is the stream consumed.
    """

    path: Path
    meta: ArticleMeta
    chunks: Iterator[tuple[Block, ...]]
    warnings: tuple[str, ...] = ()
    index_words: Callable[[], str] | None = None
    """A cheaper way to the article's words than parsing every chunk (for the indexer)."""

    def collect(self) -> Article:
        blocks = tuple(block for chunk in self.chunks for block in chunk)
        return Article(self.path, self.meta, Document(blocks), self.warnings)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that is not listed as an article, with a reason a person can read."""

    path: Path
    reason: str


LoadResult = Article | Skipped


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of the article list, as the store returns it."""

    id: int
    path: Path
    title: str
    source: str
    author: str = ""
    date: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    words: int = 0
    read: bool = False
    last_read: dt.datetime | None = None
    position: int = 0
    """Offset in the article's text of the first line last shown."""
    has_notes: bool = False

    @property
    def minutes(self) -> int:
        return reading_minutes(self.words)


@dataclass(frozen=True, slots=True)
class ReadingState:
    """What the app remembers about reading one article."""

    position: int = 0
    read: bool = False
    last_read: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """Reported while the library is scanned and indexed."""

    done: int
    total: int
    phase: str = "scanning"


@dataclass
class ScanReport:
    """What a scan found, for `reader index` and the status bar."""

    articles: int = 0
    new: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    notices: list[str] = field(default_factory=list)
    """Things the user should hear once, such as parsing in-process because the pool failed."""
