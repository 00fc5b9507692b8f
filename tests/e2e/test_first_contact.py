"""A new user's first minute, with the installed `reader` in a real terminal (tmux).

A fresh data directory, a real folder, the sizes terminals open at (80×24 first, and 140×40):
wait for the list to fill to "N of N articles", open an article, search, go back and quit.
The first-open crash (`ValueError: bad value(s) in fds_to_keep`) shipped because no test did
this; this one fails on that code within seconds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.e2e.conftest import READER, Tmux, reader_env

pytestmark = pytest.mark.e2e

SIZES = [(80, 24), (140, 40)]
SIZE_PARAMS = [
    pytest.param(size, id=f"{size[0]}x{size[1]}", marks=[pytest.mark.slow] if size[0] > 80 else [])
    for size in SIZES
]
"""80x24 in the everyday suite; every size with `-m slow` (the suite must stay under five
minutes on two cores)."""
GENERATED = 2_000
WORDS = ["river", "otter", "kernel", "garden", "winter", "lantern", "harbour", "meadow"]


def _generate(root: Path, count: int) -> None:
    """Markdown, plain text and HTML articles in nested folders, like a saved library."""
    for number in range(count):
        folder = root / f"year{2015 + number % 9}" / f"topic{number % 13}"
        folder.mkdir(parents=True, exist_ok=True)
        word = WORDS[number % len(WORDS)]
        body = " ".join(f"The {word} number {number} sentence {n}." for n in range(40))
        if number % 3 == 0:
            front = f"title: Notes on the {word} {number}\ndate: 2024-01-{1 + number % 28:02}"
            text = f"---\n{front}\n---\n\n{body}\n"
            (folder / f"note{number}.md").write_text(text, encoding="utf-8")
        elif number % 3 == 1:
            (folder / f"save{number}.txt").write_text(f"{body}\n\nCategories: Movies\n")
        else:
            html = f"<html><head><title>Page {number} about the {word}</title></head>"
            html += f"<body><article><h1>Page {number} about the {word}</h1><p>{body}</p>"
            html += f"<p>{body}</p></article></body></html>"
            (folder / f"page{number}.html").write_text(html, encoding="utf-8")


def _start(root: Path, tmp_path: Path, size: tuple[int, int]) -> Tmux:
    if shutil.which("tmux") is None or not READER.exists():
        pytest.skip("tmux or the installed reader command is missing")
    return Tmux([str(READER), str(root)], reader_env(tmp_path), tmp_path, size=size)


def _first_minute(tmux: Tmux, size: tuple[int, int], expected: int | None) -> None:
    count = rf"{expected:,}" if expected else r"[1-9][\d,]{2,}"  # the corpus: 300 or more
    found = tmux.wait_match(rf"\b({count}) of \1 articles\b", timeout=150)
    listed = int(found.group(1).replace(",", ""))
    assert listed >= (expected or 300)
    screen = tmux.screen()
    assert "Traceback" not in screen and "Error" not in screen
    assert "? Help" in screen.splitlines()[-1]  # the key bar keeps help at every width

    tmux.keys("Enter")  # open the article under the cursor
    screen = tmux.wait_match(r"words · \d+ min", timeout=20).string
    if size[0] < 100:  # one pane at a time: the article full-screen, the list hidden
        assert not re.search(r"\d of [\d,]+ articles", screen)
    tmux.keys("q")  # back to the list
    tmux.wait_match(rf"\b{found.group(1)} of {found.group(1)} articles\b", timeout=10)

    tmux.wait_gone("Making searchable", timeout=120)  # the search index catches up
    tmux.keys("/")
    tmux.wait_for("Search", timeout=10)
    tmux.keys(*"the")
    tmux.wait_match(r"\b[\d,]+ results?\b", timeout=30)
    tmux.keys("Enter")  # open the first result at its hits
    tmux.wait_match(r"\b1/\d+\b", timeout=20)
    tmux.keys("q", "q")  # back to the list, then quit
    screen = tmux.wait_for("READER-EXITED-", timeout=15)
    assert "READER-EXITED-0" in screen
    assert "Traceback" not in screen


@pytest.mark.parametrize("size", SIZE_PARAMS)
def test_first_open_of_a_generated_library(tmp_path: Path, size: tuple[int, int]) -> None:
    root = tmp_path / "library"
    _generate(root, GENERATED)
    tmux = _start(root, tmp_path, size)
    try:
        _first_minute(tmux, size, GENERATED)
    finally:
        tmux.kill()


@pytest.mark.parametrize("size", SIZE_PARAMS)
def test_first_open_of_the_shared_corpus(tmp_path: Path, size: tuple[int, int]) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    tmux = _start(CORPUS, tmp_path, size)
    try:
        _first_minute(tmux, size, None)
    finally:
        tmux.kill()
