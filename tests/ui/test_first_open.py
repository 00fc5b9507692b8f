"""A new user's first `reader FOLDER`: a cold open of a real-sized library, in the real app.

The first-open crash (`ValueError: bad value(s) in fds_to_keep`, from starting worker
processes while Textual has replaced `sys.stderr`) shipped because every test pre-indexed or
used three files. These open libraries large enough to start the worker processes, on fresh
data directories, the way a user does.
"""

from __future__ import annotations

import re
from pathlib import Path

from reader.core.library import POOL_THRESHOLD
from tests.ui.helpers import app_for, screen_text, wait_until

COUNT = re.compile(r"\b([\d,]+) of \1 articles?\b")


def _write_library(root: Path, count: int, start: int = 0) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for number in range(start, start + count):
        folder = root / f"topic{number % 7}"
        folder.mkdir(exist_ok=True)
        (folder / f"article{number:04}.md").write_text(
            f"---\ntitle: Field notes number {number}\n---\n\n"
            f"# Field notes number {number}\n\nThe river otter {number} swims. " * 3
        )


def _listed(app) -> int | None:  # type: ignore[no-untyped-def]
    """The "N of N articles" count on screen, once the list holds everything."""
    found = COUNT.search(screen_text(app))
    return int(found.group(1).replace(",", "")) if found else None


async def test_cold_open_of_a_library_that_needs_worker_processes(
    tmp_path: Path, data_dir: Path
) -> None:
    root = tmp_path / "library"
    _write_library(root, POOL_THRESHOLD * 3)
    app = app_for(root, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: _listed(app) == POOL_THRESHOLD * 3, timeout=60)
        assert "Field notes number" in screen_text(app)
        assert "Something went wrong" not in screen_text(app)
        assert app.is_running


async def test_rescan_after_many_files_are_added(tmp_path: Path, data_dir: Path) -> None:
    root = tmp_path / "library"
    _write_library(root, 5)
    app = app_for(root, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: _listed(app) == 5, timeout=30)
        _write_library(root, POOL_THRESHOLD + 10, start=5)
        await pilot.press("R")
        await wait_until(pilot, lambda: _listed(app) == POOL_THRESHOLD + 15, timeout=60)
        assert app.is_running


async def test_cold_open_of_the_shared_corpus(corpus: Path, data_dir: Path) -> None:
    app = app_for(corpus, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: (_listed(app) or 0) >= 300, timeout=120)
        assert "Something went wrong" not in screen_text(app)
        assert app.is_running
