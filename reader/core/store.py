"""The SQLite store: an index of the library's files plus what the user did with them.

One database, `reader.db` in the data directory. The files are the truth for article content
(the scanner never writes them); the database is the truth for reading state. A file in place
of reader.db that is not a healthy reader database is never overwritten: it is moved aside
and the caller is told where it went.

Threads: a `Store` hands each thread its own connection (a `threading.local`), created on first
use, so the UI thread and worker threads share one `Store` object; `close()` closes them all.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.core import schema
from reader.core.index_writes import ArticleRecord, BatchResult, IndexWrites, SkipRecord
from reader.core.models import ArticleSummary, ReadingState, Skipped
from reader.core.paths import database_path, ensure_dir
from reader.core.schema import (
    CorruptDatabase,
    NewerDatabase,
    ReadOnlyDataDir,
    StoreError,
    guard,
    now,
    under,
)

TAG_SEPARATOR = "\x1f"
__all__ = [
    "TAG_SEPARATOR",
    "ArticleRecord",
    "BatchResult",
    "CorruptDatabase",
    "NewerDatabase",
    "ReadOnlyDataDir",
    "SkipRecord",
    "Store",
    "StoreError",
]


def _check_writable(data_dir: Path) -> None:
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


def _check_existing(db: Path) -> None:
    problem, version = schema.diagnose(db)
    if version > schema.latest_version():
        raise NewerDatabase(
            f"{db} was written by a newer reader (schema {version}, this one knows "
            f"{schema.latest_version()}); upgrade reader, or use another --data-dir"
        )
    if problem:
        raise CorruptDatabase(schema.move_aside(db), problem)


_SUMMARY_SQL = """
    SELECT id, path, title, source, author, date, tags, words FROM articles WHERE {where}
"""
_STATES_SQL = """
    SELECT r.article_id, r.read, r.last_read, r.position FROM reading_state r
    WHERE r.article_id IN (SELECT id FROM articles WHERE {where})
"""
_NO_STATE = (0, None, 0)
_UNSET: Any = object()
_FS_ENCODING, _FS_ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()

# Joining a known folder and a file name without re-parsing the name (pathlib's own fast path
# for walking folders); `joinpath` where a Python lacks it. A third of summaries() time.
_child: Callable[[Path, str], Path] = getattr(Path, "_make_child_relpath", Path.joinpath)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic GC while 100,000 rows become objects: the collector would walk them all
    several times over (about a quarter of the time), and rows hold no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build_summaries(
    rows: Iterable[tuple[Any, ...]],
    states: dict[int, tuple[Any, ...]],
    tags_cache: dict[str, tuple[str, ...]],
) -> list[ArticleSummary]:
    """Rows to ArticleSummary, in one loop (100,000 of them at start-up): folder Paths, dates
    and tag tuples are made once and shared between rows."""
    folders: dict[bytes, Path] = {}
    dates: dict[str | None, dt.datetime | None] = {None: None, "": None}
    tags_cache.setdefault("", ())
    result: list[ArticleSummary] = []
    append = result.append
    for id_, raw_path, title, source, author, date, tags, words in rows:
        folder, _, name = raw_path.rpartition(b"/")
        parent = folders.get(folder)
        if parent is None:
            parent = folders[folder] = Path(os.fsdecode(folder or b"/"))
        when = dates.get(date, _UNSET)
        if when is _UNSET:
            when = dates[date] = dt.datetime.fromisoformat(date)
        shared_tags = tags_cache.get(tags)
        if shared_tags is None:
            shared_tags = tags_cache[tags] = tuple(tags.split(TAG_SEPARATOR))
        read, last_read, position = states.get(id_, _NO_STATE)
        append(
            ArticleSummary(
                id_,
                _child(parent, name.decode(_FS_ENCODING, _FS_ERRORS)),  # os.fsdecode, inlined
                title,
                source,
                author,
                when,  # type: ignore[arg-type]
                shared_tags,
                words,
                bool(read),
                dt.datetime.fromisoformat(last_read) if last_read else None,
                position,
            )
        )
    return result


class Store(IndexWrites):
    """The database. Create with `Store.open(data_dir)`."""

    def __init__(self, path: Path, notices: list[str]) -> None:
        self.path = path
        self.notices = notices
        """Things the user should be told once (a damaged database moved aside, a backup)."""
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._closed = False
        self._tags_cache: dict[str, tuple[str, ...]] = {}

    @classmethod
    def open(cls, data_dir: Path, *, recover: bool = True) -> Store:
        """Open (creating, migrating or, with `recover`, replacing a damaged) reader.db.

        Raises:
            ReadOnlyDataDir: the data directory cannot be written.
            CorruptDatabase: (recover=False) the file was damaged or foreign; it was moved aside.
            NewerDatabase: the database comes from a newer reader; it is left alone.
        """
        data_dir = Path(data_dir)
        _check_writable(data_dir)
        db = database_path(data_dir)
        notices: list[str] = []
        try:
            if db.exists() or db.is_symlink():
                _check_existing(db)
        except CorruptDatabase as error:
            if not recover:
                raise
            notices.append(str(error))
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"cannot open {db}: {error}") from error
        store = cls(db, notices)
        try:
            if not db.exists():
                schema.create(db)
            conn = store._conn()
            conn.execute("PRAGMA journal_mode = WAL")
            backup = schema.migrate(conn, db)
        except (sqlite3.Error, OSError) as error:
            store.close()
            raise StoreError(f"cannot open {db}: {error}") from error
        if backup:
            notices.append(f"The database was upgraded; the previous one is saved as {backup}")
        return store

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise StoreError("the store is closed")
            conn = schema.connect(self.path)
            self._local.conn = conn
            with self._lock:
                # Every Textual thread worker is a new thread: close what finished ones left,
                # or a long session would run out of file handles.
                for thread in [t for t in self._connections if not t.is_alive()]:
                    self._connections.pop(thread).close()
                self._connections[threading.current_thread()] = conn
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connections no thread is using; refuse new ones.

        A worker thread may still be in a query when the app quits: closing its connection
        under it crashes SQLite, so a live thread's connection is left to close with it.
        """
        self._closed = True
        me = threading.current_thread()
        with self._lock:
            for thread in list(self._connections):
                if thread is me or not thread.is_alive():
                    self._connections.pop(thread).close()
        self._local = threading.local()

    # -- the article list ------------------------------------------------------------------

    @guard
    def summaries(self, roots: Sequence[Path] | None = None) -> list[ArticleSummary]:
        """Every present article at or below `roots` (None: all), without their text."""
        # "+path": read the table straight through rather than via the path index, which is
        # faster when (as usual) most rows are listed.
        where, params = under(roots, "+path")
        return self._summaries(f"missing = 0 AND {where}", params)

    @guard
    def newest_summaries(self, roots: Sequence[Path] | None, limit: int) -> list[ArticleSummary]:
        """The `limit` newest articles: enough to paint the first screen of a huge library."""
        # "+path": walk the date index and filter, instead of sorting every row under the roots.
        where, params = under(roots, "+path")
        return self._summaries(
            f"missing = 0 AND {where} ORDER BY date DESC LIMIT {int(limit)}", params
        )

    @guard
    def summaries_for(self, ids: Sequence[int]) -> list[ArticleSummary]:
        """The present articles among `ids`."""
        result: list[ArticleSummary] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            result += self._summaries(
                f"missing = 0 AND id IN ({','.join('?' * len(chunk))})", chunk
            )
        return result

    def summary(self, article_id: int) -> ArticleSummary | None:
        found = self.summaries_for([article_id])
        return found[0] if found else None

    def _summaries(self, where: str, params: Sequence[object]) -> list[ArticleSummary]:
        # Reading state is read apart and merged: faster than a LEFT JOIN over every article,
        # and the table is small (only articles the user opened).
        conn = self._conn()
        states = {row[0]: row[1:] for row in conn.execute(_STATES_SQL.format(where=where), params)}
        rows = conn.execute(_SUMMARY_SQL.format(where=where), params)
        with _gc_paused():
            return _build_summaries(rows, states, self._tags_cache)

    @guard
    def id_for_path(self, path: Path) -> int | None:
        row = (
            self._conn()
            .execute(
                "SELECT id FROM articles WHERE path = ? AND missing = 0",
                (os.fsencode(os.path.abspath(path)),),
            )
            .fetchone()
        )
        return row[0] if row else None

    @guard
    def article_text(self, article_id: int) -> str:
        row = (
            self._conn()
            .execute("SELECT text FROM article_text WHERE article_id = ?", (article_id,))
            .fetchone()
        )
        return row[0] if row else ""

    @guard
    def skipped(self, roots: Sequence[Path] | None = None) -> list[Skipped]:
        where, params = under(roots)
        rows = self._conn().execute(
            f"SELECT path, reason FROM skipped WHERE {where} ORDER BY path", params
        )
        return [Skipped(Path(os.fsdecode(path)), reason) for path, reason in rows]

    # -- reading state and settings --------------------------------------------------------

    @guard
    def read_ids(self) -> frozenset[int]:
        """Ids of the articles marked read (for search's `is:read` / `is:unread`)."""
        rows = self._conn().execute("SELECT article_id FROM reading_state WHERE read = 1")
        return frozenset(row[0] for row in rows)

    @guard
    def reading_state(self, article_id: int) -> ReadingState:
        row = (
            self._conn()
            .execute(
                "SELECT position, read, last_read FROM reading_state WHERE article_id = ?",
                (article_id,),
            )
            .fetchone()
        )
        if row is None:
            return ReadingState()
        position, read, last_read = row
        return ReadingState(position, bool(read), _parse_time(last_read))

    def save_position(self, article_id: int, position: int) -> None:
        self._upsert_state(article_id, "position = excluded.position", position, 0, None)

    def set_read(self, article_id: int, read: bool) -> None:
        self._upsert_state(
            article_id, "read = excluded.read, last_read = excluded.last_read", 0, read, now()
        )

    def mark_opened(self, article_id: int) -> None:
        self._upsert_state(article_id, "last_read = excluded.last_read", 0, False, now())

    @guard
    def _upsert_state(
        self, article_id: int, update: str, position: int, read: bool, last_read: str | None
    ) -> None:
        self._conn().execute(
            "INSERT INTO reading_state (article_id, position, read, last_read) "
            f"VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET {update}",
            (article_id, max(0, position), int(read), last_read),
        )

    @guard
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._conn().execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @guard
    def set_setting(self, key: str, value: str) -> None:
        self._conn().execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
