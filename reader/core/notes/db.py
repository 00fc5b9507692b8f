"""Connections to reader.db for notes: durable writes, and reads that work read-only.

Note writes use their own connections with `synchronous=FULL`: in WAL mode the default
(NORMAL) can lose the last acknowledged commits on a power cut, and a note the editor showed
as "saved" must survive one. Every write is one `BEGIN IMMEDIATE` transaction: it takes the
write lock before reading, so two processes doing read-then-write wait for each other (busy
timeout) instead of failing with "database is locked" when the read turns into a write.

Reading a WAL database in a read-only directory fails unless SQLite may assume the file never
changes (`immutable=1`), which also means it cannot see a -wal file left by a crash; we say so.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.core import schema
from reader.core.notes.errors import NotesError, translate
from reader.core.tables import PAIR_TRIGGERS

ARTICLES_FROM_KEYS = """
    CREATE TEMP VIEW articles AS SELECT article_id AS id, path, root, display_path,
        content_hash, title, date, 1 AS missing FROM article_keys
"""
"""A user.db read alone (a backup) knows its articles only by their keys."""

BUSY_TIMEOUT_MS = 15_000
"""How long a save waits for another process's write to finish before giving up."""


class Connections:
    """One connection per thread to user.db (with library.db), read-write or read-only.

    With `library`, each connection is the pair every reader connection is (library.db as
    `main`, user.db attached as `user`; see `databases.connect_pair`), so notes queries join
    the articles by name. Without it, `path` is read alone: a backup, or the single reader.db
    of an earlier version; a user.db read alone shows its articles from `article_keys`.
    """

    def __init__(self, path: Path, *, library: Path | None = None, readonly: bool = False) -> None:
        self.path = path
        self.library = library
        self.readonly = readonly
        self.warnings: list[str] = []
        """Things the user should know about what was read (a -wal file that was ignored)."""
        self._immutable = False
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: dict[threading.Thread, sqlite3.Connection] = {}
        self._closed = False

    def get(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise NotesError("the notes store is closed")
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                for thread in [t for t in self._all if not t.is_alive()]:
                    self._all.pop(thread).close()
                self._all[threading.current_thread()] = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        if not self.readonly:
            if self.library is None:
                return _connect(schema.uri(self.path))
            conn = _connect(schema.uri(self.library))
            conn.execute("ATTACH DATABASE ? AS user", (schema.uri(self.path),))
            conn.execute("PRAGMA user.synchronous = FULL")
            for trigger in PAIR_TRIGGERS:
                conn.execute(trigger)
            return conn
        if not self._immutable:
            try:
                conn = self._open_readonly("ro")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return conn
            except sqlite3.OperationalError:
                self._immutable = True  # WAL in a directory we cannot write: no -shm possible
                self._warn_about_wal()
        return self._open_readonly("ro&immutable=1")

    def _open_readonly(self, mode: str) -> sqlite3.Connection:
        if self.library is not None:
            conn = _connect(schema.uri(self.library, mode))
            conn.execute("ATTACH DATABASE ? AS user", (schema.uri(self.path, mode),))
            return conn
        conn = _connect(schema.uri(self.path, mode))
        if "articles" not in schema.table_names(conn):
            conn.execute(ARTICLES_FROM_KEYS)
        return conn

    def _warn_about_wal(self) -> None:
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            self.warnings.append(
                f"{wal} holds recent changes that cannot be read while the data directory is "
                "read-only; the newest notes may be missing. Copy the data directory somewhere "
                "writable and run the command there to include them."
            )

    @contextmanager
    def write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction; sqlite3 and OS errors become NotesError saying `doing`."""
        if self.readonly:
            raise NotesError(f"cannot {doing}: the notes were opened read-only")
        try:
            conn = self.get()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                schema.rollback(conn)
                raise
        except (sqlite3.Error, OSError) as error:
            raise translate(error, doing, self.path) from error

    @contextmanager
    def read(self, doing: str) -> Iterator[sqlite3.Connection]:
        """A connection for reading; errors become NotesError saying `doing`."""
        try:
            yield self.get()
        except (sqlite3.Error, OSError) as error:
            raise translate(error, doing, self.path) from error

    def close(self) -> None:
        """Close connections no live thread is using (closing one mid-query crashes SQLite)."""
        self._closed = True
        me = threading.current_thread()
        with self._lock:
            for thread in list(self._all):
                if thread is me or not thread.is_alive():
                    self._all.pop(thread).close()
        self._local = threading.local()


def _connect(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri,
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn
