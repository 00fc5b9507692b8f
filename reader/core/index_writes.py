"""What the scanner writes: loaded and skipped files in batches, and the rows of gone files.

Mixed into `Store`, which supplies a connection per thread and transactions. A file that is
gone keeps its row (flagged missing) while it holds user data, so that a file with the same
content turning up elsewhere takes the row over: id, reading state and notes follow a move.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from reader.core.schema import guard, now, under
from reader.core.tables import USER_DATA_TABLES


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


_COLUMNS = (
    "path, root, display_path, source, size, mtime_ns, content_hash, format, title, author, "
    "date, tags, description, url, words, warnings, indexed_at, revision"
)
_INSERT_SQL = f"INSERT INTO articles ({_COLUMNS}) VALUES ({', '.join('?' * 18)})"
_UPDATE_SQL = f"UPDATE articles SET ({_COLUMNS}, missing) = ({', '.join('?' * 18)}, 0) WHERE id = ?"
_NEXT_REVISION_SQL = """
    INSERT INTO meta (key, value) VALUES ('revision', '1')
    ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value
"""
_USER_DATA = " OR ".join(
    f"EXISTS (SELECT 1 FROM {table} u WHERE u.article_id = articles.id)"
    for table in USER_DATA_TABLES
)
_MOVED_SQL = f"""
    SELECT id FROM articles WHERE content_hash = ? AND missing = 1
    ORDER BY ({_USER_DATA}) DESC, id LIMIT 1
"""
_ANY_MISSING_SQL = "SELECT EXISTS (SELECT 1 FROM articles WHERE missing = 1)"
_PURGE_SQL = f"DELETE FROM articles WHERE missing = 1 AND NOT ({_USER_DATA}) RETURNING id"


class IndexWrites:
    """The scanner's side of the store."""

    def _conn(self) -> sqlite3.Connection:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    @guard
    def file_index(self, roots: Sequence[Path]) -> dict[bytes, tuple[int, int]]:
        """path -> (size, mtime_ns) of every present article under `roots`: the change check."""
        where, params = under(roots)
        rows = (
            self._conn()
            .execute(
                f"SELECT path, size, mtime_ns FROM articles WHERE missing = 0 AND {where}", params
            )
            .fetchall()
        )
        return dict(zip(map(itemgetter(0), rows), map(itemgetter(1, 2), rows), strict=True))

    @guard
    def skipped_index(self, roots: Sequence[Path]) -> dict[bytes, tuple[int, int, str]]:
        """path -> (size, mtime_ns, reason) for every skipped file under `roots`."""
        where, params = under(roots)
        rows = self._conn().execute(
            f"SELECT path, size, mtime_ns, reason FROM skipped WHERE {where}", params
        )
        return {path: (size, mtime, reason) for path, size, mtime, reason in rows}

    @guard
    def write_batch(
        self, records: Sequence[ArticleRecord], skips: Sequence[SkipRecord]
    ) -> BatchResult:
        """Write loaded and skipped files in one transaction.

        A new path whose content matches a missing article takes over that row, so the
        article's id, reading state and notes follow a moved or renamed file.
        """
        result = BatchResult([], [], [], [])
        indexed_at = now()
        with self._transaction() as conn:
            # A first index has no missing rows: skip a query per file looking for one.
            moves = conn.execute(_ANY_MISSING_SQL).fetchone()[0]
            # One revision per batch: the stamp the search index keeps with each document,
            # so that checking the index against the library compares content, not counts.
            revision = int(conn.execute(_NEXT_REVISION_SQL).fetchone()[0]) if records else 0
            for record in records:
                self._write_article(conn, record, (indexed_at, revision), result, moves)
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
        self,
        conn: sqlite3.Connection,
        record: ArticleRecord,
        written: tuple[str, int],
        result: BatchResult,
        moves: bool,
    ) -> None:
        row = conn.execute(
            "SELECT id, missing FROM articles WHERE path = ?", (record.path,)
        ).fetchone()
        if row:
            (result.added if row[1] else result.changed).append(row[0])
        elif moves:
            row = conn.execute(_MOVED_SQL, (record.content_hash,)).fetchone()
            if row:
                result.moved.append(row[0])
        values = (*record[:-1], *written)
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

    @guard
    def mark_missing(self, paths: Sequence[bytes]) -> list[int]:
        """Flag articles whose files are gone; their rows wait for a move or a purge."""
        if not paths:
            return []  # the usual rescan: no write transaction at all
        with self._transaction() as conn:
            return [
                row[0]
                for path in paths
                for row in conn.execute(
                    "UPDATE articles SET missing = 1 WHERE path = ? AND missing = 0 RETURNING id",
                    (path,),
                )
            ]

    @guard
    def purge_missing(self) -> list[int]:
        """Delete missing articles that hold no user data; return their ids."""
        if not self._conn().execute(_ANY_MISSING_SQL).fetchone()[0]:
            return []
        with self._transaction() as conn:
            rows = conn.execute(_PURGE_SQL)
            return [row[0] for row in rows]

    @guard
    def forget_skipped(self, paths: Sequence[bytes]) -> None:
        if not paths:
            return
        with self._transaction() as conn:
            conn.executemany("DELETE FROM skipped WHERE path = ?", [(p,) for p in paths])

    @guard
    def count(self, roots: Sequence[Path] | None = None) -> int:
        where, params = under(roots)
        sql = f"SELECT count(*) FROM articles WHERE missing = 0 AND {where}"
        return int(self._conn().execute(sql, params).fetchone()[0])
