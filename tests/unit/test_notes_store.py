"""The notes store: notes and highlights saved, versioned, re-anchored and never lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import scan
from reader.core.loaders import load_path
from reader.core.models import Article
from reader.core.notes import (
    Conflict,
    NoteChange,
    NotesDiskFull,
    NotesError,
    NotesStore,
    Saved,
)
from reader.core.notes.db import Connections
from reader.core.store import Store

BODY = (
    "Field notes\n\n"
    "The heron waited at the edge of the reeds for a long time.\n\n"
    "When the fish came, the strike was faster than the eye could follow.\n\n"
    "Later the heron flew off across the marsh.\n"
)
QUOTE = "the strike was faster than the eye could follow"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    (root / "heron.txt").write_text(BODY)
    (root / "other.txt").write_text("Other\n\nSomething else entirely.\n")
    return root


@pytest.fixture
def store(tmp_path: Path, library: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "data")
    scan(opened, [library], max_bytes=1 << 20)
    yield opened
    opened.close()


@pytest.fixture
def notes(store: Store) -> Iterator[NotesStore]:
    opened = NotesStore.for_store(store)
    yield opened
    opened.close()


def text_of(path: Path) -> str:
    article = load_path(path)
    assert isinstance(article, Article)
    return article.document.text


def heron(store: Store, library: Path) -> int:
    article_id = store.id_for_path(library / "heron.txt")
    assert article_id is not None
    return article_id


def highlight_quote(notes: NotesStore, article_id: int, text: str, quote: str = QUOTE):  # type: ignore[no-untyped-def]
    start = text.index(quote)
    return notes.add_highlight(article_id, text, start, start + len(quote), comment="fast!")


# -- notes -----------------------------------------------------------------------------------


def test_a_saved_note_reads_back_with_a_new_version(notes: NotesStore, store, library) -> None:  # type: ignore[no-untyped-def]
    article_id = heron(store, library)
    assert notes.note(article_id) is None
    first = notes.save_note(article_id, "# Herons\npatient", expected_version=0)
    assert isinstance(first, Saved) and first.item.version == 1
    second = notes.save_note(article_id, "# Herons\nvery patient", expected_version=1)
    assert isinstance(second, Saved) and second.item.version == 2
    stored = notes.note(article_id)
    assert stored is not None and stored.text == "# Herons\nvery patient" and stored.version == 2


def test_a_stale_edit_conflicts_and_overwrites_nothing(notes: NotesStore, store, library) -> None:  # type: ignore[no-untyped-def]
    article_id = heron(store, library)
    notes.save_note(article_id, "mine", expected_version=0)
    other = NotesStore(notes.path, library=notes.db.library)  # a second window or process
    assert isinstance(other.save_note(article_id, "theirs", expected_version=1), Saved)
    result = notes.save_note(article_id, "mine, edited", expected_version=1)
    assert isinstance(result, Conflict)
    assert result.current.text == "theirs" and result.current.version == 2  # type: ignore[union-attr]
    assert notes.note(article_id).text == "theirs"  # type: ignore[union-attr]
    # Having seen their text, the user saves on top of it.
    assert isinstance(notes.save_note(article_id, "merged", expected_version=2), Saved)
    other.close()


def test_saving_the_same_text_from_a_stale_version_is_not_a_conflict(notes, store, library) -> None:  # type: ignore[no-untyped-def]
    article_id = heron(store, library)
    notes.save_note(article_id, "same", expected_version=0)
    result = notes.save_note(article_id, "same", expected_version=0)
    assert isinstance(result, Saved) and result.item.version == 1


def test_note_writes_are_fully_synchronous(notes: NotesStore) -> None:
    # FULL, not NORMAL: with WAL, NORMAL can lose acknowledged commits on a power cut.
    assert notes.db.get().execute("PRAGMA synchronous").fetchone()[0] == 2


def test_a_full_disk_raises_a_clear_error_and_keeps_the_stored_note(
    notes: NotesStore, store: Store, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = heron(store, library)
    notes.save_note(article_id, "before", expected_version=0)
    real = Connections.get

    class FullDisk:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn
            self.in_transaction = conn.in_transaction

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if sql.lstrip().startswith(("INSERT", "UPDATE")):
                raise sqlite3.OperationalError("database or disk is full")
            cursor = self.conn.execute(sql, *args)
            self.in_transaction = self.conn.in_transaction
            return cursor

    monkeypatch.setattr(Connections, "get", lambda self: FullDisk(real(self)))
    with pytest.raises(NotesDiskFull, match="cannot save the note: the disk is full"):
        notes.save_note(article_id, "after", expected_version=1)
    monkeypatch.undo()
    assert notes.note(article_id).text == "before"  # type: ignore[union-attr]
    assert isinstance(notes.save_note(article_id, "after", expected_version=1), Saved)


def test_a_note_for_an_unknown_article_is_refused(notes: NotesStore) -> None:
    with pytest.raises(NotesError):
        notes.save_note(999_999, "orphan note", expected_version=0)


# -- highlights ------------------------------------------------------------------------------


def test_highlights_come_back_in_reading_order(notes: NotesStore, store, library) -> None:  # type: ignore[no-untyped-def]
    article_id = heron(store, library)
    text = text_of(library / "heron.txt")
    later = highlight_quote(notes, article_id, text, "flew off across the marsh")
    first = highlight_quote(notes, article_id, text, "waited at the edge")
    assert [h.id for h in notes.highlights(article_id)] == [first.id, later.id]
    assert first.prefix == text[max(0, first.start - 32) : first.start]
    assert text[first.start : first.end] == "waited at the edge"


def test_a_comment_edit_from_a_stale_version_conflicts(notes: NotesStore, store, library) -> None:  # type: ignore[no-untyped-def]
    article_id = heron(store, library)
    item = highlight_quote(notes, article_id, text_of(library / "heron.txt"))
    assert isinstance(notes.edit_highlight(item.id, expected_version=1, comment="A"), Saved)
    result = notes.edit_highlight(item.id, expected_version=1, comment="B")
    assert isinstance(result, Conflict) and result.current.comment == "A"  # type: ignore[union-attr]
    saved = notes.edit_highlight(item.id, expected_version=2, comment="B", color="blue")
    assert isinstance(saved, Saved)
    assert (saved.item.comment, saved.item.color) == ("B", "blue")  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        notes.edit_highlight(item.id, expected_version=3, color="not-a-colour")


def test_delete_is_undoable_and_keeps_the_highlight(notes: NotesStore, store, library) -> None:  # type: ignore[no-untyped-def]
    article_id = heron(store, library)
    item = highlight_quote(notes, article_id, text_of(library / "heron.txt"))
    deleted = notes.delete_highlight(item.id)
    assert deleted.deleted and notes.highlights(article_id) == []
    assert [h.comment for h in notes.highlights(article_id, include_deleted=True)] == ["fast!"]
    restored = notes.restore_highlight(item.id)
    assert not restored.deleted and [h.id for h in notes.highlights(article_id)] == [item.id]


def test_highlights_follow_an_edited_file_and_orphan_when_the_passage_goes(
    notes: NotesStore, store: Store, library: Path
) -> None:
    path = library / "heron.txt"
    article_id = heron(store, library)
    item = highlight_quote(notes, article_id, text_of(path))
    path.write_text(BODY.replace("Field notes\n\n", "Field notes\n\nA new opening paragraph.\n\n"))
    scan(store, [library], max_bytes=1 << 20)
    assert store.id_for_path(path) == article_id  # edited in place: same article
    new_text = text_of(path)
    [moved] = notes.reanchor_article(article_id, new_text)
    assert new_text[moved.start : moved.end] == QUOTE and moved.start > item.start
    assert moved.version == item.version  # re-anchoring is not an edit: no false conflicts

    path.write_text(BODY.replace("When the fish came, " + QUOTE + ".\n\n", ""))
    [orphan] = notes.reanchor_article(article_id, text_of(path))
    assert orphan.orphaned and orphan.quote == QUOTE and orphan.comment == "fast!"

    path.write_text(BODY)  # the passage comes back: so does the highlight
    [back] = notes.reanchor_article(article_id, text_of(path))
    assert not back.orphaned and text_of(path)[back.start : back.end] == QUOTE


def test_notes_follow_a_renamed_file_and_survive_its_removal(
    notes: NotesStore, store: Store, library: Path
) -> None:
    article_id = heron(store, library)
    notes.save_note(article_id, "keep me", expected_version=0)
    (library / "heron.txt").rename(library / "heron-renamed.txt")
    scan(store, [library], max_bytes=1 << 20)
    assert store.id_for_path(library / "heron-renamed.txt") == article_id
    (library / "heron-renamed.txt").unlink()
    scan(store, [library], max_bytes=1 << 20)  # marks missing, then purges what it may
    store.purge_missing()
    assert notes.note(article_id).text == "keep me"  # type: ignore[union-attr]
    [kept] = notes.collect()
    assert kept.article.missing and kept.note is not None


def test_losing_the_whole_library_database_loses_no_note(
    tmp_path: Path, notes: NotesStore, store: Store, library: Path
) -> None:
    article_id = heron(store, library)
    notes.save_note(article_id, "precious", expected_version=0)
    notes.close()
    store.close()
    for path in (tmp_path / "data").glob("library.db*"):
        path.unlink()  # derived data, gone
    again = Store.open(tmp_path / "data")
    kept = NotesStore.for_store(again)
    [item] = kept.collect()
    assert item.note and item.note.text == "precious" and item.article.missing
    scan(again, [library], max_bytes=1 << 20)  # the file is found again, under its old id
    assert again.id_for_path(library / "heron.txt") == article_id
    [item] = kept.collect()
    assert not item.article.missing and item.note and item.note.text == "precious"
    kept.close()
    again.close()


def test_unannotated_missing_articles_are_still_purged(notes, store, library) -> None:  # type: ignore[no-untyped-def]
    other = store.id_for_path(library / "other.txt")
    (library / "other.txt").unlink()
    scan(store, [library], max_bytes=1 << 20)
    assert store.summary(other) is None
    assert notes.collect([other]) == []


# -- listeners and search --------------------------------------------------------------------


def test_listeners_hear_committed_changes_and_cannot_break_a_save(store, library) -> None:  # type: ignore[no-untyped-def]
    heard: list[NoteChange] = []

    def listener(change: NoteChange) -> None:
        heard.append(change)
        raise RuntimeError("a buggy listener")

    notes = NotesStore.for_store(store, on_change=listener)
    article_id = heron(store, library)
    assert isinstance(notes.save_note(article_id, "x", expected_version=0), Saved)
    item = highlight_quote(notes, article_id, text_of(library / "heron.txt"))
    notes.delete_highlight(item.id)
    assert [(c.kind, c.action) for c in heard] == [
        ("note", "saved"),
        ("highlight", "saved"),
        ("highlight", "deleted"),
    ]
    assert heard[0].note_id == f"note:{article_id}" and heard[1].note_id == item.id
    notes.close()


def test_search_gets_notes_and_comments_but_not_deleted_ones(notes, store, library) -> None:  # type: ignore[no-untyped-def]
    article_id = heron(store, library)
    notes.save_note(article_id, "herons are patient", expected_version=0)
    text = text_of(library / "heron.txt")
    kept = highlight_quote(notes, article_id, text)
    gone = highlight_quote(notes, article_id, text, "flew off")
    notes.delete_highlight(gone.id)
    documents = {(d.kind, d.note_id, d.text) for d in notes.iter_note_documents()}
    assert documents == {
        ("note", f"note:{article_id}", "herons are patient"),
        ("highlight", kept.id, "fast!"),
    }
    assert list(notes.iter_note_documents(article_id + 1000)) == []
    assert notes.annotated_article_ids() == {article_id}


LEGACY_V1 = """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY, path BLOB NOT NULL UNIQUE, root BLOB NOT NULL,
        display_path TEXT NOT NULL, source TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL, content_hash TEXT NOT NULL, format TEXT NOT NULL DEFAULT 'text',
        title TEXT NOT NULL DEFAULT '', author TEXT NOT NULL DEFAULT '', date TEXT,
        tags TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '', words INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '', missing INTEGER NOT NULL DEFAULT 0,
        indexed_at TEXT NOT NULL);
    CREATE TABLE article_text (article_id INTEGER PRIMARY KEY, text TEXT NOT NULL);
    CREATE TABLE reading_state (article_id INTEGER PRIMARY KEY, position INTEGER NOT NULL
        DEFAULT 0, read INTEGER NOT NULL DEFAULT 0, last_read TEXT);
    CREATE TABLE skipped (path BLOB PRIMARY KEY, display_path TEXT NOT NULL,
        reason TEXT NOT NULL, size INTEGER NOT NULL DEFAULT -1, mtime_ns INTEGER NOT NULL
        DEFAULT -1);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
"""reader.db as the first version with notes' predecessor made it (schema 1, no notes)."""


def test_an_old_database_without_notes_is_split_keeping_its_data(tmp_path: Path) -> None:
    data = tmp_path / "old"
    data.mkdir()
    conn = sqlite3.connect(data / "reader.db")
    conn.executescript(LEGACY_V1)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO settings VALUES ('theme', 'nord')")
    conn.commit()
    conn.close()
    notes = NotesStore.open(data)
    assert Store.open(data).get_setting("theme") == "nord"
    assert any("split in two" in notice for notice in notes.notices)
    assert notes.collect() == []
    notes.close()
