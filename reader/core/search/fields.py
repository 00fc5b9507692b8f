"""The index's schema and how an article or a note becomes an index document.

Articles and notes share one index so that one query ranks both; `kind` tells them apart and
`id` is always the article's id (a note points at its article). `key` is unique per document
("a:12", "n:7"), so a changed article is replaced without touching its notes.
"""

from __future__ import annotations

import datetime as dt
import os
import zlib
from pathlib import PurePath

import tantivy

from reader.core.models import ArticleSummary
from reader.core.search import analysis

SCHEMA_VERSION = 4
"""Bump when the schema or the analysis changes: an index of another version is rebuilt.

2: `within`, so that a search covers only the libraries that are open.
3: text folded by `reader.core.fold` before tantivy's filters (Arabic and Hebrew marks,
   compatibility forms), as the list filter and find-in-article fold it.
4: `stamp` (an article's revision, a note's text checksum) and the stored note key, so that
   checking the index against the library compares content, not counts."""

ARTICLE = "article"
NOTE = "note"
MAX_FOLDER_DEPTH = 8
"""Folders above the article beyond this many levels are not searchable with `in:`."""


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("stamp", fast=True)
    builder.add_integer_field("note_id", stored=True, indexed=True)
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name=analysis.STEMMED)
    builder.add_text_field("author", tokenizer_name=analysis.STEMMED)
    builder.add_text_field("body", tokenizer_name=analysis.STEMMED)
    # Unstemmed words, for complete prefix queries: "runni*" must find "running", whose stem
    # is "run". Documents only (no positions): a prefix is matched, never part of a phrase.
    builder.add_text_field("words", tokenizer_name=analysis.FOLDED, index_option="basic")
    builder.add_text_field("tag", tokenizer_name=analysis.LOWER, index_option="basic")
    builder.add_text_field("folder", tokenizer_name=analysis.LOWER, index_option="basic")
    # The article's path and every folder above it, whole: a search scoped to some roots is
    # one term per root (the data dir holds every library ever opened, and only the open
    # ones may answer).
    builder.add_text_field("within", tokenizer_name="raw", index_option="basic")
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    builder.add_bytes_field("path", stored=True)  # os.fsencode: any file name survives
    # Stored as given (the indexed title and body are folded, with spaces between CJK
    # characters).
    builder.add_bytes_field("shown_title", stored=True)
    builder.add_bytes_field("text", stored=True)  # for snippets
    return builder.build()


def article_key(article_id: int) -> str:
    return f"a:{article_id}"


def note_key(note_id: int | str) -> str:
    return f"n:{note_id}"


def note_stamp(text: str) -> int:
    """What a note document is checked by: its text's CRC-32 (notes are small, and their
    versions are counted per row, which a restore from a backup can repeat)."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def note_stamp_of(doc: tantivy.Document) -> int:
    """The stamp a note document was given (see `note_document`)."""
    return int(doc.to_dict()["stamp"][0])


def article_document(summary: ArticleSummary, text: str, revision: int) -> tantivy.Document:
    """`revision`: the library row's, which every write bumps (the document's stamp)."""
    doc = _document(article_key(summary.id), summary.id, ARTICLE, text, summary)
    doc.add_integer("stamp", revision)
    return doc


def note_document(
    note_id: int | str, article_id: int, text: str, article: ArticleSummary | None
) -> tantivy.Document:
    """Notes are keyed by the notes store's id ("note:<article>" or a highlight's uuid)."""
    doc = _document(note_key(note_id), article_id, NOTE, text, article)
    doc.add_integer("stamp", note_stamp(text))
    if isinstance(note_id, int):
        doc.add_integer("note_id", note_id)
    return doc


def _document(
    key: str, article_id: int, kind: str, text: str, summary: ArticleSummary | None
) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("key", key)
    doc.add_integer("id", article_id)
    doc.add_text("kind", kind)
    body = analysis.prepared(text)
    doc.add_text("body", body)
    doc.add_text("words", body)
    doc.add_bytes("text", _utf8(text))
    if summary is not None:
        _add_summary(doc, summary)
    return doc


def _add_summary(doc: tantivy.Document, summary: ArticleSummary) -> None:
    title = analysis.prepared(summary.title)
    doc.add_text("title", title)
    doc.add_bytes("shown_title", _utf8(summary.title))
    doc.add_text("words", title)
    if summary.author:
        doc.add_text("author", analysis.prepared(summary.author))
    for tag in summary.tags:
        if tag:
            doc.add_text("tag", tag)
    for folder in folders_of(summary.path):
        doc.add_text("folder", folder)
    if summary.date is not None:
        doc.add_date("date", utc(summary.date))
    doc.add_bytes("path", os.fsencode(summary.path))
    for place in places_of(summary.path):
        doc.add_text("within", place)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "replace")


def folders_of(path: PurePath) -> list[str]:
    """What `in:` matches: every folder above `path` by name, and every run of them ("a/b").

    The library root's own name is among them; so, harmlessly, are the folders above it.
    """
    names = [_utf8(name.lower()).decode() for name in path.parent.parts[1:]]
    names = names[-MAX_FOLDER_DEPTH:]
    return [
        "/".join(names[start:end])
        for start in range(len(names))
        for end in range(start + 1, len(names) + 1)
    ]


def places_of(path: PurePath) -> list[str]:
    """What a scope matches: `path` itself and every folder above it, as `place` spells them.

    Cut from one spelling of the (absolute, normal) path rather than made per parent: this
    runs for every article of a rebuild, where `place` per parent cost 3 s per 100,000.
    """
    whole = _spelled(os.fsencode(path))
    places, cut = [whole], len(whole)
    while (cut := whole.rfind("/", 0, cut)) > 0:
        places.append(whole[:cut])
    return places if whole == "/" else [*places, "/"]


def place(path: str | os.PathLike[str]) -> str:
    """A path (a search's root) as an exact term, spelled as `places_of` spells it."""
    return _spelled(os.fsencode(os.path.abspath(path)))


def _spelled(raw: bytes) -> str:
    """Bytes as UTF-8, any other byte as `\\xNN`; backslashes doubled first, so that two
    different paths never give the same term."""
    return raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def utc(when: dt.datetime) -> dt.datetime:
    """A naive date is taken as UTC; an aware one converted."""
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)
