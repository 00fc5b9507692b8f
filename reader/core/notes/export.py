"""Exports: Markdown for people, JSON for `reader notes import`.

Markdown holds what a reader wants to keep: per article its title, path and date, the note, and
each highlight as a quote with its comment, in reading order (orphaned ones apart, marked).
JSON holds everything needed to restore: each article's identity (path, content hash, title),
the note with its version and times, every highlight with its uuid, anchor, colour, comment,
times and deleted flag.

Both are safe to print: characters a terminal would act on (ESC, C1 controls, bidi overrides)
are escaped in JSON (lossless) and made visible in Markdown.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from reader.core.notes.atomic import cleanup_stale_temporaries, write_bytes_atomic
from reader.core.notes.models import ArticleNotes, Highlight, Note
from reader.core.sanitize import inert

FORMAT_NAME = "reader-notes"
FORMAT_VERSION = 1
ExportFormat = Literal["markdown", "json"]

# Only ever inside JSON strings, so escaping them keeps the JSON valid and the text lossless.
_UNSAFE_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def select(items: Iterable[ArticleNotes], paths: Sequence[Path]) -> list[ArticleNotes]:
    """The articles at or below any of `paths` (all of them when there are none)."""
    if not paths:
        return list(items)
    wanted = [Path(os.path.abspath(path)) for path in paths]
    return [
        item
        for item in items
        if any(item.article.path == p or item.article.path.is_relative_to(p) for p in wanted)
    ]


def in_reading_order(items: Iterable[ArticleNotes]) -> list[ArticleNotes]:
    return sorted(items, key=lambda item: (item.article.title.casefold(), item.article.path))


# -- JSON ------------------------------------------------------------------------------------


def to_json(items: Iterable[ArticleNotes], *, now: dt.datetime | None = None) -> str:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": _time(now or dt.datetime.now(dt.UTC)),
        "articles": [_article_json(item) for item in in_reading_order(items)],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return _UNSAFE_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"


def _article_json(item: ArticleNotes) -> dict[str, Any]:
    article = item.article
    return {
        "path": str(article.path),  # undecodable bytes kept as surrogates, escaped above
        "content_hash": article.content_hash,
        "title": article.title,
        "date": article.date,
        "missing": article.missing,
        "note": _note_json(item.note) if item.note else None,
        "highlights": [_highlight_json(h) for h in item.highlights],
    }


def _note_json(note: Note) -> dict[str, Any]:
    return {
        "text": note.text,
        "version": note.version,
        "created_at": _time(note.created_at),
        "updated_at": _time(note.updated_at),
    }


def _highlight_json(item: Highlight) -> dict[str, Any]:
    return {
        "id": item.id,
        "quote": item.quote,
        "prefix": item.prefix,
        "suffix": item.suffix,
        "start": item.start,
        "end": item.end,
        "orphaned": item.orphaned,
        "color": item.color,
        "comment": item.comment,
        "created_at": _time(item.created_at),
        "updated_at": _time(item.updated_at),
        "version": item.version,
        "deleted": item.deleted,
        "deleted_at": _time(item.deleted_at) if item.deleted_at else None,
    }


def _time(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


# -- Markdown --------------------------------------------------------------------------------


def to_markdown(items: Iterable[ArticleNotes], *, now: dt.datetime | None = None) -> str:
    ordered = in_reading_order(items)
    when = (now or dt.datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")
    count = f"{len(ordered)} article{'s' if len(ordered) != 1 else ''}"
    lines = ["# Notes and highlights", "", f"Exported from reader on {when}: {count}.", ""]
    for item in ordered:
        lines += _article_markdown(item)
    return "\n".join(lines).rstrip("\n") + "\n"


def _article_markdown(item: ArticleNotes) -> list[str]:
    article = item.article
    where = f"`{_line(article.path)}`"
    if article.date:
        where += f" · {article.date[:10]}"
    if article.missing:
        where += " · (file not found in the library)"
    lines = [f"## {_line(article.title) or _line(article.path.name)}", "", where, ""]
    if item.note is not None:
        lines += ["### Note", "", _block(item.note.text), ""]
    placed = [h for h in item.highlights if not h.deleted and not h.orphaned]
    orphaned = [h for h in item.highlights if not h.deleted and h.orphaned]
    if placed:
        lines += ["### Highlights", ""]
        for highlight in placed:
            lines += _highlight_markdown(highlight, "")
    if orphaned:
        lines += ["### Orphaned highlights", ""]
        lines.append("*These passages were not found in the article's current text.*")
        lines.append("")
        for highlight in orphaned:
            lines += _highlight_markdown(highlight, " *(orphaned)*")
    return lines


def _highlight_markdown(item: Highlight, mark: str) -> list[str]:
    quoted = [f"> {line}".rstrip() for line in _block(item.quote).split("\n")]
    quoted[-1] += mark
    lines = [*quoted, ""]
    if item.comment.strip():
        lines += [_block(item.comment), ""]
    return lines


def _line(value: object) -> str:
    return inert(str(value), limit=None)


def _block(text: str) -> str:
    return inert(text.strip("\n"), single_line=False, limit=None)


# -- writing ---------------------------------------------------------------------------------


def render(items: Iterable[ArticleNotes], fmt: ExportFormat) -> str:
    return to_json(items) if fmt == "json" else to_markdown(items)


def write_export(text: str, output: Path) -> Path:
    """Write an export atomically, after removing what a crashed export left beside it."""
    output = Path(output)
    cleanup_stale_temporaries(output.parent)
    return write_bytes_atomic(output, text.encode("utf-8"))
