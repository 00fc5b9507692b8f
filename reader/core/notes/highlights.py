"""Highlights: add, edit, soft-delete and restore, and follow the article's text as it changes.

Mixed into `NotesStore`, which supplies `db` (connections) and `_notify`. Deleting only sets
`deleted_at`, so undo is clearing it and nothing is ever lost. Re-anchoring moves offsets and
the orphaned flag but not `version`: it is not a user's edit, and must not make the comment
editor's next save look like a conflict.
"""

from __future__ import annotations

import sqlite3
import uuid

from reader.core.notes import rows
from reader.core.notes.anchoring import Anchor, locate, make_anchor
from reader.core.notes.db import Connections
from reader.core.notes.errors import NotesError
from reader.core.notes.models import (
    COLORS,
    Conflict,
    Highlight,
    NoteChange,
    Saved,
    SaveResult,
)
from reader.core.schema import now


class HighlightWrites:
    db: Connections

    def _notify(self, *changes: NoteChange) -> None:
        raise NotImplementedError

    def highlights(self, article_id: int, *, include_deleted: bool = False) -> list[Highlight]:
        """The article's highlights in reading order (orphaned ones included, flagged)."""
        with self.db.read("read the highlights") as conn:
            found = conn.execute(rows.ARTICLE_HIGHLIGHTS_SQL, (article_id, include_deleted))
            return [rows.highlight(row) for row in found]

    def highlight(self, highlight_id: str) -> Highlight | None:
        with self.db.read("read the highlight") as conn:
            row = conn.execute(rows.HIGHLIGHT_SQL, (highlight_id,)).fetchone()
        return rows.highlight(row) if row else None

    def add_highlight(
        self,
        article_id: int,
        text: str,
        start: int,
        end: int,
        *,
        color: str = COLORS[0],
        comment: str = "",
    ) -> Highlight:
        """Highlight `text[start:end]` (`text` is the article's `Document.text`).

        Raises:
            ValueError: an empty passage or an unknown colour.
            NotesError: it could not be saved.
        """
        _check_color(color)
        anchor = make_anchor(text, start, end)
        stamp = now()
        values = (
            str(uuid.uuid4()), article_id, anchor.quote, anchor.prefix, anchor.suffix,
            anchor.start, anchor.end, color, comment, stamp, stamp, 1, None, 0,
        )  # fmt: skip
        with self.db.write("save the highlight") as conn:
            rows.require_article(conn, article_id)
            conn.execute(rows.INSERT_HIGHLIGHT_SQL, values)
            saved = _fetch(conn, values[0])
        self._notify(NoteChange("highlight", article_id, saved.id, "saved"))
        return saved

    def edit_highlight(
        self,
        highlight_id: str,
        *,
        expected_version: int,
        comment: str | None = None,
        color: str | None = None,
    ) -> SaveResult:
        """Change the comment and/or colour if the stored version is `expected_version`;
        otherwise change nothing and return a Conflict with the stored highlight."""
        if color is not None:
            _check_color(color)
        with self.db.write("save the comment") as conn:
            current = _fetch(conn, highlight_id)
            wanted = (
                current.comment if comment is None else comment,
                current.color if color is None else color,
            )
            if (current.comment, current.color) == wanted:
                return Saved(current)
            if current.version != expected_version:
                return Conflict(current, expected_version)
            conn.execute(
                "UPDATE highlights SET comment = ?, color = ?, updated_at = ?, "
                "version = version + 1 WHERE id = ?",
                (*wanted, now(), highlight_id),
            )
            saved = _fetch(conn, highlight_id)
        self._notify(NoteChange("highlight", saved.article_id, saved.id, "saved"))
        return Saved(saved)

    def delete_highlight(self, highlight_id: str) -> Highlight:
        """Soft-delete: the highlight disappears from the article; `restore_highlight` undoes."""
        return self._set_deleted(highlight_id, now(), "deleted")

    def restore_highlight(self, highlight_id: str) -> Highlight:
        return self._set_deleted(highlight_id, None, "restored")

    def _set_deleted(self, highlight_id: str, when: str | None, action: str) -> Highlight:
        with self.db.write(f"{action.removesuffix('d')} the highlight") as conn:
            conn.execute(
                "UPDATE highlights SET deleted_at = ?, updated_at = ?, version = version + 1 "
                "WHERE id = ? AND (deleted_at IS NULL) = (? IS NOT NULL)",
                (when, now(), highlight_id, when),
            )
            saved = _fetch(conn, highlight_id)
        change = NoteChange("highlight", saved.article_id, saved.id, action)  # type: ignore[arg-type]
        self._notify(change)
        return saved

    def reanchor_article(self, article_id: int, new_text: str) -> list[Highlight]:
        """Place the article's highlights in its current text; return them, in reading order.

        Cheap when nothing changed (each quote is checked at its offsets); otherwise each
        moved passage is found again (see `anchoring.locate`), and one that cannot be found is
        flagged orphaned, keeping its quote and comment. Call it whenever an article is opened.
        """
        current = self.highlights(article_id, include_deleted=True)
        moves: list[tuple[Highlight, Anchor | None]] = []
        for item in current:
            if not item.orphaned and new_text[item.start : item.end] == item.quote:
                continue
            located = locate(_anchor(item), new_text)
            if located is not None:
                moves.append((item, make_anchor(new_text, located.start, located.end)))
            elif not item.orphaned:
                moves.append((item, None))
        if not moves:
            return [item for item in current if not item.deleted]
        with self.db.write("re-anchor the highlights") as conn:
            for item, anchor in moves:
                _move(conn, item, anchor)
        self._notify(
            *(NoteChange("highlight", article_id, item.id, "reanchored") for item, _ in moves)
        )
        return self.highlights(article_id)


def _anchor(item: Highlight) -> Anchor:
    return Anchor(item.quote, item.prefix, item.suffix, item.start, item.end)


def _move(conn: sqlite3.Connection, item: Highlight, anchor: Anchor | None) -> None:
    """Store a new place (or the orphaned flag), unless someone re-anchored it meanwhile."""
    if anchor is None:
        conn.execute("UPDATE highlights SET orphaned = 1 WHERE id = ?", (item.id,))
        return
    conn.execute(
        "UPDATE highlights SET quote = ?, prefix = ?, suffix = ?, start_offset = ?, "
        "end_offset = ?, orphaned = 0 WHERE id = ? AND quote = ? AND start_offset = ?",
        (anchor.quote, anchor.prefix, anchor.suffix, anchor.start, anchor.end, item.id,
         item.quote, item.start),
    )  # fmt: skip


def _fetch(conn: sqlite3.Connection, highlight_id: str) -> Highlight:
    row = conn.execute(rows.HIGHLIGHT_SQL, (highlight_id,)).fetchone()
    if row is None:
        raise NotesError(f"no highlight {highlight_id}")
    return rows.highlight(row)


def _check_color(color: str) -> None:
    if color not in COLORS:
        raise ValueError(f"unknown highlight colour {color!r}; one of {', '.join(COLORS)}")
