"""The value types of notes and highlights, and the results of saving them.

Saves are optimistic: the caller says which version it edited, and a save against a version
that someone else (another window, another process) has replaced returns a `Conflict` carrying
their text instead of overwriting it. The caller still holds its own text, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

COLORS: tuple[str, ...] = ("yellow", "green", "blue", "pink", "purple")
"""The highlight colours; the first is the default."""


@dataclass(frozen=True, slots=True)
class Note:
    """The one free Markdown note an article has."""

    article_id: int
    text: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    """0 for "no note yet"; every save adds one."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """A passage of an article, anchored by quote, context and position (see `anchoring`)."""

    id: str
    article_id: int
    quote: str
    prefix: str
    suffix: str
    start: int
    """Offset into the article's `Document.text` (valid unless `orphaned`)."""
    end: int
    color: str
    comment: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    deleted_at: dt.datetime | None = None
    orphaned: bool = False
    """The passage was not found in the article's current text; quote and comment are kept."""

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True, slots=True)
class Saved:
    """The save went to disk; `item` is what is stored now (with its new version)."""

    item: Note | Highlight


@dataclass(frozen=True, slots=True)
class Conflict:
    """Not saved: the stored version is not the one the caller edited.

    `current` is what is stored (someone else's text). Nothing was overwritten; the caller keeps
    its text and can show both, then save again with `expected_version=current.version`.
    """

    current: Note | Highlight
    expected_version: int


SaveResult = Saved | Conflict

ChangeKind = Literal["note", "highlight"]
ChangeAction = Literal["saved", "deleted", "restored", "reanchored", "imported"]


@dataclass(frozen=True, slots=True)
class NoteChange:
    """Told to `on_change` after a change is committed (search re-indexes from it)."""

    kind: ChangeKind
    article_id: int
    note_id: str
    """`NoteDocument.note_id` of what changed."""
    action: ChangeAction


@dataclass(frozen=True, slots=True)
class NoteDocument:
    """Text the search index should hold: a note, or a highlight's comment.

    `note_id` is "note:<article_id>" for a note and the highlight's uuid for a highlight.
    """

    note_id: str
    article_id: int
    kind: ChangeKind
    text: str


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """Enough of an article to name it in an export, or to find it again on import."""

    id: int
    path: Path
    title: str
    content_hash: str
    date: str | None
    missing: bool
    """The file is gone from the library (or was never indexed here); the notes are kept."""


@dataclass(frozen=True, slots=True)
class ArticleNotes:
    """One article with its note and highlights, in reading order."""

    article: ArticleRef
    note: Note | None
    highlights: tuple[Highlight, ...]

    @property
    def latest(self) -> dt.datetime:
        """When anything here last changed: for "newest first"."""
        times = [h.updated_at for h in self.highlights]
        if self.note is not None:
            times.append(self.note.updated_at)
        return max(times, default=dt.datetime.min.replace(tzinfo=dt.UTC))


def note_id_for(article_id: int) -> str:
    return f"note:{article_id}"
