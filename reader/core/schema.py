"""The database file: schema as numbered migrations, checks that a file really is ours, and
the errors a user can act on.

Migration N (1-based) turns a version N-1 database into version N. `PRAGMA user_version` records
the version, so an old database is upgraded step by step; each step commits or rolls back whole,
and an existing database is copied with the backup API before the first step touches it.

Why the article text has its own table: the article list reads every row of `articles`, and
4 KB of text per row would spread those rows over one page each; apart, 100,000 rows are a few
thousand pages.

A file that fails the checks is moved aside whole (with its -wal and -shm), never rewritten;
fresh databases are built under a temporary name and linked in, so reader.db is never half made.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")


class StoreError(Exception):
    """Something the user can act on went wrong with the database; the message says what."""


class ReadOnlyDataDir(StoreError):
    pass


class CorruptDatabase(StoreError):
    """reader.db was unusable and has been moved to `moved_to`; nothing was deleted."""

    def __init__(self, moved_to: Path, problem: str) -> None:
        self.moved_to = moved_to
        salvage = (
            f" To salvage reading positions: sqlite3 '{moved_to}' .recover | sqlite3 recovered.db"
            if problem.startswith(("is damaged", "is truncated"))
            else " If it is yours, move it back while reader is not running."
        )
        super().__init__(
            f"reader.db {problem}; it was moved to {moved_to} and reader starts with an empty "
            f"index (your article files are untouched).{salvage}"
        )


class NewerDatabase(StoreError):
    pass


def guard(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """Turn sqlite3 errors into StoreError so callers handle one exception type."""

    @wraps(method)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as error:
            path = getattr(args[0], "path", None) if args else None
            if _is_corruption(error) and isinstance(path, Path):
                damage_marker(path).touch()  # the next open checks it fully and moves it aside
                raise StoreError(
                    f"reader.db is damaged ({error}); restart reader to set it aside and "
                    "rebuild the index"
                ) from error
            raise StoreError(f"database error: {error}") from error

    return guarded


def now() -> str:
    """The current time as stored: ISO 8601 in UTC, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def under(roots: Sequence[Path] | None, column: str = "path") -> tuple[str, list[bytes]]:
    """SQL matching paths at or below any root, as index-friendly BLOB ranges."""
    if roots is None:
        return "1", []
    clauses, params = [], []
    for root in roots:
        base = os.fsencode(os.path.abspath(root))
        prefix = base if base.endswith(b"/") else base + b"/"
        clauses.append(f"({column} = ? OR ({column} >= ? AND {column} < ?))")
        params += [base, prefix, prefix[:-1] + bytes([prefix[-1] + 1])]
    return "(" + " OR ".join(clauses) + ")" if clauses else "0", params


MIGRATIONS: list[str] = [
    # 1: articles, their text, reading state, skipped files, settings.
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        path BLOB NOT NULL UNIQUE,          -- os.fsencode(): lossless for any file name
        root BLOB NOT NULL,
        display_path TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        content_hash TEXT NOT NULL,         -- blake2b of the bytes: follows moved files
        format TEXT NOT NULL DEFAULT 'text',
        title TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        date TEXT,                          -- ISO 8601
        tags TEXT NOT NULL DEFAULT '',      -- joined with U+001F
        description TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        words INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '',  -- joined with newlines
        missing INTEGER NOT NULL DEFAULT 0, -- file gone, row kept for its user data
        indexed_at TEXT NOT NULL
    );
    CREATE INDEX articles_missing ON articles(content_hash) WHERE missing = 1;  -- moves, purges
    CREATE INDEX articles_date ON articles(date);
    CREATE INDEX articles_title ON articles(title COLLATE NOCASE);
    CREATE TABLE article_text (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        text TEXT NOT NULL
    );
    CREATE TABLE reading_state (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL DEFAULT 0,
        read INTEGER NOT NULL DEFAULT 0,
        last_read TEXT
    );
    CREATE INDEX reading_state_last_read ON reading_state(last_read);
    CREATE TABLE skipped (
        path BLOB PRIMARY KEY,
        display_path TEXT NOT NULL,
        reason TEXT NOT NULL,
        size INTEGER NOT NULL DEFAULT -1,
        mtime_ns INTEGER NOT NULL DEFAULT -1
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: notes and highlights. RESTRICT: an article row with notes can never be deleted, so
    # deleting one (by a purge or by hand) fails loudly instead of taking the notes with it.
    """
    CREATE TABLE notes (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE RESTRICT,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1  -- optimistic concurrency: bumped by every save
    );
    CREATE INDEX notes_updated ON notes(updated_at);
    CREATE TABLE highlights (
        id TEXT PRIMARY KEY,                -- uuid4: survives export and import
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE RESTRICT,
        quote TEXT NOT NULL,
        prefix TEXT NOT NULL DEFAULT '',
        suffix TEXT NOT NULL DEFAULT '',
        start_offset INTEGER NOT NULL,      -- into the article's Document.text
        end_offset INTEGER NOT NULL,
        orphaned INTEGER NOT NULL DEFAULT 0, -- could not be placed in the current text
        color TEXT NOT NULL DEFAULT 'yellow',
        comment TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        deleted_at TEXT                     -- soft delete: undo clears it
    );
    CREATE INDEX highlights_article ON highlights(article_id, start_offset);
    CREATE INDEX highlights_updated ON highlights(updated_at);
    """,
]

CORE_TABLES = frozenset({"articles", "reading_state", "settings"})
"""Tables every version of reader's database has; without them a file is someone else's."""

USER_DATA_TABLES: tuple[str, ...] = ("reading_state", "notes", "highlights")
"""Tables keyed by article id that hold what the user made; a missing article with a row in
any of them is kept (and follows its file if it reappears). Notes add theirs here."""


def latest_version() -> int:
    return len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def table_names(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def migrate(conn: sqlite3.Connection, db_path: Path) -> Path | None:
    """Bring `conn` (in autocommit mode) to the latest version; return the backup taken, if any.

    A database at version 0 is new and needs no backup; any other is copied first so that a
    migration that goes wrong in a way SQLite cannot roll back still leaves the user's data.
    """
    version = user_version(conn)
    if version >= latest_version():
        return None
    backup = backup_database(conn, db_path, version) if version > 0 else None
    for number in range(version + 1, latest_version() + 1):
        _apply(conn, number, MIGRATIONS[number - 1])
    return backup


def backup_database(conn: sqlite3.Connection, db_path: Path, version: int) -> Path:
    """Copy the live database with the online backup API (consistent even under WAL)."""
    target = unused_path(db_path.with_name(f"{db_path.name}.bak-v{version}-{stamp()}"))
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    return target


def unused_path(path: Path) -> Path:
    """`path`, or `path-2`, `path-3`... whichever does not exist yet."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


def _apply(conn: sqlite3.Connection, number: int, script: str) -> None:
    """Run one migration in one transaction, unless another process got there first."""
    conn.execute("BEGIN IMMEDIATE")  # takes the write lock: a second opener waits, then skips
    try:
        if user_version(conn) < number:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterator[str]:
    """The statements of `script` one by one (executescript() would commit as it goes)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                yield pending
            pending = ""


SQLITE_MAGIC = b"SQLite format 3\x00"
_CORRUPTION_CODES = frozenset(
    {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT}
)


FULL_CHECK_BYTES = 32 * 1024 * 1024
"""Databases up to this size get a full `PRAGMA quick_check` at every open (a tenth of a
second); bigger ones (100,000 articles is 500 MB, seconds to check) get the cheap checks, and
the full one after damage was met at run time (see `guard`)."""


def damage_marker(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".damaged")


def diagnose(db_path: Path) -> tuple[str | None, int]:
    """Why the existing file at `db_path` is not a usable reader database (None if it is).

    Returns the problem and the schema version found. Errors that say nothing about the file
    itself (locked, busy, permission) are raised, so a healthy database is never moved aside.
    """
    if not db_path.is_file():
        return "is not a regular file", 0
    with db_path.open("rb") as file:
        header = file.read(100)
    if not header:
        return "is empty (zero bytes)", 0
    if not header.startswith(SQLITE_MAGIC):
        return "is not an SQLite database", 0
    if _truncated(db_path, header):
        return "is truncated", 0
    marker = damage_marker(db_path)
    full = db_path.stat().st_size <= FULL_CHECK_BYTES or marker.exists()
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            version, names = user_version(conn), table_names(conn)
            (check,) = conn.execute("PRAGMA quick_check").fetchone() if full else ("ok",)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        if _is_corruption(error):
            return f"is damaged ({error})", 0
        raise
    if check != "ok":
        return f"is damaged ({check.splitlines()[0]})", version
    marker.unlink(missing_ok=True)
    if version == 0 and names:
        return "holds tables that are not reader's", version
    if version > 0 and not names >= CORE_TABLES:
        return "is not a reader database", version
    return None, version


def _truncated(db_path: Path, header: bytes) -> bool:
    """Shorter than its header says, with no journal that could still complete it."""
    for suffix in ("-wal", "-journal"):
        if _size(db_path.with_name(db_path.name + suffix)):
            return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the page count is valid (SQLite >= 3.7.0)
    return len(header) == 100 and counted and db_path.stat().st_size < pages * page_size


def _size(path: Path) -> int:
    """The file's size, 0 when it is missing: another process's last connection deletes its
    WAL on closing, so it may vanish between looking for it and measuring it."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _is_corruption(error: sqlite3.Error) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _CORRUPTION_CODES


def stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def connect(path: Path) -> sqlite3.Connection:
    # mode=rw: never create a new empty database by accident if the file vanished.
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=rw",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        timeout=5.0,
    )
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed data
    return conn


def move_aside(db: Path) -> Path:
    """Rename db (and its -wal/-shm, which belong to it) to reader.db.corrupt-<timestamp>."""
    target = unused_path(db.with_name(f"{db.name}.corrupt-{stamp()}"))
    os.replace(db, target)
    for suffix in ("-wal", "-shm"):
        side = db.with_name(db.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def create(db: Path) -> None:
    """Build a fresh database beside db and rename it in, so reader.db is never half made."""
    temp = db.with_name(f"{db.name}.new-{os.getpid()}-{threading.get_ident()}")
    temp.unlink(missing_ok=True)
    try:
        sqlite3.connect(temp).close()
        conn = connect(temp)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn, temp)
        finally:
            conn.close()
        try:
            os.link(temp, db)  # never replaces a database another opener made meanwhile
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system
            if not db.exists():
                os.replace(temp, db)
    finally:
        temp.unlink(missing_ok=True)
