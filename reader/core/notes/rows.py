"""SQL for notes and highlights, and rows turned into value types."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from reader.core.notes.models import ArticleRef, Highlight, Note

NOTE_COLUMNS = "article_id, text, created_at, updated_at, version"
HIGHLIGHT_COLUMNS = (
    "id, article_id, quote, prefix, suffix, start_offset, end_offset, color, comment, "
    "created_at, updated_at, version, deleted_at, orphaned"
)
ARTICLE_COLUMNS = "id, path, title, content_hash, date, missing"

NOTE_SQL = f"SELECT {NOTE_COLUMNS} FROM notes WHERE article_id = ?"
HIGHLIGHT_SQL = f"SELECT {HIGHLIGHT_COLUMNS} FROM highlights WHERE id = ?"
ARTICLE_HIGHLIGHTS_SQL = (
    f"SELECT {HIGHLIGHT_COLUMNS} FROM highlights WHERE article_id = ? "
    "AND (? OR deleted_at IS NULL) ORDER BY start_offset, end_offset, created_at"
)
ANNOTATED_SQL = """
    SELECT article_id FROM notes WHERE trim(text) != ''
    UNION SELECT article_id FROM highlights WHERE deleted_at IS NULL
"""
INSERT_HIGHLIGHT_SQL = f"""
    INSERT INTO highlights ({HIGHLIGHT_COLUMNS})
    VALUES ({", ".join("?" * 14)})
"""


def require_article(conn: Any, article_id: int) -> None:
    """Refuse user data for an article the library does not know: there is no foreign key
    across the two files to do it (see `reader.core.tables`)."""
    if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
        from reader.core.notes.errors import NotesError

        raise NotesError(f"cannot save: article {article_id} is not in the library")


def parse_time(value: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def note(row: tuple[Any, ...]) -> Note:
    article_id, text, created_at, updated_at, version = row
    return Note(article_id, text, parse_time(created_at), parse_time(updated_at), version)


def highlight(row: tuple[Any, ...]) -> Highlight:
    (id_, article_id, quote, prefix, suffix, start, end, color, comment) = row[:9]
    created_at, updated_at, version, deleted_at, orphaned = row[9:]
    return Highlight(
        id_,
        article_id,
        quote,
        prefix,
        suffix,
        start,
        end,
        color,
        comment,
        parse_time(created_at),
        parse_time(updated_at),
        version,
        parse_time(deleted_at) if deleted_at else None,
        bool(orphaned),
    )


def highlight_values(item: Highlight) -> tuple[Any, ...]:
    """`item` as the values of INSERT_HIGHLIGHT_SQL."""
    return (
        item.id,
        item.article_id,
        item.quote,
        item.prefix,
        item.suffix,
        item.start,
        item.end,
        item.color,
        item.comment,
        item.created_at.isoformat(timespec="seconds"),
        item.updated_at.isoformat(timespec="seconds"),
        item.version,
        item.deleted_at.isoformat(timespec="seconds") if item.deleted_at else None,
        int(item.orphaned),
    )


def article(row: tuple[Any, ...]) -> ArticleRef:
    id_, path, title, content_hash, date, missing = row
    return ArticleRef(id_, Path(os.fsdecode(path)), title, content_hash, date, bool(missing))
