"""Database files: schema as numbered migrations, checks that a file really is ours, and the
errors a user can act on. Which tables each file holds, and why there are two, is in `tables`.

Migration N (1-based) turns a version N-1 database into version N. `PRAGMA user_version` records
the version, so an old database is upgraded step by step; each step commits or rolls back whole,
and an existing database is copied with the backup API before the first step touches it.

A file that fails the checks is never rewritten: it is moved aside whole (with its -wal and
-shm), or, for the derived library, deleted and rebuilt. Fresh databases are built under a
temporary name and linked in, so a database is never half made.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

from reader.core.tables import (
    LIBRARY_MIGRATIONS,
    LIBRARY_TABLES,
    USER_MIGRATIONS,
    USER_TABLES,
)

_P = ParamSpec("_P")
_T = TypeVar("_T")


class StoreError(Exception):
    """Something the user can act on went wrong with the database; the message says what."""


class ReadOnlyDataDir(StoreError):
    pass


class CorruptDatabase(StoreError):
    """A database file was unusable and has been moved to `moved_to`; nothing was deleted."""

    def __init__(self, moved_to: Path, problem: str, name: str = "reader.db") -> None:
        self.moved_to = moved_to
        self.problem = problem
        super().__init__(
            f"{name} {problem}; it was moved to {moved_to}. If it is yours, move it back while "
            "reader is not running."
        )


class NewerDatabase(StoreError):
    pass


class DiskFull(StoreError):
    """The disk holding the data directory is full: nothing was written, nothing was lost."""


def store_error(error: sqlite3.Error, *paths: Path) -> StoreError:
    """The StoreError a user can act on for `error`, met in the databases at `paths`.

    Damage marks the files for a full check at the next open, which rebuilds a damaged
    library and salvages a damaged user database.
    """
    folder = paths[0].parent if paths else Path(".")
    if disk_full(error, folder):
        return DiskFull(f"the disk is full: nothing more can be written to {folder}")
    if _is_corruption(error):
        for path in paths:
            with contextlib.suppress(OSError):
                damage_marker(path).touch()
        return StoreError(
            f"the database is damaged ({error}); restart reader to rebuild the library index "
            "(your notes are kept apart and checked too)"
        )
    return StoreError(f"database error: {error}")


FULL_BELOW_BYTES = 1 << 20


def disk_full(error: sqlite3.Error, folder: Path) -> bool:
    """Whether `error` means the disk is full. SQLite says so (SQLITE_FULL) when a write
    fails, but a connection opened on a full disk fails to grow its shared-memory file and
    says "disk I/O error" (SQLITE_IOERR_SHMSIZE): then the free space decides."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL or "disk is full" in str(error):
        return True
    if code == sqlite3.SQLITE_IOERR or "disk I/O error" in str(error):
        try:
            return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
        except OSError:
            return False
    return False


def guard(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """Turn sqlite3 errors into StoreError so callers handle one exception type."""

    @wraps(method)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as error:
            owner = args[0] if args else None
            paths = [
                path
                for path in (getattr(owner, "path", None), getattr(owner, "user_path", None))
                if isinstance(path, Path)
            ]
            raise store_error(error, *paths) from error

    return guarded


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already: after SQLITE_FULL (and some
    other errors) it rolls back by itself, and a second ROLLBACK would raise "cannot rollback -
    no transaction is active" over the error that matters."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


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


@dataclass(frozen=True)
class Kind:
    """One of reader's database files: its name, migrations and the tables that prove it ours."""

    name: str
    migrations: Sequence[str]
    core_tables: frozenset[str]

    @property
    def latest(self) -> int:
        return len(self.migrations)


LIBRARY = Kind("library.db", LIBRARY_MIGRATIONS, LIBRARY_TABLES)
USER = Kind("user.db", USER_MIGRATIONS, USER_TABLES)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def table_names(conn: sqlite3.Connection, schema: str = "main") -> set[str]:
    rows = conn.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def migrate(conn: sqlite3.Connection, kind: Kind) -> bool:
    """Bring `conn` (in autocommit mode) to the latest version of `kind`; True if it ran.

    The caller backs up what is worth it first (user.db: `backups.before_migration`).
    """
    version = user_version(conn)
    if version >= kind.latest:
        return False
    for number in range(version + 1, kind.latest + 1):
        _apply(conn, number, kind.migrations[number - 1])
    return True


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
        rollback(conn)
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


def diagnose(db_path: Path, kind: Kind) -> tuple[str | None, int]:
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
    if version > 0 and not names >= kind.core_tables:
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


def uri(path: Path, mode: str = "rw") -> str:
    """The file's URI; mode=rw never creates a new empty database if the file vanished."""
    return f"{path.resolve().as_uri()}?mode={mode}"


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri(path),
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        timeout=5.0,
    )
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed data
    return conn


def delete(db: Path) -> None:
    """Delete a derived database with its -wal, -shm and damage marker."""
    for path in (db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", ".damaged"))):
        path.unlink(missing_ok=True)


def move_aside(db: Path, why: str = "corrupt") -> Path:
    """Rename db (and its -wal/-shm, which belong to it) to <name>.<why>-<timestamp>."""
    target = unused_path(db.with_name(f"{db.name}.{why}-{stamp()}"))
    os.replace(db, target)
    for suffix in ("-wal", "-shm"):
        side = db.with_name(db.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def create(db: Path, kind: Kind, fill: Callable[[sqlite3.Connection], None] | None = None) -> None:
    """Build a fresh database beside db and rename it in, so a database is never half made.

    Args:
        fill: writes the first rows (the connection is in autocommit mode, so it may attach
            another file), before the file is linked in.
    """
    temp = db.with_name(f"{db.name}.new-{os.getpid()}-{threading.get_ident()}")
    temp.unlink(missing_ok=True)
    try:
        sqlite3.connect(temp).close()
        conn = connect(temp)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn, kind)
            if fill is not None:
                fill(conn)
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
