"""`reader check`: files, library, search index and notes compared; `--repair` makes them agree.

Each test builds a small library in its own data directory, disturbs one thing as a user (or
a crash, or a second instance) would, and looks at what `reader check` says and exits with.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cli.check_command import build_parser, run_check
from reader.core.check import check
from reader.core.config import Settings
from reader.core.notes import NotesStore
from reader.core.search import SearchIndex
from reader.core.session import LibrarySession
from reader.core.store import Store

WORDS = ("otter", "heron", "badger")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    for word in WORDS:
        (folder / f"{word}.md").write_text(f"# The {word}\n\nA short piece about the {word}.\n")
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def index(root: Path, data: Path) -> None:
    session = LibrarySession([root], data, Settings())
    try:
        session.open()
        session.update()
    finally:
        session.close()


def reader_check(data: Path, *argv: str | Path) -> int:
    args = build_parser().parse_intermixed_args([*map(str, argv), "--data-dir", str(data)])
    return run_check(args)


def found(root: Path, data: Path, query: str) -> list[Path]:
    session = LibrarySession([root], data, Settings())
    try:
        session.open()
        return [Path(result.path) for result in session.search(query).results]
    finally:
        session.close()


def edit(path: Path, text: str) -> None:
    stat = path.stat()
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def index_files(data: Path) -> list[Path]:
    return sorted(path for path in (data / "search-index").iterdir() if path.is_file())


def test_a_fresh_library_agrees(root: Path, data: Path, capsys: pytest.CaptureFixture) -> None:
    index(root, data)
    assert reader_check(data, root) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == ("all agree: 3 articles, 0 notes, search index in step")


def test_an_edited_file_is_reported_changed_and_a_repair_makes_it_searchable(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    index(root, data)
    edit(root / "heron.md", "# The heron\n\nA heron watched the quokkasaurus.\n")
    assert reader_check(data, root) == 1
    out = capsys.readouterr().out
    assert "1 file changed on disk since it was indexed" in out
    assert str(root / "heron.md") in out
    assert "drift found: 1 changed file; run `reader check --repair`" in out
    assert found(root, data, "quokkasaurus") == []  # checking fixed nothing

    assert reader_check(data, root, "--repair") == 0
    assert "all agree: 3 articles" in capsys.readouterr().out
    assert found(root, data, "quokkasaurus") == [root / "heron.md"]
    assert reader_check(data, root) == 0


def test_new_and_deleted_files_are_reported(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    index(root, data)
    (root / "otter.md").unlink()
    (root / "newt.md").write_text("# The newt\n\nA newt.\n")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    assert reader_check(data, root) == 1
    out = capsys.readouterr().out
    assert "1 file on disk is not in the library" in out
    assert "1 article in the library has no file any more" in out
    assert reader_check(data, root, "--repair") == 0
    out = capsys.readouterr().out
    assert "info: 1 skipped file" in out  # skipped files are not drift
    assert found(root, data, "newt") == [root / "newt.md"]
    assert found(root, data, "otter") == []


def test_without_a_path_the_disk_is_not_compared_and_it_says_so(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    index(root, data)
    edit(root / "heron.md", "# The heron\n\nChanged.\n")
    assert reader_check(data) == 0
    out = capsys.readouterr().out
    assert "files on disk not compared with the library (no PATH given)" in out
    assert "all agree: 3 articles, 0 notes, search index in step" in out


def test_deleted_search_index_files_are_reported_and_a_repair_rebuilds_them(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    index(root, data)
    for path in index_files(data):
        path.unlink()
    assert reader_check(data) == 1
    assert "the search index is missing" in capsys.readouterr().out
    assert reader_check(data, "--repair") == 0
    assert "all agree: 3 articles" in capsys.readouterr().out
    assert found(root, data, "badger") == [root / "badger.md"]


@pytest.mark.parametrize(
    ("harm", "said"),
    [("flip", "search index: 1 damaged file"), ("delete", "search index: 1 file is missing")],
)
def test_a_damaged_or_missing_segment_file_is_reported_and_a_repair_rebuilds_it(
    root: Path, data: Path, capsys: pytest.CaptureFixture, harm: str, said: str
) -> None:
    index(root, data)
    segment = next(path for path in index_files(data) if path.suffix == ".term")
    if harm == "flip":
        damaged = bytearray(segment.read_bytes())
        damaged[len(damaged) // 3] ^= 0xFF
        segment.write_bytes(bytes(damaged))
    else:
        segment.unlink()
    for _ in range(2):  # checking leaves the damage for the repair to answer
        assert reader_check(data, root) == 1
        out = capsys.readouterr().out
        assert said in out and segment.name in out
    assert reader_check(data, root, "--repair") == 0
    out = capsys.readouterr().out
    assert "rebuilt" in out and "all agree: 3 articles" in out
    assert found(root, data, "heron") == [root / "heron.md"]


def test_a_damaged_library_database_is_reported_and_rebuilt_by_a_repair(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    index(root, data)
    library = data / "library.db"
    raw = bytearray(library.read_bytes())
    raw[4096 : 4096 * 3] = b"\x55" * (4096 * 2)
    library.write_bytes(bytes(raw))
    for _ in range(2):  # not rebuilt by merely checking
        assert reader_check(data, root) == 1
        assert "library.db is damaged" in capsys.readouterr().out
    assert reader_check(data, root, "--repair") == 0
    assert "all agree: 3 articles" in capsys.readouterr().out


def test_a_note_saved_while_another_reader_holds_the_index_is_reported_missing(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    index(root, data)
    other = SearchIndex.open(data)
    other.acquire_writer()
    store = Store.open(data)
    try:
        article = store.id_for_path(root / "otter.md")
        assert article is not None
        notes = NotesStore.for_store(store)
        notes.save_note(article, "remember the kumquat", expected_version=0)
        notes.close()
    finally:
        store.close()
    try:
        assert reader_check(data, root) == 1
        out = capsys.readouterr().out
        assert "search index: 1 note missing from it" in out
        assert reader_check(data, root, "--repair") == 1  # the index is still held
        out = capsys.readouterr().out
        assert "not repaired: another reader is updating the search index" in out
    finally:
        other.close()
    assert reader_check(data, root, "--repair") == 0
    assert "all agree: 3 articles, 1 note, search index in step" in capsys.readouterr().out
    assert found(root, data, "kumquat") == [root / "otter.md"]


def test_orphaned_highlights_and_notes_on_vanished_files_are_information_not_drift(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    index(root, data)
    store = Store.open(data)
    try:
        otter, heron = (store.id_for_path(root / f"{word}.md") for word in ("otter", "heron"))
        assert otter is not None and heron is not None
        notes = NotesStore.for_store(store)
        text = "A short piece about the otter."
        notes.add_highlight(otter, text, 8, 13)
        notes.reanchor_article(otter, "Nothing like it any more.")
        notes.save_note(heron, "a note on the heron", expected_version=0)
        notes.close()
    finally:
        store.close()
    (root / "heron.md").unlink()
    assert reader_check(data, root, "--repair") == 0
    out = capsys.readouterr().out
    assert "info: 1 highlight could not be placed" in out
    assert "info: 1 article whose file is gone still holds notes or highlights" in out
    assert "all agree: 2 articles, 1 note" in out


def test_json_is_machine_readable_and_ascii(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    cafe = root / "café.md"
    cafe.write_text("# Café\n\nCoffee.\n")
    index(root, data)
    edit(cafe, "# Café\n\nCoffee, changed.\n")
    assert reader_check(data, root, "--json") == 1
    out = capsys.readouterr().out
    assert out.isascii()
    report = json.loads(out)
    assert report["agrees"] is False
    changed = [item for item in report["findings"] if item["kind"] == "files_changed"]
    assert changed[0]["count"] == 1 and changed[0]["examples"] == [str(cafe)]
    assert reader_check(data, root, "--repair", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["agrees"] is True and report["before_repair"]["agrees"] is False
    assert report["articles"] == 4


def test_a_missing_path_is_a_usage_error(
    root: Path, data: Path, capsys: pytest.CaptureFixture
) -> None:
    assert reader_check(data, root / "nowhere") == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_the_core_check_reads_a_session(root: Path, data: Path) -> None:
    index(root, data)
    session = LibrarySession([root], data, Settings())
    try:
        session.open()
        report = check(session, None, [root])
        assert report.agrees and report.articles == 3
        edit(root / "otter.md", "# The otter\n\nEdited.\n")
        report = check(session, None, [root])
        assert not report.agrees and report.count("files_changed") == 1
        assert report.lines()[-1].startswith("drift found: 1 changed file")
    finally:
        session.close()
