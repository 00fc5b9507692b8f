"""The command line where the environment is unkind: an ASCII locale, a database that fails.

Under LANG=C and LC_ALL=C with PYTHONUTF8=0 (cron jobs, containers, some service managers)
Python's stdout is ASCII: a title such as "Café" made `reader search` and `reader notes export`
crash with UnicodeEncodeError. Now JSON is written ASCII-escaped (the same data, still valid)
and text with backslash escapes. These run the installed `reader`, as a script would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.__main__ import main
from reader.core.schema import StoreError
from reader.core.session import LibrarySession

READER = Path(sys.executable).with_name("reader")
TITLE = "Café Ünïcode 東京 🦦"
NOTE = "Crème brûlée, naïve — 東京 🦦"


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    root = tmp_path / "shelf"
    root.mkdir()
    (root / "cafe.md").write_text(
        f"# {TITLE}\n\nThe otter served crème brûlée in 東京.\n", encoding="utf-8"
    )
    return root


def ascii_reader(*args: str, data: Path) -> subprocess.CompletedProcess[bytes]:
    """The installed `reader ARGS` under an ASCII locale with Python's UTF-8 mode off."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONIOENCODING"}
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0", READER_DATA_DIR=str(data))
    return subprocess.run(
        [str(READER), *args],
        env=env,
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_index_and_search_answer_under_an_ascii_locale(shelf: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    index = ascii_reader("index", str(shelf), data=data)
    assert index.returncode == 0 and b"Traceback" not in index.stderr

    found = ascii_reader("search", "otter", str(shelf), "--json", data=data)
    assert found.returncode == 0 and b"Traceback" not in found.stderr
    found.stdout.decode("ascii")  # every byte is ASCII ...
    assert [row["title"] for row in json.loads(found.stdout)] == [TITLE]  # ... and nothing lost

    text = ascii_reader("search", "otter", str(shelf), data=data)
    assert text.returncode == 0 and b"Traceback" not in text.stderr
    assert b"Caf\\xe9" in text.stdout  # what ASCII cannot show, escaped


def test_notes_export_to_stdout_under_an_ascii_locale(shelf: Path, tmp_path: Path) -> None:
    from reader.core.notes import NotesStore
    from reader.core.store import Store

    data = tmp_path / "data"
    assert ascii_reader("index", str(shelf), data=data).returncode == 0
    store = Store.open(data)
    try:
        article = store.id_for_path(shelf / "cafe.md")
        assert article is not None
        NotesStore.for_store(store).save_note(article, NOTE, expected_version=0)
    finally:
        store.close()

    markdown = ascii_reader("notes", "export", data=data)
    assert markdown.returncode == 0 and b"Traceback" not in markdown.stderr
    assert b"Cr\\xe8me" in markdown.stdout

    exported = ascii_reader("notes", "export", "--format", "json", data=data)
    assert exported.returncode == 0 and b"Traceback" not in exported.stderr
    exported.stdout.decode("ascii")
    assert NOTE in json.dumps(json.loads(exported.stdout), ensure_ascii=False)


def test_a_database_problem_during_search_is_one_line(
    shelf: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Searching reads the database too; a failure there was a traceback (index and notes
    already said it in one line)."""
    message = "cannot read the library database: the disk is full (free some space)"

    def fail(*_args: object, **_kwargs: object) -> None:
        raise StoreError(message)

    monkeypatch.setattr(LibrarySession, "search", fail)
    code = main(["search", "otter", str(shelf)])
    out, err = capsys.readouterr()
    assert (code, out, err) == (1, "", f"reader: {message}\n")


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """`reader index | head -1`: once head has gone, the rest of the report has nowhere to go.
    That was a BrokenPipeError traceback; now it is the shell's 141, as for `yes | head`."""
    root = tmp_path / "empties"
    root.mkdir()
    for number in range(2_000):  # one "skipped …: empty file" line each: far over a pipe's 64 KB
        (root / f"empty{number:04}.md").write_bytes(b"")
    env = {**os.environ, "READER_DATA_DIR": str(tmp_path / "data")}
    index = subprocess.Popen(
        [str(READER), "index", str(root)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert index.stdout is not None and index.stderr is not None
    assert b"2,000 skipped" in index.stdout.readline()
    index.stdout.close()
    err = index.stderr.read()
    assert (index.wait(timeout=60), err) == (141, b"")
