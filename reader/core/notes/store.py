"""Notes and highlights in user.db, saved so that an acknowledged save is never lost.

Notes live in their own file, apart from the derived library (see `reader.core.tables`), and
are never rebuilt from files: the scanner keeps an article row that has notes (see
`tables.USER_DATA_TABLES`), a rebuilt library gets it back from `article_keys`, and a
highlight is only ever soft-deleted. Every save is one durable
transaction (see `db`) with an optimistic version check (see `models.Conflict`).

Threads: like `Store`, one object serves every thread, each with its own connection.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core import schema
from reader.core.notes import rows
from reader.core.notes.db import Connections
from reader.core.notes.errors import NoNotes, NotesError
from reader.core.notes.highlights import HighlightWrites
from reader.core.notes.models import (
    ArticleNotes,
    Conflict,
    Note,
    NoteChange,
    NoteDocument,
    Saved,
    SaveResult,
    note_id_for,
)
from reader.core.paths import legacy_database_path, library_database_path, user_database_path
from reader.core.schema import now

if TYPE_CHECKING:
    from reader.core.notes.importer import ImportReport
    from reader.core.store import Store


log = logging.getLogger(__name__)


class NotesStore(HighlightWrites):
    """Notes and highlights. Create with `open`, `for_store` or `open_readonly`."""

    def __init__(
        self,
        db_path: Path,
        *,
        library: Path | None = None,
        readonly: bool = False,
        on_change: Callable[[NoteChange], None] | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        self.path = db_path
        self.db = Connections(db_path, library=library, readonly=readonly)
        self.on_change = on_change
        """Called after each committed change (search re-indexes from it); never raises out."""
        self.notices = list(notices)
        """Things to tell the user once (a damaged database moved aside, a backup taken)."""

    @classmethod
    def open(
        cls, data_dir: Path, *, on_change: Callable[[NoteChange], None] | None = None
    ) -> NotesStore:
        """Open the notes for reading and writing, creating, migrating or repairing the
        databases first (`notices` says what was done). Raises StoreError subclasses as
        `Store.open` does."""
        from reader.core.store import Store

        store = Store.open(data_dir)
        try:
            return cls(
                store.user_path, library=store.path, on_change=on_change, notices=store.notices
            )
        finally:
            store.close()

    @classmethod
    def for_store(
        cls, store: Store, *, on_change: Callable[[NoteChange], None] | None = None
    ) -> NotesStore:
        """Notes on the database an open `Store` already created and migrated."""
        return cls(store.user_path, library=store.path, on_change=on_change)

    @classmethod
    def open_readonly(cls, data_dir: Path) -> NotesStore:
        """Open the notes without writing anything (export, backup): works in a read-only
        data directory, and from user.db alone when library.db is damaged or gone (or from
        an earlier version's reader.db). Raises NoNotes when there are none to read."""
        data_dir = Path(data_dir)
        user, library = user_database_path(data_dir), library_database_path(data_dir)
        if user.is_file():
            return cls.open_file(user, library=library if library.is_file() else None)
        return cls.open_file(legacy_database_path(data_dir))

    @classmethod
    def open_file(cls, path: Path, *, library: Path | None = None) -> NotesStore:
        """Read the notes of one database file without writing: a user.db, a backup of one,
        or an earlier version's reader.db. Raises NoNotes when it holds none."""
        if not path.is_file():
            raise NoNotes(f"no notes yet: there is no database at {path}")
        if path.stat().st_size == 0:
            raise NoNotes(f"no notes: {path} is empty (zero bytes)")
        store = cls(path, library=library, readonly=True)
        try:
            with store.db.read("read the notes") as conn:
                names = schema.table_names(conn, "main" if library is None else "user")
                if "notes" in names:
                    conn.execute("SELECT count(*) FROM notes, articles LIMIT 1").fetchone()
        except NotesError:
            store.close()
            if library is not None:  # a damaged library must not keep the notes from you
                return cls.open_file(path)
            raise
        if not {"notes", "highlights"} <= names:
            store.close()
            raise NoNotes(f"no notes yet: {path} predates notes")
        return store

    @property
    def warnings(self) -> list[str]:
        return self.db.warnings

    def close(self) -> None:
        self.db.close()

    def _notify(self, *changes: NoteChange) -> None:
        if self.on_change is None:
            return
        for change in changes:
            try:
                self.on_change(change)
            except Exception:  # the change is on disk: a listener's bug must not undo "saved"
                log.exception("notes on_change listener failed")

    # -- the article note ------------------------------------------------------------------

    def note(self, article_id: int) -> Note | None:
        with self.db.read("read the note") as conn:
            row = conn.execute(rows.NOTE_SQL, (article_id,)).fetchone()
        return rows.note(row) if row else None

    def save_note(self, article_id: int, text: str, *, expected_version: int) -> SaveResult:
        """Save `text` as the article's note if the stored version is `expected_version`
        (0: there is no note yet); otherwise change nothing and return a Conflict.

        Raises:
            NotesError: (NotesReadOnly, NotesDiskFull, NotesBusy ...) nothing was saved; the
                caller still has `text`.
        """
        with self.db.write("save the note") as conn:
            rows.require_article(conn, article_id)
            row = conn.execute(rows.NOTE_SQL, (article_id,)).fetchone()
            current = rows.note(row) if row else None
            if current is not None and current.text == text:
                return Saved(current)  # the same text: nothing to write, nothing to conflict
            stored_version = current.version if current else 0
            if stored_version != expected_version:
                return Conflict(current or _no_note(article_id), expected_version)
            stamp = now()
            conn.execute(
                "INSERT INTO notes (article_id, text, created_at, updated_at, version) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT (article_id) DO UPDATE SET "
                "text = excluded.text, updated_at = excluded.updated_at, version = version + 1",
                (article_id, text, stamp, stamp),
            )
            saved = rows.note(conn.execute(rows.NOTE_SQL, (article_id,)).fetchone())
        self._notify(NoteChange("note", article_id, note_id_for(article_id), "saved"))
        return Saved(saved)

    # -- across the library ----------------------------------------------------------------

    def annotated_article_ids(self) -> set[int]:
        """Articles with a non-empty note or a live highlight: the list marks them."""
        with self.db.read("read the notes") as conn:
            return {row[0] for row in conn.execute(rows.ANNOTATED_SQL)}

    def collect(
        self, article_ids: Sequence[int] | None = None, *, include_deleted: bool = False
    ) -> list[ArticleNotes]:
        """Every annotated article (or those of `article_ids`) with its note and highlights
        in reading order, newest change first. Missing articles are included (flagged)."""
        with self.db.read("read the notes") as conn:
            sql = rows.ANNOTATED_SQL
            if include_deleted:
                sql += " UNION SELECT article_id FROM highlights"
            ids = {row[0] for row in conn.execute(sql)}
            if article_ids is not None:
                ids &= set(article_ids)
            result = [self._article_notes(conn, i, include_deleted) for i in ids]
        return sorted(result, key=lambda item: item.latest, reverse=True)

    def _article_notes(
        self, conn: sqlite3.Connection, article_id: int, include_deleted: bool
    ) -> ArticleNotes:
        ref = rows.article(
            conn.execute(
                f"SELECT {rows.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        )
        row = conn.execute(rows.NOTE_SQL, (article_id,)).fetchone()
        note = rows.note(row) if row and row[1].strip() else None
        found = conn.execute(rows.ARTICLE_HIGHLIGHTS_SQL, (article_id, include_deleted))
        return ArticleNotes(ref, note, tuple(map(rows.highlight, found)))

    def iter_note_documents(self, article_id: int | None = None) -> Iterator[NoteDocument]:
        """What search should index: non-empty notes and live highlights' comments."""
        where, params = "WHERE (? IS NULL OR article_id = ?)", (article_id, article_id)
        with self.db.read("read the notes") as conn:
            notes = conn.execute(f"SELECT article_id, text FROM notes {where}", params).fetchall()
            comments = conn.execute(
                "SELECT id, article_id, comment FROM highlights "
                f"{where} AND deleted_at IS NULL AND comment != ''",
                params,
            ).fetchall()
        for owner, text in notes:
            if text.strip():
                yield NoteDocument(note_id_for(owner), owner, "note", text)
        for id_, owner, comment in comments:
            yield NoteDocument(id_, owner, "highlight", comment)

    def backup(self, target: Path) -> Path:
        """A consistent copy of user.db at `target`, made with SQLite's backup API and
        renamed into place whole (a live database is never copied as a file)."""
        from reader.core.notes.atomic import backup_to

        name = "main" if self.db.library is None else "user"
        with self.db.read("back up the database") as conn:
            return backup_to(conn, Path(target), name=name)

    def import_json(self, path: Path) -> ImportReport:
        """Restore an export; see `importer.import_export`."""
        from reader.core.notes.importer import import_export

        return import_export(self, Path(path))


def _no_note(article_id: int) -> Note:
    from reader.core.notes.rows import parse_time

    epoch = parse_time("1970-01-01T00:00:00+00:00")
    return Note(article_id, "", epoch, epoch, 0)


def default_backup_path(data_dir: Path) -> Path:
    """Where `reader notes backup` writes by default: data_dir/backups/reader-<time>.db."""
    folder = Path(data_dir) / "backups"
    os.makedirs(folder, exist_ok=True)
    return schema.unused_path(folder / f"reader-{schema.stamp()}.db")


__all__ = ["NotesError", "NotesStore", "default_backup_path"]
