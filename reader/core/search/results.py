"""What a search returns: plain values, with hit offsets instead of markup."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import tantivy

from reader.core.search.hits import Matcher, Span
from reader.core.search.snippets import make_snippet


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One ranked match: an article, or a note on one (`kind == "note"`)."""

    article_id: int
    kind: str
    """"article" or "note"."""
    path: Path
    title: str
    date: dt.datetime | None
    score: float
    snippet: str
    """A line of the matched text around the first hit, plain text."""
    spans: tuple[Span, ...]
    """Hits in `snippet`, as (start, end) offsets."""
    title_spans: tuple[Span, ...] = ()
    note_id: int | None = None


@dataclass(frozen=True)
class SearchResults:
    total: int
    """How many documents match in all (`results` holds at most the limit)."""
    results: list[SearchResult]
    notes: tuple[str, ...] = field(default=())
    """What the query parser dropped or reinterpreted, worth a hint to the user."""


def result_from(doc: tantivy.Document, score: float, matcher: Matcher) -> SearchResult:
    """A stored index document as a result, with its snippet cut around the first hit."""
    text = _text(doc, "text")
    title = _text(doc, "shown_title")
    snippet, spans = make_snippet(text, matcher)
    path = doc.get_first("path")
    note_id = doc.get_first("note_id")
    return SearchResult(
        article_id=int(doc.get_first("id") or 0),
        kind=str(doc.get_first("kind") or ""),
        path=Path(os.fsdecode(path)) if path else Path(),
        title=title,
        date=doc.get_first("date"),
        score=score,
        snippet=snippet,
        spans=tuple(spans),
        title_spans=tuple(matcher.spans(title)) if matcher and title else (),
        note_id=None if note_id is None else int(note_id),
    )


def _text(doc: tantivy.Document, name: str) -> str:
    value = doc.get_first(name)
    return value.decode("utf-8", "replace") if value else ""
