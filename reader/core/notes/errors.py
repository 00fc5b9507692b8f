"""Errors a user can act on when notes cannot be read or saved.

Each message says what could not be done and why, in words ("the disk is full"), never a raw
SQLite message alone. The caller keeps whatever text it was saving: raising loses nothing.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from reader.core.schema import StoreError, damage_marker, disk_full


class NotesError(StoreError):
    """Notes could not be read or saved; the message says why and what to do."""


class NotesReadOnly(NotesError):
    """The data directory (or user.db) cannot be written."""


class NotesDiskFull(NotesError):
    """The disk holding the data directory is full."""


class NotesBusy(NotesError):
    """Another process held the database for longer than the busy timeout."""


class NotesDamaged(NotesError):
    """A database is damaged; the next start salvages or rebuilds it."""


class NoNotes(NotesError):
    """There is no database with notes to read (nothing was saved yet)."""


_READONLY = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}
_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def translate(error: sqlite3.Error | OSError, doing: str, db_path: Path) -> NotesError:
    """The NotesError for `error`, met while trying `doing` ("save the note")."""
    code = _code(error)
    folder = db_path.parent
    if code == sqlite3.SQLITE_FULL or (
        isinstance(error, sqlite3.Error) and disk_full(error, folder)
    ):
        return NotesDiskFull(f"cannot {doing}: the disk is full (data directory {folder})")
    if code in _READONLY:
        return NotesReadOnly(
            f"cannot {doing}: the data directory {folder} is read-only or cannot be opened"
        )
    if code == sqlite3.SQLITE_BUSY:
        return NotesBusy(
            f"cannot {doing}: another reader process is holding the database; try again"
        )
    if code in _CORRUPT:
        damage_marker(db_path).touch()  # the next open checks the file fully, moves it aside
        return NotesDamaged(
            f"cannot {doing}: the database is damaged ({error}); restart reader to check and "
            "repair it"
        )
    return NotesError(f"cannot {doing}: {error}")


def _code(error: sqlite3.Error | OSError) -> int:
    """The primary SQLite result code, from the error or (fault injection, OSError) its text."""
    if isinstance(error, OSError):
        return {
            errno.ENOSPC: sqlite3.SQLITE_FULL,
            errno.EDQUOT: sqlite3.SQLITE_FULL,
            errno.EROFS: sqlite3.SQLITE_READONLY,
            errno.EACCES: sqlite3.SQLITE_READONLY,
            errno.EPERM: sqlite3.SQLITE_READONLY,
        }.get(error.errno or 0, sqlite3.SQLITE_IOERR)
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF
    message = str(error).lower()
    for words, found in (
        ("disk is full", sqlite3.SQLITE_FULL),
        ("readonly", sqlite3.SQLITE_READONLY),
        ("read-only", sqlite3.SQLITE_READONLY),
        ("unable to open", sqlite3.SQLITE_CANTOPEN),
        ("locked", sqlite3.SQLITE_BUSY),
        ("malformed", sqlite3.SQLITE_CORRUPT),
        ("not a database", sqlite3.SQLITE_NOTADB),
    ):
        if words in message:
            return found
    return sqlite3.SQLITE_ERROR
