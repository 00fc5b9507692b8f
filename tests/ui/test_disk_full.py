"""A full disk (issue 12): the app warns at start, a note or comment the database refuses
stays on screen and goes to a draft file, quitting asks first, and `reader index` says so and
recovers once there is room.

Two kinds of full disk: `NotesDiskFull` raised at the notes store's boundary (fault injection,
every time), and a real one, a 2 MB tmpfs filled with a file (needs `mount`, so root: skipped
with the reason otherwise).
"""

from __future__ import annotations

import errno
import gc
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from textual.pilot import Pilot

from reader.core.drafts import DraftKey, Drafts, drafts_dir, unsaved_drafts
from reader.core.notes import NotesDiskFull, NotesStore
from reader.ui.app import ReaderApp
from reader.ui.screens.highlight_comment import HighlightCommentScreen
from reader.ui.screens.main import MainScreen
from tests.ui.helpers import app_for, screen_text, toasts, wait_loaded, wait_until

REPO = Path(__file__).resolve().parents[2]
SIZE = (150, 40)
UNMOUNT_TRIES = 50
FIRST = "The quick brown fox jumps over the lazy dog. It was not amused by the dog at all."
FILLER = [f"Filler paragraph {n} has enough words to make the article scroll." for n in range(30)]


def write_article(folder: Path, name: str, title: str, paragraphs: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    front = f"---\ntitle: {title}\ndate: 2026-01-01\n---\n\n"
    path.write_text(front + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def essay(tmp_path: Path) -> Path:
    folder = tmp_path / "essay-library"
    write_article(folder, "essay.md", "A test essay", [FIRST, *FILLER])
    return folder


@pytest.fixture
def disk_full_saves(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Every note and comment save fails as on a full disk (reads and highlights work)."""

    def full(self: NotesStore, *args: object, **kwargs: object) -> object:
        raise NotesDiskFull(f"cannot save the note: the disk is full (data directory {data_dir})")

    monkeypatch.setattr(NotesStore, "save_note", full)
    monkeypatch.setattr(NotesStore, "edit_highlight", full)


class Usage(NamedTuple):
    total: int
    used: int
    free: int


def the_draft(data_dir: Path) -> str:
    [path] = unsaved_drafts(data_dir)
    return path.read_text(encoding="utf-8")


def toasted(app: ReaderApp, words: str) -> bool:
    return any(words.lower() in toast.lower() for toast in toasts(app))


async def open_essay(pilot: Pilot, app: ReaderApp) -> MainScreen:
    screen = await wait_loaded(pilot, app)
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen.reading_view.has_focus)
    await wait_until(pilot, lambda: screen._highlights_of == screen.current.id)
    return screen


async def type_unsaveable_note(pilot: Pilot, app: ReaderApp, text: str) -> MainScreen:
    screen = await open_essay(pilot, app)
    await pilot.press("a", *text)
    await wait_until(pilot, lambda: "not saved: disk full" in screen_text(app))
    return screen


# -- the note and the comment ------------------------------------------------------------------


@pytest.mark.usefixtures("disk_full_saves")
async def test_a_note_the_full_disk_refuses_stays_on_screen_and_goes_to_a_draft(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_unsaveable_note(pilot, app, "precious thoughts")
        assert "precious thoughts" in screen_text(app)
        await wait_until(pilot, lambda: toasted(app, "disk full"))
        assert toasted(app, f"in the draft {drafts_dir(data_dir)}")
        assert "\nprecious thoughts\n" in the_draft(data_dir)
        await pilot.press(*" and more")  # still editable; the next try fails the same way
        await wait_until(pilot, lambda: "\nprecious thoughts and more\n" in the_draft(data_dir))
        assert "precious thoughts and more" in screen_text(app)
        assert "not saved: disk full" in screen_text(app)
        assert sum("disk full" in toast.lower() for toast in toasts(app)) == 1  # said once
    assert NotesStore.open(data_dir).note(1) is None  # nothing reached the database
    assert "\nprecious thoughts\n" in the_draft(data_dir)  # the first version is still there


@pytest.mark.usefixtures("disk_full_saves")
async def test_quitting_with_a_note_the_full_disk_refused_asks_first(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_unsaveable_note(pilot, app, "unsaveable words")
        await pilot.press("escape", "q", "q")  # leave the panel, the article, then quit
        await wait_until(pilot, lambda: toasted(app, "could not be saved"))
        assert app.is_running  # the first q only warned
        assert "unsaveable words" in screen_text(app)
        await pilot.press("q")  # the second one means it
        await wait_until(pilot, lambda: not app.is_running)
    assert the_draft(data_dir).count("\nunsaveable words\n") == 1  # the quit's retry: no copy


@pytest.mark.usefixtures("disk_full_saves")
async def test_a_comment_the_full_disk_refuses_comes_back_in_the_dialog(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("v", "w", "w", "w", "c")  # highlights save (only comments fail)
        await wait_until(pilot, lambda: isinstance(app.screen, HighlightCommentScreen))
        await pilot.press(*"a fine pangram", "enter")
        await wait_until(pilot, lambda: "Not saved: disk full" in screen_text(app))
        assert isinstance(app.screen, HighlightCommentScreen)
        assert "a fine pangram" in screen_text(app)
        await wait_until(pilot, lambda: toasted(app, "disk full"))
        assert toasted(app, "kept in the comment dialog and in the draft")
        assert "\na fine pangram\n" in the_draft(data_dir)
        await pilot.press("escape")  # giving up on it is the reader's choice: the draft stays
        await wait_until(pilot, lambda: not isinstance(app.screen, HighlightCommentScreen))
        assert [item.comment for item in screen.highlights] == [""]
    assert "a fine pangram" in the_draft(data_dir)


# -- at start ----------------------------------------------------------------------------------


async def test_start_says_once_that_drafts_are_waiting(essay: Path, data_dir: Path) -> None:
    drafts = Drafts(data_dir)
    drafts.keep(DraftKey(1), "one", about="", reason="the disk is full")
    drafts.keep(DraftKey(2), "two", about="", reason="the disk is full")
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        notice = f"2 unsaved drafts are in {drafts_dir(data_dir)}"
        await wait_until(pilot, lambda: toasted(app, notice))
        await pilot.pause(0.3)
        assert sum(notice in toast for toast in toasts(app)) == 1


async def test_start_warns_when_the_disk_is_nearly_full(
    essay: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mb = 1024 * 1024
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(1000 * mb, 988 * mb, 12 * mb))
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        warning = f"Only 12 MB free on the disk holding the data directory ({data_dir})"
        await wait_until(pilot, lambda: toasted(app, warning))
        assert toasted(app, "saving notes may fail")


async def test_start_with_room_on_the_disk_says_nothing_about_it(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.pause(0.3)
        assert not toasted(app, "free on the disk") and not toasted(app, "draft")


# -- a real full disk --------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs of its own, unmounted after the test."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"cannot run mount: {error}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield mount_point
    finally:
        unmount(mount_point)


def unmount(mount_point: Path) -> None:
    """Unmount, waiting a little for the app's last threads to close their files (a search
    index commit may still be ending); if it stays busy, detach it lazily and say so."""
    for _ in range(UNMOUNT_TRIES):
        unmounted = subprocess.run(["umount", str(mount_point)], capture_output=True, text=True)
        if unmounted.returncode == 0:
            return
        gc.collect()  # a connection object waiting to be collected keeps its file open
        time.sleep(0.1)
    subprocess.run(["umount", "-l", str(mount_point)], check=True, timeout=30)
    warnings.warn(
        f"{mount_point} stayed busy; detached lazily: {unmounted.stderr.strip()}", stacklevel=2
    )


def fill(disk: Path) -> Path:
    """Write a file until the disk refuses another byte."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        block = b"\0" * 65536
        while True:
            os.write(fd, block)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert shutil.disk_usage(disk).free == 0
    return filler


def reader_index(library: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The installed `reader` command, running this checkout's code."""
    command = Path(sys.executable).with_name("reader")
    if not command.exists():
        pytest.skip(f"the reader command is not installed beside {sys.executable}")
    env = {**os.environ, "READER_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [str(command), "index", str(library), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def index_on_a_full_disk(
    small_disk: Path, library: Path
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """Index, add articles, fill the disk, index again, free the disk: the full and the
    recovered run."""
    write_article(library, "one.md", "One", ["The first article."])
    assert reader_index(library, small_disk).returncode == 0
    for n in range(30):  # enough that the next index must write pages
        write_article(library, f"more-{n}.md", f"More {n}", [f"Article {n}. " + "word " * 400])
    filler = fill(small_disk)
    full = reader_index(library, small_disk)
    filler.unlink()
    return full, reader_index(library, small_disk)


def test_reader_index_on_a_full_disk_fails_cleanly_and_recovers(
    small_disk: Path, tmp_path: Path
) -> None:
    full, recovered = index_on_a_full_disk(small_disk, tmp_path / "library")
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr + full.stdout
    assert full.stderr.strip(), "the failure says something"
    assert recovered.returncode == 0, recovered.stderr
    assert recovered.stdout.startswith("31 articles:"), recovered.stdout


def test_reader_index_on_a_full_disk_says_the_disk_is_full(
    small_disk: Path, tmp_path: Path
) -> None:
    full, _ = index_on_a_full_disk(small_disk, tmp_path / "library")
    lines = full.stderr.splitlines()
    assert any("disk is full" in line for line in lines), full.stderr


async def test_a_note_on_a_really_full_disk_stays_on_screen(small_disk: Path, essay: Path) -> None:
    """No injection: SQLite and the draft both meet the full disk; the text stays, and the
    reader is told that no draft could be written either."""
    app = app_for(essay, data_dir=small_disk)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: toasted(app, "free on the disk holding the data"))
        screen = await open_essay(pilot, app)
        await pilot.press("a")
        await wait_until(pilot, lambda: screen.notes_panel.editable)
        filler = fill(small_disk)
        await pilot.press(*"words with nowhere to go")
        await wait_until(pilot, lambda: "not saved" in screen_text(app))
        assert "words with nowhere to go" in screen_text(app)
        await wait_until(pilot, lambda: toasted(app, "only in the editor"))
        filler.unlink()
        await pilot.press(*" now")  # room again: the next try saves
        await wait_until(pilot, lambda: "saved ✓" in screen_text(app))
    notes = NotesStore.open(small_disk)
    try:
        assert notes.note(1).text == "words with nowhere to go now"
    finally:
        notes.close()
