"""Loading articles: any file to an `Article`, or a `Skipped` with a reason a person can read.

One door for every format. Both entry points are total: whatever the bytes and whatever the
name, the caller gets an article or a reason, never an exception, because one odd file in a
library of thousands must not stop a scan or crash the reading pane.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from reader.core.config import DEFAULT_MAX_BYTES
from reader.core.loaders.decode import binary_reason, decode_text
from reader.core.loaders.files import read_file
from reader.core.loaders.metadata import date_from_path
from reader.core.models import Article, ArticleStream, Block, BlockKind, Document, Skipped

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "is_candidate",
    "load_bytes",
    "load_for_index",
    "load_path",
    "open_stream",
]

_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_SUFFIXES = frozenset(_FORMATS)
"""Suffixes read as articles; files without a suffix are read too if their content is text."""


def is_candidate(path: Path) -> bool:
    """Whether a file's name makes it worth reading as an article."""
    suffix = path.suffix.lower()
    return suffix in SUPPORTED_SUFFIXES or (not suffix and not path.name.startswith("."))


def open_stream(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ArticleStream | Skipped:
    """Read, decode and take the metadata of a file; its body is parsed as `chunks` is consumed.

    For the reading pane: the first chunk arrives long before a large file is fully parsed.
    """
    try:
        format_ = _format(path)
        if format_ is None:
            return Skipped(path, f"unsupported file type {path.suffix.lower()}")
        data = read_file(path, max_bytes)
        if isinstance(data, Skipped):
            return data
        return _stream(path, data, format_)
    except Exception as error:  # the last resort that keeps this function total
        return _failed(path, error)


def load_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article | Skipped:
    """The whole article at `path`, parsed; results pickle (the indexer runs this in workers)."""
    return _collect(open_stream(path, max_bytes=max_bytes))


def load_for_index(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article | Skipped:
    """Like `load_path`, but the body may be the article's words as paragraphs rather than its
    parsed structure, where that is much cheaper (Markdown): what the indexer needs."""
    stream = open_stream(path, max_bytes=max_bytes)
    if isinstance(stream, Skipped) or stream.index_words is None:
        return _collect(stream)
    try:
        words = stream.index_words()
    except Exception:
        return _collect(stream)
    blocks = tuple(Block(BlockKind.PARAGRAPH, part) for part in words.split("\n\n") if part)
    return Article(stream.path, stream.meta, Document(blocks), stream.warnings)


def load_bytes(name: str, data: bytes) -> Article | Skipped:
    """The article in `data` as if read from a file called `name` (no size limit applied)."""
    path = Path(name)
    try:
        format_ = _format(path)
        if format_ is None:
            return Skipped(path, f"unsupported file type {path.suffix.lower()}")
        return _collect(_stream(path, data, format_))
    except Exception as error:
        return _failed(path, error)


def _format(path: Path) -> str | None:
    """ "text", "markdown" or "html" by suffix; "" when the content must decide; None: skip."""
    suffix = path.suffix.lower()
    if not suffix:
        return ""
    return _FORMATS.get(suffix)


def _stream(path: Path, data: bytes, format_: str) -> ArticleStream | Skipped:
    if not data:
        return Skipped(path, "empty file")
    reason = binary_reason(data)
    if reason:
        return Skipped(path, reason)
    hint = None
    if format_ in ("html", ""):
        from reader.core.loaders.html import declared_charset

        hint = declared_charset(data)
    text = decode_text(data, hint)
    if text is None:
        return Skipped(path, "could not decode text")
    if not text.strip():
        return Skipped(path, "empty file (only whitespace)")
    stream = _parse(path, text, format_ or _sniff(text))
    if isinstance(stream, Skipped):
        return stream
    meta = stream.meta
    if meta.date is None:  # the text gives none: the path may (2014-11-20-slug.md)
        meta = dataclasses.replace(meta, date=date_from_path(path))
    return ArticleStream(
        stream.path,
        meta,
        _guarded(stream.chunks),
        stream.warnings,
        index_words=stream.index_words,
    )


def _parse(path: Path, text: str, format_: str) -> ArticleStream | Skipped:
    if format_ == "html":
        from reader.core.loaders.html import html_stream

        return html_stream(path, text)
    if format_ == "markdown":
        from reader.core.loaders.markdown import markdown_stream

        return markdown_stream(path, text)
    from reader.core.loaders.text import text_stream

    return text_stream(path, text)


def _sniff(text: str) -> str:
    """The format of a file without a suffix, from how it starts."""
    head = text[:512].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    if head.startswith(("---\n", "+++\n")):
        from reader.core.loaders.frontmatter import split_front_matter

        if split_front_matter(text).fields:
            return "markdown"
    return "text"


MAX_CODE_LINES = 200
MAX_TABLE_ROWS = 200
"""Longer code blocks and tables are cut into several blocks, so that no single block takes
the reading view more than a few milliseconds to lay out (a 20,000-line block took 1.4 s)."""


def bounded(block: Block) -> tuple[Block, ...]:
    """`block`, or its pieces when it is a huge code or preformatted block or a table; no text
    is lost and spans move with their text."""
    laid_out = block.kind in (BlockKind.CODE, BlockKind.PREFORMATTED)
    if laid_out and block.text.count("\n") >= MAX_CODE_LINES:
        lines = block.text.split("\n")
        pieces, offset = [], 0
        for start in range(0, len(lines), MAX_CODE_LINES):
            text = "\n".join(lines[start : start + MAX_CODE_LINES])
            end = offset + len(text)
            spans = tuple(
                replace(span, start=max(span.start - offset, 0), end=min(span.end, end) - offset)
                for span in block.spans
                if span.start < end and span.end > offset
            )
            pieces.append(replace(block, text=text, spans=spans))
            offset = end + 1
        return tuple(pieces)
    if block.kind is BlockKind.TABLE and len(block.rows) > MAX_TABLE_ROWS + 1:
        header, body = block.rows[0], block.rows[1:]
        pieces = []
        for start in range(0, len(body), MAX_TABLE_ROWS):
            rows = (header, *body[start : start + MAX_TABLE_ROWS])
            text = "\n".join("\t".join(row) for row in rows)
            pieces.append(replace(block, text=text, rows=rows, spans=()))
        return tuple(pieces)
    return (block,)


def _guarded(chunks: Iterator[tuple[Block, ...]]) -> Iterator[tuple[Block, ...]]:
    """The chunks with huge blocks cut down, ending with a note instead of an exception if
    parsing fails part-way."""
    try:
        for chunk in chunks:
            if any(len(block.text) > 8_000 for block in chunk):
                chunk = tuple(piece for block in chunk for piece in bounded(block))
            yield chunk
    except Exception as error:
        note = f"(The rest of this file could not be shown: {type(error).__name__}.)"
        yield (Block(BlockKind.PARAGRAPH, note),)


def _collect(stream: ArticleStream | Skipped) -> Article | Skipped:
    if isinstance(stream, Skipped):
        return stream
    try:
        return stream.collect()
    except Exception as error:
        return _failed(stream.path, error)


def _failed(path: Path, error: Exception) -> Skipped:
    return Skipped(path, f"could not be read: {type(error).__name__}")
