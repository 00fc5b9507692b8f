"""The app opened on a folder of hostile files: it starts, lists, explains and stays responsive.

`make_hostile_library` holds a FIFO, a socket, symlink loops, links to /etc/passwd and /dev/zero,
a 2 GB sparse file, binaries, empty files, a non-UTF-8 name, billion laughs, bad dates, deep
YAML and documents of 20,000 paragraphs, 20,000 code lines and 5,000 table rows.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.config import load_settings
from reader.core.models import Skipped
from reader.core.walk import walk
from reader.ui.app import make_app
from tests.hostile import BIG_COUNT, NON_UTF8_NAME, TABLE_ROWS, make_hostile_library
from tests.ui.helpers import app_for, screen_segments, screen_text, wait_loaded, wait_until
from tests.ui.test_hostile_app import assert_inert

SIZE = (140, 40)
GOOD_TITLES = {
    "42",
    "2024-07-23",
    "A long listing",
    "A long table",
    "A note without an extension",
    "Bad date",
    "Billion laughs",
    "Deep",
    "Heading title",
    "Many paragraphs",
    "Non-UTF-8 name",
    "Part, One",
    "Unicode title",
    "羅生門",
}
SKIPPED = {
    "binary.txt": "binary file",
    "nul-laden.md": "binary file",
    "program": "binary file",
    "blank.txt": "empty file",
    "empty.md": "empty file",
    "huge.txt": "too large (2 GB; limit 8 MB)",
    "x.md": "not a regular file (FIFO)",
    "pipe-link.md": "not a regular file (FIFO)",
    "loop-a.md": "link loop",
    "loop-b.md": "link loop",
    "dangling.md": "broken link",
    "passwd.txt": "link to outside the library",
    "zero.md": "link to outside the library",
}
MAIN_THREAD_LINES = 500
"""Most lines the event loop may lay out in one go (a screenful is about 80)."""


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("h") / "lib"
    make_hostile_library(root)
    return root


def skipped_reasons(root: Path) -> dict[str, str]:
    return {item.path.name: item.reason for item in walk([root]) if isinstance(item, Skipped)}


def test_the_walk_names_each_bad_file_without_opening_it(hostile_root: Path) -> None:
    reasons = skipped_reasons(hostile_root)
    for name, reason in SKIPPED.items():
        if name in reasons:  # binary, empty and huge files are only found out by the loader
            assert reasons[name].startswith(reason), name
    assert reasons["loop-a.md"] == "link loop"
    assert reasons["dangling.md"] == "broken link"
    if (hostile_root / "socket.md").exists():
        assert reasons["socket.md"] == "not a regular file (socket)"


async def test_the_app_lists_good_articles_and_explains_skipped_ones(
    hostile_root: Path, data_dir: Path
) -> None:
    app = app_for(hostile_root, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_loaded(pilot, app)
        titles = {row.title for row in screen.article_list.rows}
        assert titles >= GOOD_TITLES
        assert not any(row.path.name in SKIPPED for row in screen.article_list.rows)
        assert f"{len(screen.article_list.rows)} of" in screen_text(app)
        assert "skipped (S)" in screen_text(app)
        assert_inert(app, "main screen on the hostile library")

        await pilot.press("S")
        await wait_until(pilot, lambda: "x.md" in screen_text(app))
        assert_inert(app, "skipped files")
        shown = _skipped_screen_text(app)
        for name, reason in SKIPPED.items():
            assert name in shown, name
            assert reason in shown, reason
        await pilot.press("escape")
        assert app.is_running


def _skipped_screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """All of the skipped-files list, not only the part that fits on screen."""
    from textual.widgets import OptionList

    options = app.screen.query_one("#skipped-list", OptionList)
    return "\n".join(
        str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
    )


async def test_a_non_utf8_file_name_is_listed_and_shown_safely(
    hostile_root: Path, data_dir: Path
) -> None:
    app = app_for(hostile_root, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        row = next(row for row in screen.article_list.rows if row.title == "Non-UTF-8 name")
        assert os.fsencode(row.path.name) == NON_UTF8_NAME  # stored losslessly
        screen.article_list.select_id(row.id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.current.id == row.id)
        await wait_until(pilot, lambda: screen.reading_view.finished)
        await pilot.pause()
        text = screen_text(app)
        assert "The name is Latin-1 bytes." in text
        assert "lib/caf" in text  # the path in the header, its odd bytes shown as symbols
        assert_inert(app, "article with a non-UTF-8 name")  # no lone surrogate reaches the tty
        "".join(screen_segments(app)).encode("utf-8")  # what the terminal gets must encode


@pytest.fixture
def layout_threads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, int]]:
    """(on the event loop?, lines laid out) for every layout call of the reading view."""
    from reader.ui.widgets import reading_view

    calls: list[tuple[bool, int]] = []
    real = reading_view.layout_blocks

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        lines = real(*args, **kwargs)
        calls.append((threading.current_thread() is threading.main_thread(), len(lines)))
        return lines

    monkeypatch.setattr(reading_view, "layout_blocks", recorded)
    return calls


BIG_DOCUMENTS = [
    pytest.param("Many paragraphs", f"Paragraph {BIG_COUNT - 1} has", id="paragraphs"),
    pytest.param(
        "A long listing",
        f"line_{BIG_COUNT - 1} = {BIG_COUNT - 1}",
        id="code",
    ),
    pytest.param(
        "A long table",
        f"name {TABLE_ROWS - 1}",
        id="table",
    ),
]


@pytest.mark.parametrize(("title", "last_words"), BIG_DOCUMENTS)
async def test_a_huge_document_is_laid_out_off_the_event_loop(
    hostile_root: Path, data_dir: Path, layout_threads: list[tuple[bool, int]], title, last_words
) -> None:  # type: ignore[no-untyped-def]
    app = app_for(hostile_root, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        layout_threads.clear()
        await _open(pilot, screen, title)
        await wait_until(pilot, lambda: screen.reading_view.finished, 60)
        on_loop = [lines for main, lines in layout_threads if main]
        off_loop = [lines for main, lines in layout_threads if not main]
        assert max(on_loop, default=0) <= MAIN_THREAD_LINES, f"laid out on the loop: {on_loop}"
        assert sum(off_loop) > sum(on_loop), "most of the article is laid out by a worker"
        await pilot.press("G")  # no loss of text: the very end is there
        await wait_until(pilot, lambda: last_words in screen_text(app), 30)


@pytest.mark.parametrize("title", ["Many paragraphs", "A long listing", "A long table"])
async def test_keys_are_answered_while_a_huge_document_opens(
    hostile_root: Path, data_dir: Path, title: str
) -> None:
    app = app_for(hostile_root, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        with _loop_gaps() as gaps:
            await _open(pilot, screen, title)
            screen.article_list.focus()  # back to the list, one row down
            await pilot.pause()
            row = screen.article_list.cursor_row
            await pilot.press("j")
            await wait_until(pilot, lambda: screen.article_list.cursor_row == row + 1, 60)
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: "Keys  (esc to close" in screen_text(app), 60)
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen.reading_view.finished, 60)
        # Tens of seconds with Textual's Markdown widget; here a blip at most (2 CPUs, busy).
        assert max(gaps, default=0) < 10, f"the event loop stalled for {max(gaps):.1f} s"
        assert app.is_running


async def _open(pilot, screen, title: str) -> None:  # type: ignore[no-untyped-def]
    row = next(row for row in screen.article_list.rows if row.title == title)
    screen.article_list.select_id(row.id)
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen.current is not None and screen.current.id == row.id)


class _loop_gaps:
    """Record how long the event loop went without running a 10 ms heartbeat."""

    def __enter__(self) -> list[float]:
        self.gaps: list[float] = []
        self.task = asyncio.get_running_loop().create_task(self._beat())
        return self.gaps

    def __exit__(self, *exc: object) -> None:
        self.task.cancel()

    async def _beat(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(0.01)
            now = loop.time()
            self.gaps.append(now - last - 0.01)
            last = now


@pytest.fixture
def small_cap(isolated_dirs: Path) -> Iterator[None]:
    config = Path(os.environ["READER_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("max_file_bytes = 1000\n", encoding="utf-8")
    yield


async def test_a_size_cap_in_config_lists_larger_files_as_too_large(
    small_cap: None, tmp_path: Path, data_dir: Path
) -> None:
    library = tmp_path / "capped"
    library.mkdir()
    (library / "small.md").write_text("# Small one\n\nFits.\n", encoding="utf-8")
    (library / "big.md").write_text("# Big one\n\n" + "word " * 400, encoding="utf-8")
    settings, warnings = load_settings()
    assert settings.max_file_bytes == 1000 and warnings == []
    app = make_app([library.resolve()], data_dir, settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        assert [row.title for row in screen.article_list.rows] == ["Small one"]
        await pilot.press("S")
        await wait_until(pilot, lambda: "big.md" in screen_text(app))
        assert "too large (2 KB; limit 1000 bytes)" in screen_text(app)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Billion laughs", "The body survives."),
        ("Deep", "Deep body."),
        ("Bad date", "Body text."),
    ],
)
async def test_bad_front_matter_is_ignored_with_a_warning_and_the_body_shows(
    hostile_root: Path, data_dir: Path, title: str, body: str
) -> None:
    app = app_for(hostile_root, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_loaded(pilot, app)
        app.clear_notifications()
        await _open(pilot, screen, title)
        await wait_until(pilot, lambda: screen.reading_view.finished)
        await wait_until(pilot, lambda: body in screen_text(app))
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert warnings, "the reader is told the front matter was not used"
        assert_inert(app, f"{title} with its warning")
