"""Exports a person can read (Markdown) and a program can restore (JSON), via the CLI too."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli.notes_command import build_parser, run
from reader.core.library import scan
from reader.core.loaders import load_path
from reader.core.models import Article
from reader.core.notes import NotesError, NotesStore
from reader.core.notes.export import to_json, to_markdown
from reader.core.store import Store

HERON = (
    "Field notes\n\n"
    "The heron waited at the edge of the reeds.\n\n"
    "The strike was faster than the eye could follow.\n"
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    (root / "heron.txt").write_text(HERON)
    (root / "owl.txt").write_text("Owl \x1b]0;pwned\x07night\n\nThe owl hunts by ear alone.\n")
    return root


@pytest.fixture
def data(tmp_path: Path, library: Path) -> Iterator[Path]:
    folder = tmp_path / "data"
    store = Store.open(folder)
    scan(store, [library], max_bytes=1 << 20)
    store.close()
    yield folder


def annotate(data: Path, library: Path) -> NotesStore:
    """A note and highlights on the heron, one deleted and one orphaned; a note on the owl."""
    store = Store.open(data)
    notes = NotesStore.for_store(store)
    heron = store.id_for_path(library / "heron.txt")
    owl = store.id_for_path(library / "owl.txt")
    assert heron and owl
    store.close()
    article = load_path(library / "heron.txt")
    assert isinstance(article, Article)
    text = article.document.text
    notes.save_note(heron, "Herons are *patient*.", expected_version=0)
    for quote, comment in [("faster than the eye", "speed"), ("waited at the edge", "")]:
        start = text.index(quote)
        notes.add_highlight(heron, text, start, start + len(quote), comment=comment)
    gone = notes.add_highlight(heron, text, 0, 5, comment="deleted one")
    notes.delete_highlight(gone.id)
    lost = notes.add_highlight(heron, text, text.index("reeds"), text.index("reeds") + 5)
    notes.reanchor_article(heron, text.replace("reeds", "rushes"))
    assert notes.highlight(lost.id).orphaned  # type: ignore[union-attr]
    notes.edit_highlight(lost.id, expected_version=1, comment="was about reeds")
    notes.save_note(owl, "Owls hear \x1b[31m well.", expected_version=0)
    return notes


def cli(*argv: str) -> int:
    return run(build_parser().parse_args(list(argv)))


def test_markdown_has_each_article_its_note_and_quotes_in_reading_order(data, library) -> None:  # type: ignore[no-untyped-def]
    notes = annotate(data, library)
    markdown = to_markdown(notes.collect())
    assert "## Field notes" in markdown and str(library / "heron.txt") in markdown
    assert "Herons are *patient*." in markdown
    edge, strike = markdown.index("> waited at the edge"), markdown.index("> faster than the eye")
    assert edge < strike  # reading order, not the order they were made in
    assert markdown.index("speed") > strike
    orphans = markdown.index("### Orphaned highlights")
    assert markdown.index("> reeds *(orphaned)*") > orphans
    assert markdown.index("was about reeds") > orphans
    assert "deleted one" not in markdown
    assert "\x1b" not in markdown  # a hostile title or note cannot drive a terminal on `cat`


def test_json_is_lossless_and_terminal_safe(data, library) -> None:  # type: ignore[no-untyped-def]
    notes = annotate(data, library)
    text = to_json(notes.collect(include_deleted=True))
    assert "\x1b" not in text and "\x07" not in text
    document = json.loads(text)
    owl = next(a for a in document["articles"] if a["path"].endswith("owl.txt"))
    assert owl["note"]["text"] == "Owls hear \x1b[31m well."
    heron = next(a for a in document["articles"] if a["path"].endswith("heron.txt"))
    assert len(heron["highlights"]) == 4 and sum(h["deleted"] for h in heron["highlights"]) == 1
    assert heron["content_hash"] and heron["note"]["version"] == 1


def test_import_into_a_fresh_library_restores_everything_once(data, library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    notes = annotate(data, library)
    export = tmp_path / "notes.json"
    assert cli("export", "--format", "json", "--output", str(export), "--data-dir", str(data)) == 0
    before = notes.collect(include_deleted=True)

    fresh = tmp_path / "fresh"
    store = Store.open(fresh)
    scan(store, [library], max_bytes=1 << 20)
    store.close()
    assert cli("import", str(export), "--data-dir", str(fresh)) == 0
    assert cli("import", str(export), "--data-dir", str(fresh)) == 0  # no duplicates
    after = NotesStore.open(fresh).collect(include_deleted=True)
    assert _content(after) == _content(before)


def test_a_different_note_is_kept_beside_the_imported_one(data, library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    notes = annotate(data, library)
    export = tmp_path / "notes.json"
    export.write_text(to_json(notes.collect()))
    heron = next(i for i in notes.collect() if i.note and "Herons" in i.note.text)
    notes.save_note(heron.article.id, "Rewritten since.", expected_version=1)
    report = notes.import_json(export)
    assert report.notes_merged == 1 and report.highlights_added == 0
    merged = notes.note(heron.article.id).text  # type: ignore[union-attr]
    assert merged.startswith("Rewritten since.") and "Herons are *patient*." in merged
    assert "Imported from notes.json" in merged
    again = notes.import_json(export)
    assert again.notes_merged == 0 and notes.note(heron.article.id).text == merged  # type: ignore[union-attr]


def test_notes_for_articles_not_in_the_library_are_kept_and_reattach(
    data: Path, library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = annotate(data, library)
    export = tmp_path / "notes.json"
    export.write_text(to_json(notes.collect()))
    empty = tmp_path / "empty"  # a database that has never indexed these files
    assert cli("import", str(export), "--data-dir", str(empty)) == 0
    out = capsys.readouterr().out
    assert "2 articles with notes are not in this library's index" in out
    kept = NotesStore.open(empty).collect()
    assert {item.article.missing for item in kept} == {True} and len(kept) == 2

    moved = tmp_path / "moved"
    moved.mkdir()
    (library / "heron.txt").rename(moved / "heron-moved.txt")  # same content, new place
    store = Store.open(empty)
    scan(store, [moved], max_bytes=1 << 20)
    article_id = store.id_for_path(moved / "heron-moved.txt")
    store.close()
    assert NotesStore.open(empty).note(article_id).text == "Herons are *patient*."  # type: ignore[arg-type, union-attr]


def test_a_file_that_is_not_an_export_is_refused_whole(data, library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    notes = annotate(data, library)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "reader-notes", "version": 1, "articles": [
        {"path": "/x/new.txt", "note": {"text": "partial"}},
        {"path": "/x/broken.txt", "highlights": [{"id": "h"}]},
    ]}))  # fmt: skip
    with pytest.raises(NotesError, match="nothing was imported"):
        notes.import_json(bad)
    assert all(not item.article.path.name.startswith("new") for item in notes.collect())
    (tmp_path / "other.json").write_text("[1, 2]")
    assert cli("import", str(tmp_path / "other.json"), "--data-dir", str(data)) == 1


def test_export_of_one_article_by_path(data, library, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    annotate(data, library)
    assert cli("export", str(library / "owl.txt"), "--data-dir", str(data)) == 0
    out = capsys.readouterr().out
    assert "Owls hear" in out and "Herons" not in out and "1 article." in out
    assert cli("export", str(tmp_path / "nothing-here"), "--data-dir", str(data)) == 1


def test_backup_is_a_working_database_with_the_notes(data, library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    annotate(data, library)
    target = tmp_path / "backup.db"
    assert cli("backup", "--output", str(target), "--data-dir", str(data)) == 0
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM highlights").fetchone()[0] == 4
    assert not list(tmp_path.glob(".*reader-tmp*"))


def test_export_with_no_database_says_so(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli("export", "--data-dir", str(tmp_path / "none")) == 0
    captured = capsys.readouterr()
    assert "no notes yet" in captured.err and "0 articles" in captured.out


def _content(items):  # type: ignore[no-untyped-def]
    """What a user would miss if an import lost it (ids, times and the deleted flag included)."""
    return sorted(
        (
            item.article.title,
            item.note.text if item.note else None,
            sorted(
                (h.id, h.quote, h.comment, h.color, h.deleted, h.orphaned, h.created_at)
                for h in item.highlights
            ),
        )
        for item in items
    )
