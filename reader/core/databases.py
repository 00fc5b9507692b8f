"""Opening the data directory's two databases, each with the care it deserves (see `tables`).

- user.db, what the user made: a damaged file has every readable row salvaged into a new one
  and is then set aside (`salvage`); a daily backup is kept (`backups`).
- library.db, derived from the files: a damaged file is deleted and rebuilt, seeded with the
  identity of every article the user data knows, so notes keep their articles.
- reader.db, the single database of earlier versions, is split into the two once
  (`legacy`) and kept as it was, renamed.

Every problem met is answered, then told once through the notices.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from reader.core import backups, legacy, salvage, schema
from reader.core.paths import (
    ensure_dir,
    legacy_database_path,
    library_database_path,
    user_database_path,
)
from reader.core.schema import NewerDatabase, ReadOnlyDataDir, StoreError
from reader.core.tables import PAIR_TRIGGERS, SEED_FROM_KEYS

LIBRARY_ID = "library_id"
"""The meta key naming one build of library.db: a search index built for another is rebuilt."""

_FOREIGN = ("holds tables that are not reader's", "is not a reader database")


@dataclass
class Opened:
    """Both files, checked, migrated and ready; what the user should be told about them."""

    library: Path
    user: Path
    notices: list[str] = field(default_factory=list)


def open_files(data_dir: Path) -> Opened:
    """Check, repair, create or migrate the two databases in `data_dir`.

    Raises:
        ReadOnlyDataDir: the data directory is not a writable folder.
        NewerDatabase: a file comes from a newer reader; it is left alone.
        StoreError: anything else the user must act on.
    """
    data_dir = Path(data_dir)
    check_data_dir(data_dir)
    opened = Opened(library_database_path(data_dir), user_database_path(data_dir))
    try:
        salvage.finish_interrupted(opened.user)
        old = legacy_database_path(data_dir)
        if not _present(opened.user) and _present(old):
            opened.notices += legacy.split(old, opened.library, opened.user)
        opened.notices += _open_user(opened.user, data_dir)
        opened.notices += _open_library(opened.library, opened.user)
        opened.notices += backups.keep_daily(opened.user, data_dir)
    except (NewerDatabase, ReadOnlyDataDir):
        raise
    except sqlite3.Error as error:
        raise schema.store_error(error, opened.library, opened.user) from error
    except OSError as error:
        raise StoreError(f"cannot open the databases in {data_dir}: {error}") from error
    return opened


def check_data_dir(data_dir: Path) -> None:
    """The data directory is a folder we can write, or one clear line saying what it is."""
    if data_dir.exists() and not data_dir.is_dir():
        raise ReadOnlyDataDir(
            f"the data directory {data_dir} is a file, not a folder. Move it away, or choose "
            "another with --data-dir or READER_DATA_DIR."
        )
    try:
        ensure_dir(data_dir)
        fd, probe = tempfile.mkstemp(prefix=".reader-probe-", dir=data_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise ReadOnlyDataDir(
            f"data directory is read-only: {data_dir} ({error.strerror or error}). "
            "Choose a writable one with --data-dir or READER_DATA_DIR."
        ) from None


def connect_pair(library: Path, user: Path) -> sqlite3.Connection:
    """One connection to both files: the library as `main`, the user data as `user`.

    Every connection attaches them in this order, so two writers always take the two write
    locks in the same order and cannot wait on each other in a circle.
    """
    conn = schema.connect(library)
    try:
        conn.execute("ATTACH DATABASE ? AS user", (schema.uri(user),))
        conn.execute("PRAGMA user.synchronous = FULL")  # an acknowledged save survives power loss
        for trigger in PAIR_TRIGGERS:
            conn.execute(trigger)
    except BaseException:
        conn.close()
        raise
    return conn


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _check_version(path: Path, version: int, kind: schema.Kind) -> None:
    if version > kind.latest:
        raise NewerDatabase(
            f"{path} was written by a newer reader (schema {version}, this one knows "
            f"{kind.latest}); upgrade reader, or use another --data-dir"
        )


def _open_user(user: Path, data_dir: Path) -> list[str]:
    notices: list[str] = []
    if _present(user):
        problem, version = schema.diagnose(user, schema.USER)
        _check_version(user, version, schema.USER)
        if problem and problem.startswith(_FOREIGN):
            moved = schema.move_aside(user, "foreign")
            notices.append(f"{user.name} {problem}; it was moved to {moved}.")
        elif problem:
            notices.append(salvage.salvage(user, problem, data_dir))
    if not user.exists():
        schema.create(user, schema.USER)
    conn = schema.connect(user)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        if schema.user_version(conn) < schema.USER.latest:
            taken = backups.before_migration(conn, user, data_dir)
            schema.migrate(conn, schema.USER)
            notices.append(f"user.db was upgraded; the previous one is saved as {taken}")
    finally:
        conn.close()
    return notices


def _open_library(library: Path, user: Path) -> list[str]:
    notices: list[str] = []
    if _present(library):
        problem, version = schema.diagnose(library, schema.LIBRARY)
        _check_version(library, version, schema.LIBRARY)
        if problem:
            if problem.startswith(_FOREIGN) or not library.is_file():
                schema.move_aside(library, "foreign")
            else:
                schema.delete(library)  # derived: everything in it comes back from the files
            notices.append(
                f"library.db {problem}: the library is being rebuilt from your article files. "
                "Notes, highlights and reading positions are kept apart, in user.db, untouched."
            )
    if not library.exists():
        schema.create(library, schema.LIBRARY, fill=lambda conn: seed_library(conn, user))
    conn = schema.connect(library)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        schema.migrate(conn, schema.LIBRARY)  # derived: no backup needed
    finally:
        conn.close()
    return notices


def seed_library(conn: sqlite3.Connection, user: Path) -> None:
    """A new library.db's first rows: its build id, and a missing row for every article the
    user data knows (found again by path or content when the scan meets its file)."""
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (LIBRARY_ID, uuid.uuid4().hex))
    if not user.exists():
        return
    conn.execute("ATTACH DATABASE ? AS user", (schema.uri(user, "ro"),))
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(SEED_FROM_KEYS, (schema.now(),))
            conn.execute("DELETE FROM search_outbox")  # missing rows are not searchable anyway
            conn.execute("COMMIT")
        except BaseException:
            schema.rollback(conn)
            raise
    finally:
        conn.execute("DETACH DATABASE user")
