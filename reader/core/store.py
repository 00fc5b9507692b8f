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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, TypeVar

from reader.core import schema
from reader.core.models import ArticleSummary, ReadingState, Skipped
from reader.core.paths import database_path, ensure_dir

TAG_SEPARATOR = "\x1f"
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
        super().__init__(
            f"reader.db {problem}; it was moved to {moved_to} and reader starts with an empty "
            "index (your article files are untouched). To salvage reading positions from it: "
            f"sqlite3 '{moved_to}' .recover | sqlite3 recovered.db"
        )


class NewerDatabase(StoreError):
    pass


class ArticleRecord(NamedTuple):
    """One loaded file, as the scanner writes it."""

    path: bytes
    root: bytes
    display_path: str
    source: str
    size: int
    mtime_ns: int
    content_hash: str
    format: str
    title: str
    author: str
    date: str | None
    tags: str
    description: str
    url: str
    words: int
    warnings: str
    text: str


class SkipRecord(NamedTuple):
    path: bytes
    display_path: str
    reason: str
    size: int = -1
    mtime_ns: int = -1


class BatchResult(NamedTuple):
    added: list[int]
    changed: list[int]
    moved: list[int]
    removed: list[int]


def _guard(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """Turn sqlite3 errors into StoreError so callers handle one exception type."""

    @wraps(method)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as error:
            raise StoreError(f"database error: {error}") from error

    return guarded


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


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


def _under(roots: Sequence[Path] | None, column: str = "path") -> tuple[str, list[bytes]]:
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


_COLUMNS = (
    "path, root, display_path, source, size, mtime_ns, content_hash, format, title, author, "
    "date, tags, description, url, words, warnings, indexed_at"
)
_INSERT_SQL = f"INSERT INTO articles ({_COLUMNS}) VALUES ({', '.join('?' * 17)})"
_UPDATE_SQL = f"UPDATE articles SET ({_COLUMNS}, missing) = ({', '.join('?' * 17)}, 0) WHERE id = ?"
_USER_DATA = " OR ".join(
    f"EXISTS (SELECT 1 FROM {table} u WHERE u.article_id = articles.id)"
    for table in schema.USER_DATA_TABLES
)
_MOVED_SQL = f"""
    SELECT id FROM articles WHERE content_hash = ? AND missing = 1
    ORDER BY ({_USER_DATA}) DESC, id LIMIT 1
"""
_PURGE_SQL = f"DELETE FROM articles WHERE missing = 1 AND NOT ({_USER_DATA}) RETURNING id"
_SUMMARY_SQL = """
    SELECT id, path, title, source, author, date, tags, words FROM articles WHERE {where}
"""
_STATES_SQL = """
    SELECT r.article_id, r.read, r.last_read, r.position FROM reading_state r
    WHERE r.article_id IN (SELECT id FROM articles WHERE {where})
"""
_NO_STATE = (0, None, 0)
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


class _SummaryBuilder:
    """Rows to ArticleSummary, sharing folder Paths and tag tuples between rows."""

    def __init__(self, tags_cache: dict[str, tuple[str, ...]]) -> None:
        self.folders: dict[bytes, Path] = {}
        self.tags = tags_cache

    def __call__(self, row: tuple[Any, ...], state: tuple[Any, ...]) -> ArticleSummary:
        id_, raw_path, title, source, author, date, tags, words = row
        read, last_read, position = state
        return ArticleSummary(
            id_,
            self.path(raw_path),
            title,
            source,
            author,
            dt.datetime.fromisoformat(date) if date else None,
            (self.tags.get(tags) or self.split_tags(tags)) if tags else (),
            words,
            bool(read),
            dt.datetime.fromisoformat(last_read) if last_read else None,
            position,
        )

    def path(self, raw: bytes) -> Path:
        folder, _, name = raw.rpartition(b"/")
        parent = self.folders.get(folder)
        if parent is None:
            parent = self.folders[folder] = Path(os.fsdecode(folder or b"/"))
        return _child(parent, name.decode(_FS_ENCODING, _FS_ERRORS))  # os.fsdecode, inlined

    def split_tags(self, joined: str) -> tuple[str, ...]:
        tags = self.tags[joined] = tuple(joined.split(TAG_SEPARATOR)) if joined else ()
        return tags


class Store:
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
        """Close every thread's connection; call once no thread uses the store any more."""
        self._closed = True
        with self._lock:
            for conn in self._connections.values():
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- the article list ------------------------------------------------------------------

    @_guard
    def summaries(self, roots: Sequence[Path] | None = None) -> list[ArticleSummary]:
        """Every present article at or below `roots` (None: all), without their text."""
        where, params = _under(roots)
        return self._summaries(f"missing = 0 AND {where}", params)

    @_guard
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
        build = _SummaryBuilder(self._tags_cache)
        with _gc_paused():
            return [build(row, states.get(row[0], _NO_STATE)) for row in rows]

    @_guard
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

    @_guard
    def article_text(self, article_id: int) -> str:
        row = (
            self._conn()
            .execute("SELECT text FROM article_text WHERE article_id = ?", (article_id,))
            .fetchone()
        )
        return row[0] if row else ""

    @_guard
    def skipped(self, roots: Sequence[Path] | None = None) -> list[Skipped]:
        where, params = _under(roots)
        rows = self._conn().execute(
            f"SELECT path, reason FROM skipped WHERE {where} ORDER BY path", params
        )
        return [Skipped(Path(os.fsdecode(path)), reason) for path, reason in rows]

    # -- reading state and settings --------------------------------------------------------

    @_guard
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
            article_id, "read = excluded.read, last_read = excluded.last_read", 0, read, _now()
        )

    def mark_opened(self, article_id: int) -> None:
        self._upsert_state(article_id, "last_read = excluded.last_read", 0, False, _now())

    @_guard
    def _upsert_state(
        self, article_id: int, update: str, position: int, read: bool, last_read: str | None
    ) -> None:
        self._conn().execute(
            "INSERT INTO reading_state (article_id, position, read, last_read) "
            f"VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET {update}",
            (article_id, max(0, position), int(read), last_read),
        )

    @_guard
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._conn().execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @_guard
    def set_setting(self, key: str, value: str) -> None:
        self._conn().execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- what the scanner writes -----------------------------------------------------------

    @_guard
    def file_index(self, roots: Sequence[Path]) -> dict[bytes, tuple[int, int]]:
        """path -> (size, mtime_ns) of every present article under `roots`: the change check."""
        where, params = _under(roots)
        rows = (
            self._conn()
            .execute(
                f"SELECT path, size, mtime_ns FROM articles WHERE missing = 0 AND {where}", params
            )
            .fetchall()
        )
        return dict(zip(map(itemgetter(0), rows), map(itemgetter(1, 2), rows), strict=True))

    @_guard
    def skipped_index(self, roots: Sequence[Path]) -> dict[bytes, tuple[int, int, str]]:
        """path -> (size, mtime_ns, reason) for every skipped file under `roots`."""
        where, params = _under(roots)
        rows = self._conn().execute(
            f"SELECT path, size, mtime_ns, reason FROM skipped WHERE {where}", params
        )
        return {path: (size, mtime, reason) for path, size, mtime, reason in rows}

    @_guard
    def write_batch(
        self, records: Sequence[ArticleRecord], skips: Sequence[SkipRecord]
    ) -> BatchResult:
        """Write loaded and skipped files in one transaction.

        A new path whose content matches a missing article takes over that row, so the
        article's id, reading state and notes follow a moved or renamed file.
        """
        result = BatchResult([], [], [], [])
        indexed_at = _now()
        with self._transaction() as conn:
            for record in records:
                self._write_article(conn, record, indexed_at, result)
            for skip in skips:
                conn.execute("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?)", tuple(skip))
                row = conn.execute(
                    "UPDATE articles SET missing = 1 WHERE path = ? AND missing = 0 RETURNING id",
                    (skip.path,),
                ).fetchone()
                if row:
                    result.removed.append(row[0])
        return result

    def _write_article(
        self, conn: sqlite3.Connection, record: ArticleRecord, indexed_at: str, result: BatchResult
    ) -> None:
        row = conn.execute(
            "SELECT id, missing FROM articles WHERE path = ?", (record.path,)
        ).fetchone()
        if row:
            (result.added if row[1] else result.changed).append(row[0])
        else:
            row = conn.execute(_MOVED_SQL, (record.content_hash,)).fetchone()
            if row:
                result.moved.append(row[0])
        values = (*record[:-1], indexed_at)
        if row:
            conn.execute(_UPDATE_SQL, (*values, row[0]))
            article_id = row[0]
        else:
            article_id = conn.execute(_INSERT_SQL, values).lastrowid
            result.added.append(article_id)
        conn.execute(
            "INSERT OR REPLACE INTO article_text (article_id, text) VALUES (?, ?)",
            (article_id, record.text),
        )
        conn.execute("DELETE FROM skipped WHERE path = ?", (record.path,))

    @_guard
    def mark_missing(self, paths: Sequence[bytes]) -> list[int]:
        """Flag articles whose files are gone; their rows wait for a move or a purge."""
        with self._transaction() as conn:
            return [
                row[0]
                for path in paths
                for row in conn.execute(
                    "UPDATE articles SET missing = 1 WHERE path = ? AND missing = 0 RETURNING id",
                    (path,),
                )
            ]

    @_guard
    def purge_missing(self) -> list[int]:
        """Delete missing articles that hold no user data; return their ids."""
        with self._transaction() as conn:
            rows = conn.execute(_PURGE_SQL)
            return [row[0] for row in rows]

    @_guard
    def forget_skipped(self, paths: Sequence[bytes]) -> None:
        with self._transaction() as conn:
            conn.executemany("DELETE FROM skipped WHERE path = ?", [(p,) for p in paths])

    @_guard
    def count(self, roots: Sequence[Path] | None = None) -> int:
        where, params = _under(roots)
        sql = f"SELECT count(*) FROM articles WHERE missing = 0 AND {where}"
        return int(self._conn().execute(sql, params).fetchone()[0])


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
