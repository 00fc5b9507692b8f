"""The two databases: today's reader.db split without losing a row, user data salvaged from
damage, rolling backups, and the library rebuilt around the notes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.core import backups
from reader.core.library import scan
from reader.core.notes import NotesStore
from reader.core.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEGACY_LIBRARY = Path("/tmp/reader-legacy-fixture/legacy-library")
LEGACY_FILES = {  # as tests/fixtures/make_legacy_db.py wrote them (gone.md was deleted)
    "herons.md": "# Herons\n\nThe grey heron waits in the shallows for hours.\n",
    "tides.txt": "Tides\n\nThe moon pulls the sea twice a day.\n",
}
MAX = 1 << 20


@pytest.fixture
def legacy_data(tmp_path: Path) -> Path:
    """A data directory holding the reader.db that reader wrote before the split."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "legacy-reader.db", data / "reader.db")
    shutil.rmtree(LEGACY_LIBRARY, ignore_errors=True)
    LEGACY_LIBRARY.mkdir(parents=True)
    for name, text in LEGACY_FILES.items():
        (LEGACY_LIBRARY / name).write_text(text, encoding="utf-8")
    return data


def test_the_database_of_the_previous_version_is_split_keeping_everything(
    legacy_data: Path,
) -> None:
    before = (legacy_data / "reader.db").read_bytes()
    store = Store.open(legacy_data)
    [notice] = store.notices
    assert "split in two" in notice
    (kept,) = legacy_data.glob("reader.db.before-split-*")
    assert kept.read_bytes() == before and str(kept) in notice
    assert not (legacy_data / "reader.db").exists()

    herons = store.id_for_path(LEGACY_LIBRARY / "herons.md")
    tides = store.id_for_path(LEGACY_LIBRARY / "tides.txt")
    assert herons and tides
    assert store.reading_state(herons).position == 7
    assert store.reading_state(tides).read
    assert store.get_setting("theme") == "nord"
    assert "heron" in (store.get_setting("saved_searches") or "")

    notes = NotesStore.for_store(store)
    by_title = {item.article.title: item for item in notes.collect()}
    assert by_title["Herons"].note and by_title["Herons"].note.text == "Patient birds: note one."
    assert by_title["Gone"].article.missing  # a note on a vanished file stays, flagged
    assert by_title["Gone"].note and "vanish" in by_title["Gone"].note.text
    [highlight] = by_title["Tides"].highlights
    assert (highlight.quote, highlight.comment) == ("moon pulls", "why twice?")

    # the next scan finds nothing new: the split kept the library, ids and all
    report = scan(store, [LEGACY_LIBRARY], max_bytes=MAX)
    assert (report.new, report.articles) == (0, 2)
    assert store.id_for_path(LEGACY_LIBRARY / "herons.md") == herons
    notes.close()
    store.close()


def test_the_split_library_is_searchable_with_its_notes(legacy_data: Path) -> None:
    from reader.core.config import Settings
    from reader.core.session import LibrarySession

    session = LibrarySession([LEGACY_LIBRARY], legacy_data, Settings())
    session.open()
    session.update()
    assert [r.path.name for r in session.search("heron").results][:1] == ["herons.md"]
    assert {r.kind for r in session.search("patient birds").results} == {"note"}
    assert session.search("twice").total == 2  # the article, and the highlight's comment
    session.close()


def _notes_in(data: Path, count: int) -> list[int]:
    store = Store.open(data)
    records_dir = data.parent / "lib"
    records_dir.mkdir(exist_ok=True)
    for n in range(count):
        (records_dir / f"{n}.md").write_text(f"# Article {n}\n\nBody {n}.\n")
    scan(store, [records_dir], max_bytes=MAX)
    notes = NotesStore.for_store(store)
    ids = [store.id_for_path(records_dir / f"{n}.md") or 0 for n in range(count)]
    for article_id in ids:
        notes.save_note(article_id, f"note number {article_id} " + "x" * 3000, expected_version=0)
    notes.close()
    store.close()
    Store.open(data).close()  # the next start backs up what was saved
    return ids


def test_a_damaged_user_database_gives_up_only_the_rows_it_cannot_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ids = _notes_in(data, 40)
    user = data / "user.db"
    conn = sqlite3.connect(user)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    raw = bytearray(user.read_bytes())
    middle = (len(raw) // page_size // 2) * page_size
    raw[middle : middle + page_size] = b"\xa5" * page_size  # one page of the notes overwritten
    user.write_bytes(bytes(raw))

    store = Store.open(data)
    [notice] = store.notices
    assert "Every row that could be read was saved" in notice
    (damaged,) = [p for p in data.glob("user.db.damaged-*") if p.name[-4:] not in ("-wal", "-shm")]
    assert damaged.read_bytes() == bytes(raw) and str(damaged) in notice
    notes = NotesStore.for_store(store)
    kept = {item.article.id for item in notes.collect()}
    assert 30 <= len(kept) < 40 or len(kept) == 40
    assert kept <= set(ids)
    assert f"{len(kept)} notes" in notice
    # the backup taken when they were saved brings back the rest
    assert "reader notes import" in notice
    notes.close()
    store.close()


def test_an_empty_user_database_is_set_aside_and_the_backup_offered(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _notes_in(data, 3)
    (data / "user.db").write_bytes(b"")
    store = Store.open(data)
    [notice] = store.notices
    assert "is empty (zero bytes)" in notice
    assert str(backups.newest(data)) in notice
    store.close()


def test_backups_are_daily_at_most_and_the_last_seven_are_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _notes_in(data, 2)
    user = data / "user.db"
    taken = list((data / "backups").glob("user-????-??-??.db"))
    assert len(taken) == 1  # opening again the same day takes none
    Store.open(data).close()
    assert len(list((data / "backups").glob("user-????-??-??.db"))) == 1
    start = dt.date.today() + dt.timedelta(days=1)
    for day in range(10):
        assert backups.keep_daily(user, data, today=start + dt.timedelta(days=day)) == []
    daily = sorted(p.name for p in (data / "backups").glob("user-????-??-??.db"))
    assert len(daily) == backups.KEEP
    assert daily[-1] == f"user-{start + dt.timedelta(days=9)}.db"
    copy = sqlite3.connect(data / "backups" / daily[-1])
    assert copy.execute("SELECT count(*) FROM notes").fetchone() == (2,)


def test_a_backup_is_not_taken_of_an_empty_user_database(tmp_path: Path) -> None:
    Store.open(tmp_path / "data").close()
    assert not list((tmp_path / "data").glob("backups/*.db"))


def test_a_salvage_cut_short_is_finished_at_the_next_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _notes_in(data, 2)
    user = data / "user.db"
    os.replace(user, data / "user.db.salvaged")  # killed after the damaged file was set aside
    store = Store.open(data)
    notes = NotesStore.for_store(store)
    assert len(notes.collect()) == 2
    notes.close()
    store.close()


def test_notes_import_reads_a_backup_database(tmp_path: Path) -> None:
    """A daily backup restores notes lost since, with `reader notes import BACKUP.db`."""
    from reader.cli.notes_command import build_parser, run

    data = tmp_path / "data"
    ids = _notes_in(data, 3)
    backup = backups.newest(data)
    assert backup is not None
    store = Store.open(data)
    store.close()
    user = sqlite3.connect(data / "user.db")
    user.execute("DELETE FROM notes WHERE article_id = ?", (ids[0],))  # lost since
    user.commit()
    user.close()
    assert run(build_parser().parse_args(["import", str(backup), "--data-dir", str(data)])) == 0
    store = Store.open(data)
    notes = NotesStore.for_store(store)
    restored = notes.note(ids[0])
    assert restored is not None and restored.text.startswith(f"note number {ids[0]} ")
    assert len(notes.collect()) == 3
    notes.close()
    store.close()


def test_notes_import_of_a_file_that_is_neither_says_so(tmp_path: Path) -> None:
    from reader.cli.notes_command import build_parser, run

    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"SQLite format 3\x00" + b"\xf8" * 4000)
    assert run(build_parser().parse_args(["import", str(bogus), "--data-dir", str(tmp_path)])) == 1
