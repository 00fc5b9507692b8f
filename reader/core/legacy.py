"""The one-time split of an earlier version's single reader.db into user.db and library.db.

Everything is copied, not moved: both new files are built under temporary names, linked in
(library.db first: user.db existing is what says the split is done), and reader.db is then
renamed `reader.db.before-split-<time>` and left as it was, the backup of that migration.
A split cut short is simply done again at the next start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from reader.core import schema
from reader.core.schema import LIBRARY, USER, Kind
from reader.core.tables import USER_DATA_TABLES

LEGACY = Kind("reader.db", (), frozenset({"articles", "reading_state", "settings"}))
LOADER_SETTINGS = "loader_version:%"
"""Settings of the old file that belong to the library (which loaders read each root)."""

_ARTICLE_COLUMNS = (
    "id, path, root, display_path, source, size, mtime_ns, content_hash, format, title, "
    "author, date, tags, description, url, words, warnings, missing, indexed_at"
)
_USER_COPIES = {
    "reading_state": "article_id, position, read, last_read",
    "notes": "article_id, text, created_at, updated_at, version",
    "highlights": (
        "id, article_id, quote, prefix, suffix, start_offset, end_offset, orphaned, color, "
        "comment, created_at, updated_at, version, deleted_at"
    ),
}


def split(old: Path, library: Path, user: Path) -> list[str]:
    """Split `old` into the two new files; the notices for the user."""
    problem, _ = schema.diagnose(old, LEGACY)
    if problem:
        moved = schema.move_aside(old, "corrupt")
        return [
            f"reader.db (from an earlier version) {problem}; it was moved to {moved} and reader "
            "starts afresh (your article files are untouched)."
        ]
    schema.delete(library)  # left by a split cut short: reader.db is still the truth
    schema.create(library, LIBRARY, fill=lambda conn: _copy(conn, old, _library_rows))
    schema.create(user, USER, fill=lambda conn: _copy(conn, old, _user_rows))
    kept = schema.move_aside(old, "before-split")
    return [
        "Your database was split in two: notes, highlights, reading positions and settings "
        "are now in user.db, the library's index of your files in library.db (rebuilt from "
        f"the files if it is ever damaged). The old reader.db is kept as {kept}."
    ]


def _copy(
    conn: sqlite3.Connection, old: Path, rows: Callable[[sqlite3.Connection, set[str]], None]
) -> None:
    conn.execute("ATTACH DATABASE ? AS old", (schema.uri(old),))
    try:
        names = {
            name
            for (name,) in conn.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")
        }
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows(conn, names)
            conn.execute("COMMIT")
        except BaseException:
            schema.rollback(conn)
            raise
    finally:
        conn.execute("DETACH DATABASE old")


def _library_rows(conn: sqlite3.Connection, names: set[str]) -> None:
    from reader.core.databases import LIBRARY_ID

    conn.execute(
        f"INSERT INTO articles ({_ARTICLE_COLUMNS}) SELECT {_ARTICLE_COLUMNS} FROM old.articles"
    )
    if "article_text" in names:
        conn.execute("INSERT INTO article_text SELECT article_id, text FROM old.article_text")
    if "skipped" in names:
        conn.execute(
            "INSERT INTO skipped SELECT path, display_path, reason, size, mtime_ns FROM old.skipped"
        )
    conn.execute(
        "INSERT INTO meta SELECT key, value FROM old.settings WHERE key LIKE ?", (LOADER_SETTINGS,)
    )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, lower(hex(randomblob(16))))", (LIBRARY_ID,)
    )
    conn.execute("DELETE FROM search_outbox")  # a new build id: the search index is rebuilt


def _user_rows(conn: sqlite3.Connection, names: set[str]) -> None:
    for table, columns in _USER_COPIES.items():
        if table in names:
            conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM old.{table}")
    conn.execute(
        "INSERT INTO settings SELECT key, value FROM old.settings WHERE key NOT LIKE ?",
        (LOADER_SETTINGS,),
    )
    with_data = " UNION ".join(
        f"SELECT article_id FROM old.{table}" for table in USER_DATA_TABLES if table in names
    )
    conn.execute(
        "INSERT INTO article_keys "
        "SELECT id, path, root, display_path, content_hash, title, date FROM old.articles "
        f"WHERE id IN ({with_data})"
    )
