"""The command line as a user meets it: usage, refusals, grammar, exports and `reader index`.

Every command runs through `reader.__main__.main` (or the installed `reader`) on a fresh data
directory (conftest sets READER_DATA_DIR per test) and on folders written here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.__main__ import main
from reader.core.notes import NotesStore
from reader.core.search import SearchIndex
from reader.core.search.directory import INDEX_DIR
from reader.core.store import Store

READER = Path(sys.executable).with_name("reader")


def reader(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `reader ARGS` in-process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as stop:  # argparse: --help, usage errors
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    root = tmp_path / "shelf"
    root.mkdir()
    (root / "heron.txt").write_text("Field notes\n\nThe heron waited at the edge of the reeds.\n")
    return root


# -- usage -------------------------------------------------------------------------------


def test_search_usage_shows_path_optional_and_what_no_path_searches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = reader(capsys, "search", "--help")
    assert code == 0
    assert "usage: reader search [-h] QUERY [PATH ...]" in out
    assert "every library in the data directory" in " ".join(out.split())
    _, out, _ = reader(capsys, "--help")
    assert "every library in the data directory when none is" in out


def test_options_may_come_after_the_paths(capsys: pytest.CaptureFixture[str], shelf: Path) -> None:
    code, out, err = reader(capsys, "search", "heron", "--limit", "1", str(shelf), "--json")
    assert (code, err) == (0, "")
    assert [Path(row["path"]).name for row in json.loads(out)] == ["heron.txt"]


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_limit_must_be_at_least_one(capsys: pytest.CaptureFixture[str], limit: str) -> None:
    code, out, err = reader(capsys, "search", "heron", f"--limit={limit}")
    assert code == 2 and out == ""
    assert "--limit" in err and ("at least 1" in err or "whole number" in err)


# -- a data directory that is a file -----------------------------------------------------

COMMANDS = [
    ["index"],
    ["search", "heron"],
    ["notes", "export"],
    ["notes", "import", "x.json"],
    ["notes", "backup"],
]


@pytest.mark.parametrize("how", ["env", "option"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_data_dir_that_is_a_file_is_refused(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    shelf: Path,
    command: list[str],
    how: str,
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("I am a file\n")
    args = [*command, str(shelf)] if command == ["index"] else list(command)
    if how == "env":
        monkeypatch.setenv("READER_DATA_DIR", str(blocker))
    else:
        args += ["--data-dir", str(blocker / "below")]
    code, out, err = reader(capsys, *args)
    assert code == 2 and out == ""
    assert "not a folder" in err and str(blocker) in err
    assert blocker.read_text() == "I am a file\n"


def test_the_app_refuses_a_data_dir_that_is_a_file_before_drawing(
    tmp_path: Path, shelf: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    env = {**os.environ, "READER_DATA_DIR": str(blocker)}
    done = subprocess.run(
        [str(READER), str(shelf)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "not a folder" in done.stderr and "\x1b[" not in done.stdout + done.stderr


# -- counts ------------------------------------------------------------------------------


def test_counts_of_one_are_singular(
    capsys: pytest.CaptureFixture[str], shelf: Path, tmp_path: Path
) -> None:
    _, out, _ = reader(capsys, "index", str(shelf))
    assert out.startswith("1 article: 1 new,")
    assert "1 articles" not in out
    _, out, _ = reader(capsys, "search", "heron", str(shelf))
    assert out.startswith("1 result\n")

    store = Store.open(Path(os.environ["READER_DATA_DIR"]))
    article_id = store.id_for_path(shelf / "heron.txt")
    notes = NotesStore.for_store(store)
    notes.save_note(article_id or 0, "Patient birds.", expected_version=0)
    notes.close()
    store.close()
    target = tmp_path / "notes.json"
    _, out, _ = reader(capsys, "notes", "export", "--format", "json", "-o", str(target))
    assert out == f"exported notes of 1 article to {target}\n"

    fresh = tmp_path / "fresh"
    _, out, _ = reader(capsys, "notes", "import", str(target), "--data-dir", str(fresh))
    assert out.startswith("1 note added,")
    assert "1 article with notes is not in this library's index" in out


# -- exports with no notes ---------------------------------------------------------------


@pytest.mark.parametrize("form", ["markdown", "json"])
def test_an_export_with_no_notes_is_a_valid_empty_export(
    capsys: pytest.CaptureFixture[str], shelf: Path, tmp_path: Path, form: str
) -> None:
    reader(capsys, "index", str(shelf))
    code, out, err = reader(capsys, "notes", "export", "--format", form, str(shelf))
    assert code == 0 and "no notes yet" in err
    if form == "json":
        assert json.loads(out)["articles"] == []
    else:
        assert out.startswith("# Notes and highlights") and "0 articles." in out
    target = tmp_path / f"backup.{form}"
    code, out, _ = reader(
        capsys, "notes", "export", "--format", form, "-o", str(target), str(shelf)
    )
    assert code == 0 and target.is_file()
    assert out == f"exported notes of 0 articles to {target}\n"


# -- reader index brings search up to date -----------------------------------------------


def many(root: Path, count: int) -> Path:
    root.mkdir()
    for number in range(count):
        (root / f"a{number}.txt").write_text(f"Article {number}\n\nAn otter, number {number}.\n")
    return root


def test_index_leaves_a_complete_search_index(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    library = many(tmp_path / "lib", 60)
    code, out, _ = reader(capsys, "index", str(library))
    assert code == 0
    assert "search index built: 60 articles and 0 notes searchable" in out
    data = Path(os.environ["READER_DATA_DIR"])
    index = SearchIndex.open(data)
    assert not index.needs_rebuild and index.count() == 60
    assert index.search("otter", roots=[library]).total == 60
    index.close()

    meta = data / INDEX_DIR / "meta.json"
    before = meta.read_bytes()
    code, out, _ = reader(capsys, "search", "otter", "--json", "--limit", "100")
    assert code == 0 and len(json.loads(out)) == 60
    assert meta.read_bytes() == before  # nothing was rebuilt or added
    _, out, _ = reader(capsys, "index", str(library))
    assert "search index up to date: 60 articles and 0 notes searchable" in out


def test_index_makes_imported_notes_searchable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shelf: Path
) -> None:
    first = tmp_path / "first"
    reader(capsys, "index", str(shelf), "--data-dir", str(first))
    store = Store.open(first)
    notes = NotesStore.for_store(store)
    notes.save_note(store.id_for_path(shelf / "heron.txt") or 0, "a kingfisher", expected_version=0)
    notes.close()
    store.close()
    export = tmp_path / "notes.json"
    reader(
        capsys, "notes", "export", "--format", "json", "-o", str(export), "--data-dir", str(first)
    )

    reader(capsys, "index", str(shelf))  # the default data dir: a new machine
    reader(capsys, "notes", "import", str(export))
    code, out, _ = reader(capsys, "index", str(shelf))
    assert code == 0 and "1 article and 1 note searchable" in out
    index = SearchIndex.open(Path(os.environ["READER_DATA_DIR"]))
    found = index.search("kingfisher", roots=[shelf])
    assert [(r.kind, r.path.name) for r in found.results] == [("note", "heron.txt")]
    index.close()


@pytest.mark.parametrize("command", [("index",), ("search", "heron")])
def test_a_root_that_is_a_symbolic_link_loop_gets_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shelf: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    code, _, err = reader(capsys, *command, str(tmp_path / "a"))
    assert code == 2
    assert "Traceback" not in err
    assert err.strip().splitlines()[0] == (
        f"reader: a symbolic link that loops back on itself: {tmp_path / 'a'}"
    )
    code, _, err = reader(capsys, *command, str(tmp_path / "a"), str(shelf))
    assert code == 0, err
    assert "loops back on itself" in err


@pytest.mark.parametrize("name", ["reader.db", "user.db"])
def test_an_empty_database_file_gets_one_clear_line(
    capsys: pytest.CaptureFixture[str], shelf: Path, name: str
) -> None:
    """A zero-byte database used to "predate notes"; now it is called what it is."""
    data = Path(os.environ["READER_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    (data / name).write_bytes(b"")
    code, out, err = reader(capsys, "notes", "export")
    assert code == 0 and "is empty (zero bytes)" in err and "predates" not in err
    code, out, err = reader(capsys, "index", str(shelf))
    assert code == 0 and out.startswith("1 article: 1 new,")
    [line] = [line for line in err.splitlines() if "zero bytes" in line]
    assert "Traceback" not in err and "moved to" in line


def test_imported_notes_are_searchable_at_once(
    capsys: pytest.CaptureFixture[str], shelf: Path, tmp_path: Path
) -> None:
    reader(capsys, "index", str(shelf))
    store = Store.open(Path(os.environ["READER_DATA_DIR"]))
    article_id = store.id_for_path(shelf / "heron.txt") or 0
    store.close()
    export = {
        "format": "reader-notes",
        "version": 1,
        "articles": [
            {
                "path": str(shelf / "heron.txt"),
                "content_hash": "",
                "title": "Field notes",
                "note": {
                    "text": "wibblewobble thought",
                    "created_at": "2026-01-01T00:00:00+00:00",
                    "updated_at": "2026-01-01T00:00:00+00:00",
                    "version": 1,
                },
                "highlights": [],
            }
        ],
    }
    target = tmp_path / "export.json"
    target.write_text(json.dumps(export))
    assert reader(capsys, "notes", "import", str(target))[0] == 0
    index = SearchIndex.open(Path(os.environ["READER_DATA_DIR"]))
    found = index.search("wibblewobble")  # the index itself, before any other command
    assert [(r.kind, r.article_id) for r in found.results] == [("note", article_id)]
    index.close()
