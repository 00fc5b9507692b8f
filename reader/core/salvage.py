"""Saving what can be read from a damaged user.db, before it is set aside.

SQLite's `.recover` is not an option: the command-line shell of this platform's SQLite may
lack it (3.40.1 fails even on a healthy file), and it is not in Python's sqlite3 module. So
every user table is copied into a new file row by row: a whole-table copy first, and where a
damaged page stops it, a walk by rowid that steps over what cannot be read. The damaged file
is then renamed aside, never deleted, and the user is told how many rows of each kind were
kept and where the newest backup is.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from reader.core import backups, schema
from reader.core.counts import plural
from reader.core.schema import USER
from reader.core.tables import SALVAGED_TABLES

MAX_SKIPS = 64
"""How many unreadable stretches of one table are stepped over before giving up on it."""

_WHAT = {
    "article_keys": "article",
    "reading_state": "reading position",
    "settings": "setting",
    "notes": "note",
    "highlights": "highlight",
}


def salvaged_path(user: Path) -> Path:
    return user.with_name(user.name + ".salvaged")


def finish_interrupted(user: Path) -> None:
    """A salvage killed between setting the damaged file aside and renaming the new one in
    left the rows in `.salvaged`: put them in place."""
    found = salvaged_path(user)
    if not user.exists() and found.exists():
        os.replace(found, user)


def salvage(user: Path, problem: str, data_dir: Path) -> str:
    """Replace a damaged user.db with a new one holding every row that could be read.

    Returns the notice for the user.
    """
    kept: dict[str, int] = {}
    new = salvaged_path(user)
    schema.delete(new)
    schema.create(new, USER, fill=lambda conn: kept.update(_copy_all(conn, user)))
    moved = schema.move_aside(user, "damaged")
    os.replace(new, user)
    rows = [plural(kept.get(table, 0), _WHAT[table]) for table in SALVAGED_TABLES[1:]]
    if any(kept.get(table) for table in SALVAGED_TABLES):
        notice = (
            f"user.db {problem}. Every row that could be read was saved into a new user.db "
            f"({', '.join(rows)}); the damaged file was moved to {moved}."
        )
    else:
        notice = (
            f"user.db {problem}: nothing in it could be read. It was moved to {moved} and a "
            "new one started."
        )
    backup = backups.newest(data_dir)
    if backup is not None:
        notice += (
            f" The newest backup is {backup}: `reader notes import {backup}` adds back "
            "anything missing."
        )
    return notice


def _copy_all(conn: sqlite3.Connection, damaged: Path) -> dict[str, int]:
    try:
        conn.execute("ATTACH DATABASE ? AS damaged", (schema.uri(damaged, "ro"),))
    except sqlite3.DatabaseError:
        return {}
    try:
        names = _tables(conn)
        return {table: _copy_table(conn, table) for table in SALVAGED_TABLES if table in names}
    finally:
        conn.execute("DETACH DATABASE damaged")


def _tables(conn: sqlite3.Connection) -> set[str]:
    try:
        rows = conn.execute("SELECT name FROM damaged.sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}
    except sqlite3.DatabaseError:
        return set(SALVAGED_TABLES)  # the schema page itself is damaged: try each by name


def _copy_table(conn: sqlite3.Connection, table: str) -> int:
    names = [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]
    columns, marks = ", ".join(names), ", ".join("?" * len(names))
    insert = f"INSERT OR IGNORE INTO main.{table} ({columns}) VALUES ({marks})"
    try:
        conn.execute(
            f"INSERT OR IGNORE INTO main.{table} ({columns}) SELECT {columns} FROM damaged.{table}"
        )
        return int(conn.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0])
    except sqlite3.DatabaseError:
        pass  # a damaged page: walk it row by row
    last, step, skips = 0, 1, 0  # our rowids start at 1
    while skips <= MAX_SKIPS:
        try:
            rows = conn.execute(
                f"SELECT rowid, {columns} FROM damaged.{table} WHERE rowid > ? ORDER BY rowid",
                (last,),
            )
            for rowid, *values in rows:
                conn.execute(insert, values)
                last, step = rowid, 1
            break
        except sqlite3.DatabaseError:
            skips += 1
            last, step = last + step, step * 4  # step over the unreadable stretch
        except OverflowError:
            break
    return int(conn.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0])
