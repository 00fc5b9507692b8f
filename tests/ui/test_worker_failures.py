"""No worker error ends the app: each kind of worker fails on purpose, and the user is told.

Every failure shows one short line that names what was being done and where the details are,
the details (a traceback) are in reader.log in the data directory, and the app goes on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.core.notes import NotesStore
from reader.core.search import SearchIndex
from reader.core.session import LibrarySession
from reader.core.store import StoreError
from reader.ui.app import ReaderApp
from reader.ui.workers import LOG_NAME
from tests.ui.helpers import app_for, screen_text, toasts, wait_loaded, wait_until

SIZE = (100, 30)


class PanicException(BaseException):
    """What tantivy raises on a damaged segment (pyo3's panic is a BaseException)."""


def _write(library: Path) -> Path:
    library.mkdir(exist_ok=True)
    for number in range(3):
        (library / f"story{number}.md").write_text(
            f"---\ntitle: Story {number}\n---\n\nThe whale {number} sings in the deep sea.\n"
        )
    return library


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    return _write(tmp_path / "stories")


def _fail(message: str, kind: type[BaseException] = RuntimeError):  # type: ignore[no-untyped-def]
    def failing(*args: object, **kwargs: object) -> None:
        raise kind(message)

    return failing


async def _told(pilot: Pilot, app: ReaderApp, doing: str, data_dir: Path, detail: str) -> None:
    """The user sees what failed and where the log is; the log holds the traceback."""
    wanted = f"Something went wrong while {doing}"
    await wait_until(pilot, lambda: any(wanted in toast for toast in toasts(app)))
    told = next(toast for toast in toasts(app) if wanted in toast)
    assert str(data_dir / LOG_NAME) in told
    log = (data_dir / LOG_NAME).read_text()
    assert f"while {doing}" in log
    assert "Traceback" in log and detail in log
    assert app.is_running


async def test_a_store_write_that_fails_keeps_the_app_up(
    stories: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LibrarySession, "set_read", _fail("database or disk is full", StoreError))
    app = app_for(stories, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("u")  # toggle read: a store write
        await _told(pilot, app, "saving the read state", data_dir, "database or disk is full")
        await pilot.press("j")
        await wait_until(pilot, lambda: "Story" in screen_text(app))


async def test_a_store_read_that_fails_keeps_the_app_up(
    stories: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LibrarySession, "reading_state", _fail("disk I/O error", StoreError))
    app = app_for(stories, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _told(pilot, app, "opening the article", data_dir, "disk I/O error")
        assert "Story" in screen_text(app)  # the list is still there


async def test_a_loader_that_raises_keeps_the_app_up(
    stories: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LibrarySession, "open_article", _fail("the loader broke"))
    app = app_for(stories, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _told(pilot, app, "opening the article", data_dir, "the loader broke")
        assert "3 of 3 articles" in screen_text(app)


async def test_a_scan_that_fails_keeps_the_list_it_has(
    stories: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.core.library.scan", _fail("walking the folder failed"))
    app = app_for(stories, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _told(pilot, app, "opening the library", data_dir, "walking the folder failed")
        await wait_until(pilot, lambda: "scanning…" not in screen_text(app))


async def test_worker_processes_that_cannot_start_leave_the_scan_in_process_and_say_so(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.library import POOL_THRESHOLD

    library = tmp_path / "big"
    library.mkdir()
    for number in range(POOL_THRESHOLD + 10):
        (library / f"n{number}.md").write_text(f"# Note {number}\n\nText {number}.\n")
    monkeypatch.setattr("multiprocessing.process.BaseProcess.start", _fail("fork refused", OSError))
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        total = POOL_THRESHOLD + 10
        await wait_until(pilot, lambda: f"{total} of {total} articles" in screen_text(app), 60)
        notice = "Parsing files in the main process"
        await wait_until(pilot, lambda: any(notice in toast for toast in toasts(app)))
        assert sum(notice in toast for toast in toasts(app)) == 1
        assert app.is_running


async def test_a_search_index_that_panics_keeps_the_app_up(
    stories: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SearchIndex, "search", _fail("index out of bounds", PanicException))
    app = app_for(stories, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"whale")
        await _told(pilot, app, "searching", data_dir, "index out of bounds")


async def test_a_note_save_that_fails_unexpectedly_keeps_the_text_and_the_app(
    stories: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(NotesStore, "save_note", _fail("unexpected failure in the notes"))
    app = app_for(stories, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("enter", "a")
        await wait_until(pilot, lambda: screen.notes_panel.editor.has_focus)
        await pilot.press(*"precious words")
        await _told(pilot, app, "saving your note", data_dir, "unexpected failure in the notes")
        assert "precious words" in screen_text(app)
        await pilot.press("escape", "q")  # the unsaved-note guard still holds
        await wait_until(pilot, lambda: any("could not be saved" in t for t in toasts(app)))
        assert app.is_running
