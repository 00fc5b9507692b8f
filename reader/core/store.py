"""The SQLite store: an index of the library's files plus what the user did with them.

Two files in the data directory, opened as one (see `tables` and `databases`): library.db,
derived from the files (the scanner never writes them), and user.db, the truth for reading
state, notes and settings. Damage to the first is answered by rebuilding it; the second is
salvaged row by row and backed up daily.

Threads: a `Store` hands each thread its own connection (a `threading.local`), created on first
use, so the UI thread and worker threads share one `Store` object; `close()` closes them all.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.core import schema
from reader.core.databases import LIBRARY_ID, connect_pair, open_files
from reader.core.index_writes import ArticleRecord, BatchResult, IndexWrites, SkipRecord
from reader.core.models import ArticleSummary, ReadingState, Skipped
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

    def __init__(self, path: Path, user_path: Path, notices: list[str]) -> None:
        self.path = path
        """library.db: derived from the files, rebuilt when damaged."""
        self.user_path = user_path
        """user.db: reading state, notes, highlights, settings (attached as `user`)."""
        self.notices = notices
        """Things the user should be told once (a damaged database rebuilt, a backup)."""
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._closed = False
        self._tags_cache: dict[str, tuple[str, ...]] = {}

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open (creating, migrating, repairing) the data directory's two databases.

        Raises:
            ReadOnlyDataDir: the data directory cannot be written (or is a file).
            NewerDatabase: a database comes from a newer reader; it is left alone.
            StoreError: anything else (the message says what to do).
        """
        opened = open_files(Path(data_dir))
        return cls(opened.library, opened.user, opened.notices)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise StoreError("the store is closed")
            conn = connect_pair(self.path, self.user_path)
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
            conn.execute("COMMIT")
        except BaseException:
            schema.rollback(conn)
            raise

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
    def texts_for(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """id -> (text, revision) for the present articles among `ids`: what the search index
        holds of each, and the stamp it keeps with it."""
        found: dict[int, tuple[str, int]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = self._conn().execute(
                "SELECT a.id, coalesce(t.text, ''), a.revision FROM articles a "
                "LEFT JOIN article_text t ON t.article_id = a.id "
                f"WHERE a.missing = 0 AND a.id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((id_, (text, revision)) for id_, text, revision in rows)
        return found

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

    # -- the library's own settings, and the search outbox ------------------------------------

    @guard
    def get_meta(self, key: str) -> str | None:
        """A setting of library.db (which loaders read each root, its build id): derived,
        so it goes when the library is rebuilt, as it should."""
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @guard
    def set_meta(self, key: str, value: str) -> None:
        self._conn().execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def library_id(self) -> str:
        """Names this build of library.db: a search index built for another one is rebuilt."""
        return self.get_meta(LIBRARY_ID) or ""

    @guard
    def pending_articles(self, after: int = 0, limit: int = 5_000) -> tuple[int, list[int]]:
        """The oldest `limit` article changes after `after` that the search index has not
        taken in: the last sequence number read (0: none) and the article ids, each once."""
        rows = (
            self._conn()
            .execute(
                "SELECT seq, article_id FROM search_outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, limit),
            )
            .fetchall()
        )
        return (rows[-1][0] if rows else 0), list(dict.fromkeys(row[1] for row in rows))

    @guard
    def clear_pending_articles(self, through: int) -> None:
        """Forget article changes up to `through`, once the index has committed them."""
        if through:
            with self._transaction() as conn:
                conn.execute("DELETE FROM search_outbox WHERE seq <= ?", (through,))

    @guard
    def pending_notes(
        self, after: int = 0, limit: int = 5_000
    ) -> tuple[int, list[tuple[str, int]]]:
        """As `pending_articles`, for notes and highlights: (note id, article id) pairs."""
        rows = (
            self._conn()
            .execute(
                "SELECT seq, note_id, article_id FROM note_outbox WHERE seq > ? ORDER BY seq "
                "LIMIT ?",
                (after, limit),
            )
            .fetchall()
        )
        return (rows[-1][0] if rows else 0), list(dict.fromkeys((r[1], r[2]) for r in rows))

    @guard
    def clear_pending_notes(self, through: int) -> None:
        if through:
            with self._transaction() as conn:
                conn.execute("DELETE FROM note_outbox WHERE seq <= ?", (through,))

    @guard
    def outbox_marks(self) -> tuple[int, int]:
        """The newest article and note change recorded so far (a rebuild takes in all)."""
        row = (
            self._conn()
            .execute(
                "SELECT coalesce((SELECT max(seq) FROM search_outbox), 0), "
                "coalesce((SELECT max(seq) FROM note_outbox), 0)"
            )
            .fetchone()
        )
        return int(row[0]), int(row[1])

    @guard
    def pending_count(self) -> int:
        """Changes of articles and notes the search index has yet to take in."""
        row = (
            self._conn()
            .execute(
                "SELECT (SELECT count(*) FROM search_outbox) + (SELECT count(*) FROM note_outbox)"
            )
            .fetchone()
        )
        return int(row[0])

    @guard
    def revisions(self) -> dict[int, int]:
        """id -> revision of every present article: what the search index's stamps must say."""
        rows = self._conn().execute("SELECT id, revision FROM articles WHERE missing = 0")
        return dict(rows.fetchall())

    # -- user settings -------------------------------------------------------------------

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
