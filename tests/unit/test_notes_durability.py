"""Notes are never lost: real processes killed, racing, denied writes, a damaged database.

These run other Python processes on purpose: a kill -9 or a second writer cannot be faked
inside one process. Each stays within a few seconds.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli.notes_command import build_parser, run
from reader.core.library import scan
from reader.core.notes import NotesReadOnly, NotesStore, Saved
from reader.core.notes.atomic import cleanup_stale_temporaries
from reader.core.notes.export import to_json, write_export
from reader.core.store import Store

BODY = "A heron\n\nThe heron waited at the edge of the reeds.\n\nThen it struck.\n"

PRELUDE = """
import sys
from pathlib import Path
from reader.core.notes import NotesStore, Conflict
notes = NotesStore(Path(sys.argv[1]) / "user.db", library=Path(sys.argv[1]) / "library.db")
article_id = int(sys.argv[2])
"""


def make_library(base: Path) -> tuple[Path, int]:
    """A data directory with one indexed article; its id."""
    library = base / "library"
    library.mkdir()
    (library / "heron.txt").write_text(BODY)
    store = Store.open(base / "data")
    scan(store, [library], max_bytes=1 << 20)
    article_id = store.id_for_path(library / "heron.txt")
    store.close()
    assert article_id is not None
    return base / "data", article_id


def notes_at(data: Path) -> NotesStore:
    """The notes of a data directory, opened as every reader process opens them."""
    return NotesStore(data / "user.db", library=data / "library.db")


def child(code: str, db: Path, article_id: int, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + code, str(db), str(article_id)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


# -- kill -9 ---------------------------------------------------------------------------------

SAVE_FOREVER = """
note = notes.note(article_id)
version = note.version if note else 0
while True:
    result = notes.save_note(article_id, f"note {version}", expected_version=version)
    version = result.item.version
    print("saved", version, flush=True)
"""


def test_a_note_acknowledged_as_saved_survives_kill_9(tmp_path: Path) -> None:
    data, article_id = make_library(tmp_path)
    db = data
    for round_ in range(4):
        process = child(SAVE_FOREVER, db, article_id)
        assert process.stdout is not None
        acknowledged = 0
        for _ in range(3 + round_ * 5):  # kill at a different point each round
            words = process.stdout.readline().split()
            assert words[:1] == ["saved"], process.stderr.read() if process.stderr else ""
            acknowledged = int(words[1])
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()  # type: ignore[union-attr]
        notes = notes_at(db)  # a new process would open it the same way
        note = notes.note(article_id)
        assert note is not None and note.version >= acknowledged
        assert note.text == f"note {note.version - 1}"  # intact, not half written
        assert notes.db.get().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        notes.close()


# -- two writers -----------------------------------------------------------------------------

APPEND_200 = """
tag = sys.argv[3]
print("ready", flush=True)
sys.stdin.readline()
conflicts = 0
for n in range(200):
    while True:
        note = notes.note(article_id)
        text, version = (note.text, note.version) if note else ("", 0)
        result = notes.save_note(article_id, text + f"{tag}-{n}\\n", expected_version=version)
        if not isinstance(result, Conflict):
            break
        conflicts += 1
print(conflicts, flush=True)
"""


def test_two_processes_editing_at_once_lose_no_write(tmp_path: Path) -> None:
    data, article_id = make_library(tmp_path)
    db = data
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PRELUDE + APPEND_200, str(db), str(article_id), tag],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"  # type: ignore[union-attr]
    for process in processes:
        process.stdin.write("go\n")  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert "locked" not in err
    lines = notes_at(db).note(article_id).text.splitlines()  # type: ignore[union-attr]
    assert sorted(lines) == sorted(f"{tag}-{n}" for tag in "ab" for n in range(200))
    # Each process appended in its own order, and every stale save was refused, not applied.
    assert [line for line in lines if line[0] == "a"] == [f"a-{n}" for n in range(200)]


def test_a_stale_edit_from_another_process_is_a_conflict(tmp_path: Path) -> None:
    data, article_id = make_library(tmp_path)
    notes = notes_at(data)
    notes.save_note(article_id, "mine", expected_version=0)
    process = child(
        "print(notes.save_note(article_id, 'theirs', expected_version=1).item.version)",
        data,
        article_id,
    )
    assert process.communicate(timeout=30)[0].strip() == "2"
    result = notes.save_note(article_id, "mine, edited", expected_version=1)
    assert not isinstance(result, Saved)
    assert notes.note(article_id).text == "theirs"  # type: ignore[union-attr]


# -- read-only data directory ----------------------------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can read but not write (tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="reader-ro-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def as_nobody(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run a process as another user")
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*command, sys.executable, "-c", "import reader.core.notes"], check=False
    )
    if probe.returncode:
        pytest.skip("the unprivileged user cannot run this Python")
    return subprocess.run(
        [*command, sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_read_only_data_directory_refuses_clearly_and_still_exports(shared_dir: Path) -> None:
    data, article_id = make_library(shared_dir)
    notes_at(data).save_note(article_id, "written earlier", expected_version=0)
    for path in shared_dir.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    save = as_nobody(
        PRELUDE + "try:\n    notes.save_note(article_id, 'new text', expected_version=1)\n"
        "except Exception as error:\n    print(type(error).__name__, error)",
        str(data),
        str(article_id),
    )
    assert save.stdout.startswith("NotesReadOnly cannot save the note"), save.stderr
    assert "read-only" in save.stdout
    export = as_nobody(
        "import sys\nfrom reader.cli.notes_command import build_parser, run\n"
        "sys.exit(run(build_parser().parse_args(sys.argv[1:])))",
        "export",
        "--data-dir",
        str(data),
    )
    assert export.returncode == 0, export.stderr
    assert "written earlier" in export.stdout


def test_a_write_refused_by_the_file_system_keeps_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, article_id = make_library(tmp_path)
    notes = notes_at(data)
    notes.save_note(article_id, "on disk", expected_version=0)
    from reader.core.notes import db as notes_db

    def refuse(self: object) -> object:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(notes_db.Connections, "get", refuse)
    typed = "the text in the editor"
    with pytest.raises(NotesReadOnly, match="read-only"):
        notes.save_note(article_id, typed, expected_version=1)
    monkeypatch.undo()
    assert typed == "the text in the editor"  # the caller's text is untouched
    assert notes.note(article_id).text == "on disk"  # type: ignore[union-attr]


# -- a damaged database ----------------------------------------------------------------------


def test_a_damaged_user_database_is_salvaged_set_aside_intact_and_an_export_restores_it(
    tmp_path: Path,
) -> None:
    data, article_id = make_library(tmp_path)
    notes = notes_at(data)
    notes.save_note(article_id, "survive this", expected_version=0)
    text = "A heron\n\nThe heron waited at the edge of the reeds.\n\nThen it struck."
    start = text.index("waited")
    notes.add_highlight(article_id, text, start, start + 6, comment="patience")
    export = tmp_path / "export.json"
    write_export(to_json(notes.collect(include_deleted=True)), export)
    notes.close()

    db = data / "user.db"
    damaged = bytearray(db.read_bytes())
    damaged[4096:8192] = b"\xa5" * 4096  # a page of garbage
    db.write_bytes(bytes(damaged))
    for side in ("user.db-wal", "user.db-shm"):
        (data / side).unlink(missing_ok=True)

    fresh = NotesStore.open(data)
    [notice] = fresh.notices
    [aside] = [p for p in data.glob("user.db.damaged-*") if p.name[-4:] not in ("-wal", "-shm")]
    assert str(aside) in notice and "Every row that could be read was saved" in notice
    assert aside.read_bytes() == bytes(damaged)  # moved, never rewritten
    assert run(build_parser().parse_args(["import", str(export), "--data-dir", str(data)])) == 0
    [restored] = fresh.collect()
    assert restored.note is not None and restored.note.text == "survive this"
    assert [h.comment for h in restored.highlights] == ["patience"]


# -- atomic export ---------------------------------------------------------------------------


def test_a_failed_export_leaves_the_previous_one_and_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "notes.md"
    write_export("the previous export\n", target)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        write_export("the new export\n", target)
    monkeypatch.undo()
    assert target.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]


def test_a_stale_temporary_file_from_a_crash_is_cleaned_up(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f".notes.md.reader-tmp-{dead.stdout.strip()}-0badc0de"
    stale.write_text("half an exp")
    busy = tmp_path / f".notes.md.reader-tmp-{os.getpid()}-1234abcd"  # an export in progress
    busy.write_text("being written")
    unrelated = tmp_path / ".notes.md"
    unrelated.write_text("not ours")
    assert cleanup_stale_temporaries(tmp_path) == [stale]
    assert busy.exists() and unrelated.exists()


def test_the_export_command_reports_a_full_disk_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data, article_id = make_library(tmp_path)
    notes_at(data).save_note(article_id, "x", expected_version=0)
    target = tmp_path / "out.json"
    target.write_text(json.dumps({"previous": True}))
    monkeypatch.setattr(
        os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full"))
    )
    argv = ["export", "--format", "json", "--output", str(target), "--data-dir", str(data)]
    assert run(build_parser().parse_args(argv)) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert json.loads(target.read_text()) == {"previous": True}
