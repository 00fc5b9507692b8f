"""Rolling backups of user.db, the one file that cannot be rebuilt.

At most one a day (taken when reader opens the databases, with SQLite's online backup API, so
the copy is consistent even while another process writes), the newest `KEEP` kept; and one
before every migration, kept until the user removes it. They live in `DATA_DIR/backups/`,
and `reader notes import BACKUP.db` reads any of them.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

from reader.core import schema
from reader.core.paths import backup_dir, ensure_dir
from reader.core.tables import SALVAGED_TABLES

KEEP = 7
_DAILY_GLOB = "user-????-??-??.db"


def keep_daily(user: Path, data_dir: Path, today: dt.date | None = None) -> list[str]:
    """Take today's backup if there is none yet; notices (only when it could not be taken).

    A user.db with nothing in it is not backed up: a week of empty copies would push out the
    last ones that held something.
    """
    folder = backup_dir(data_dir)
    target = folder / f"user-{(today or dt.date.today()).isoformat()}.db"
    if target.exists():
        return []
    try:
        source = schema.connect(user)
        try:
            if not _holds_anything(source):
                return []
            ensure_dir(folder)
            copy(source, target)
        finally:
            source.close()
        prune(folder)
    except (sqlite3.Error, OSError) as error:
        return [f"Could not back up user.db to {folder}: {error}"]
    return []


def before_migration(conn: sqlite3.Connection, user: Path, data_dir: Path) -> Path:
    """A copy of user.db as it is, before a migration changes it."""
    folder = ensure_dir(backup_dir(data_dir))
    version = schema.user_version(conn)
    target = schema.unused_path(folder / f"user-before-v{version + 1}-{schema.stamp()}.db")
    copy(conn, target)
    return target


def copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database under a temporary name, then rename it in: never a half backup."""
    part = target.with_name(f"{target.name}.part-{os.getpid()}-{threading.get_ident()}")
    part.unlink(missing_ok=True)
    try:
        copied = sqlite3.connect(part)
        try:
            source.backup(copied)
        finally:
            copied.close()
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)


def prune(folder: Path) -> None:
    """Keep the newest `KEEP` daily backups (names sort by date); migration ones stay."""
    for old in sorted(folder.glob(_DAILY_GLOB))[:-KEEP]:
        old.unlink(missing_ok=True)


def newest(data_dir: Path) -> Path | None:
    """The most recent backup of any kind, to offer after damage."""
    folder = backup_dir(data_dir)
    found = [path for path in folder.glob("user-*.db") if path.is_file()]
    return max(found, key=lambda path: path.stat().st_mtime_ns, default=None)


def _holds_anything(conn: sqlite3.Connection) -> bool:
    return any(
        conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]
        for table in SALVAGED_TABLES
        if table != "article_keys"
    )
