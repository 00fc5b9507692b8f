"""The two databases' tables, as numbered migrations, and the triggers that tie them together.

reader keeps two SQLite files in the data directory, because they deserve different care:

- `library.db` holds what is *derived* from the article files: their rows, their text, the
  skipped files, and the search outbox. Any damage to it is answered by rebuilding it from
  the files; it never holds anything the user made.
- `user.db` holds what the user *made*: reading state, notes, highlights, settings, and for
  every article with any of those, its identity (`article_keys`: path and content hash), so
  that a rebuilt library gives those articles back their ids and the user data its articles.

Both are opened by one connection (library as `main`, user attached as `user`), so queries
join them by table name as if they were one database.

The outboxes are the record of what the search index has not taken in yet: a trigger adds a
row in the same transaction as every change of an article or a note, so no writer (the app,
`reader index`, a second instance, an import) can change one without leaving a trace, and
whoever next holds the index's lock replays them (see `reader.core.search.outbox`).
"""

from __future__ import annotations

LIBRARY_MIGRATIONS: list[str] = [
    # 1: articles, their text, skipped files, the library's own settings, the search outbox.
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        path BLOB NOT NULL UNIQUE,          -- os.fsencode(): lossless for any file name
        root BLOB NOT NULL,
        display_path TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        content_hash TEXT NOT NULL,         -- blake2b of the bytes: follows moved files
        format TEXT NOT NULL DEFAULT 'text',
        title TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        date TEXT,                          -- ISO 8601
        tags TEXT NOT NULL DEFAULT '',      -- joined with U+001F
        description TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        words INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '',  -- joined with newlines
        missing INTEGER NOT NULL DEFAULT 0, -- file gone, row kept for its user data
        indexed_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 0 -- bumped by every write: the search index's stamp
    );
    CREATE INDEX articles_missing ON articles(content_hash) WHERE missing = 1;  -- moves, purges
    CREATE INDEX articles_date ON articles(date);
    CREATE INDEX articles_title ON articles(title COLLATE NOCASE);
    CREATE TABLE article_text (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        text TEXT NOT NULL
    );
    CREATE TABLE skipped (
        path BLOB PRIMARY KEY,
        display_path TEXT NOT NULL,
        reason TEXT NOT NULL,
        size INTEGER NOT NULL DEFAULT -1,
        mtime_ns INTEGER NOT NULL DEFAULT -1
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE search_outbox (seq INTEGER PRIMARY KEY, article_id INTEGER NOT NULL);
    CREATE TRIGGER article_added AFTER INSERT ON articles
        BEGIN INSERT INTO search_outbox (article_id) VALUES (new.id); END;
    CREATE TRIGGER article_changed AFTER UPDATE ON articles
        BEGIN INSERT INTO search_outbox (article_id) VALUES (new.id); END;
    CREATE TRIGGER article_deleted AFTER DELETE ON articles
        BEGIN INSERT INTO search_outbox (article_id) VALUES (old.id); END;
    """,
]

USER_MIGRATIONS: list[str] = [
    # 1: what the user made, the identity of the articles it belongs to, the notes outbox.
    # No foreign keys to articles: they live in the other file. The scanner never deletes an
    # article row with user data (`USER_DATA_TABLES`), and a rebuilt library is seeded from
    # `article_keys`, so every row here keeps its article.
    """
    CREATE TABLE article_keys (
        article_id INTEGER PRIMARY KEY,
        path BLOB NOT NULL,
        root BLOB NOT NULL,
        display_path TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        date TEXT
    );
    CREATE TABLE reading_state (
        article_id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL DEFAULT 0,
        read INTEGER NOT NULL DEFAULT 0,
        last_read TEXT
    );
    CREATE INDEX reading_state_last_read ON reading_state(last_read);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE notes (
        article_id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1  -- optimistic concurrency: bumped by every save
    );
    CREATE INDEX notes_updated ON notes(updated_at);
    CREATE TABLE highlights (
        id TEXT PRIMARY KEY,                -- uuid4: survives export and import
        article_id INTEGER NOT NULL,
        quote TEXT NOT NULL,
        prefix TEXT NOT NULL DEFAULT '',
        suffix TEXT NOT NULL DEFAULT '',
        start_offset INTEGER NOT NULL,      -- into the article's Document.text
        end_offset INTEGER NOT NULL,
        orphaned INTEGER NOT NULL DEFAULT 0, -- could not be placed in the current text
        color TEXT NOT NULL DEFAULT 'yellow',
        comment TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        deleted_at TEXT                     -- soft delete: undo clears it
    );
    CREATE INDEX highlights_article ON highlights(article_id, start_offset);
    CREATE INDEX highlights_updated ON highlights(updated_at);
    CREATE TABLE note_outbox (
        seq INTEGER PRIMARY KEY,
        note_id TEXT NOT NULL,
        article_id INTEGER NOT NULL
    );
    CREATE TRIGGER note_saved AFTER INSERT ON notes BEGIN
        INSERT INTO note_outbox (note_id, article_id)
            VALUES ('note:' || new.article_id, new.article_id);
    END;
    CREATE TRIGGER note_changed AFTER UPDATE ON notes BEGIN
        INSERT INTO note_outbox (note_id, article_id)
            VALUES ('note:' || new.article_id, new.article_id);
    END;
    CREATE TRIGGER note_deleted AFTER DELETE ON notes BEGIN
        INSERT INTO note_outbox (note_id, article_id)
            VALUES ('note:' || old.article_id, old.article_id);
    END;
    CREATE TRIGGER highlight_saved AFTER INSERT ON highlights BEGIN
        INSERT INTO note_outbox (note_id, article_id) VALUES (new.id, new.article_id);
    END;
    CREATE TRIGGER highlight_changed AFTER UPDATE ON highlights BEGIN
        INSERT INTO note_outbox (note_id, article_id) VALUES (new.id, new.article_id);
    END;
    CREATE TRIGGER highlight_deleted AFTER DELETE ON highlights BEGIN
        INSERT INTO note_outbox (note_id, article_id) VALUES (old.id, old.article_id);
    END;
    """,
]

LIBRARY_TABLES = frozenset({"articles", "article_text", "skipped", "meta", "search_outbox"})
USER_TABLES = frozenset({"article_keys", "reading_state", "settings", "notes", "highlights"})
"""Tables every version of each file has; without them a file is someone else's."""

USER_DATA_TABLES: tuple[str, ...] = ("reading_state", "notes", "highlights")
"""Tables keyed by article id that hold what the user made; a missing article with a row in
any of them is kept (and follows its file if it reappears)."""

SALVAGED_TABLES: tuple[str, ...] = (
    "article_keys",
    "reading_state",
    "settings",
    "notes",
    "highlights",
)
"""The user tables worth saving from a damaged user.db, in the order they are copied."""

_KEY_COLUMNS = "article_id, path, root, display_path, content_hash, title, date"
_KEY_FROM_ARTICLE = "SELECT id, path, root, display_path, content_hash, title, date FROM articles"

PAIR_TRIGGERS: tuple[str, ...] = (
    *(
        f"""CREATE TEMP TRIGGER IF NOT EXISTS keep_key_{table} AFTER INSERT ON user.{table} BEGIN
            INSERT OR IGNORE INTO article_keys ({_KEY_COLUMNS})
            {_KEY_FROM_ARTICLE} WHERE id = new.article_id;
        END"""
        for table in USER_DATA_TABLES
    ),
    f"""CREATE TEMP TRIGGER IF NOT EXISTS follow_key AFTER UPDATE OF
            path, root, display_path, content_hash, title, date ON main.articles BEGIN
        UPDATE article_keys SET ({_KEY_COLUMNS}) = ({_KEY_FROM_ARTICLE} WHERE id = new.id)
        WHERE article_id = new.id;
    END""",
)
"""Per connection (TEMP triggers may span the two files): the moment user data is first
written for an article, its identity is copied into user.db, and kept in step as the article
moves or changes; the scanner and the notes never have to remember to."""

SEED_FROM_KEYS = """
    INSERT OR IGNORE INTO articles
        (id, path, root, display_path, size, mtime_ns, content_hash, title, date, missing,
         indexed_at)
    SELECT article_id, path, root, display_path, -1, -1, content_hash, title, date, 1, ?
    FROM article_keys
"""
"""A rebuilt library starts with a missing row for every article the user data knows: the
scan finds them by path (or by content, moved) and gives them back their ids."""
