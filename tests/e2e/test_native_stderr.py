"""A search index damaged while the app runs: tantivy panics inside a search, and prints the
panic (with a Rust backtrace when RUST_BACKTRACE is set) straight to file descriptor 2, where
Textual draws. The app rebuilds the index and answers; the screen stays the app's, and what
Rust printed goes to reader.log."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import READER, Tmux, reader_env

ARTICLES = 400

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def test_a_panic_inside_tantivy_never_draws_on_the_screen(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    for n in range(ARTICLES):
        (library / f"{n:04}.md").write_text(
            f"# Article {n}\n\nThe common word, and a rare one: rare{n}x.\n", encoding="utf-8"
        )
    env = {**reader_env(tmp_path), "RUST_BACKTRACE": "1"}
    app = Tmux([str(READER), str(library)], env, tmp_path, size=(100, 30))
    try:
        app.wait_for(f"{ARTICLES} of {ARTICLES} articles", timeout=60)
        app.wait_gone("scanning", timeout=60)  # the index has caught up and committed
        index = tmp_path / "data" / "search-index"
        store = max(index.glob("*.store"), key=lambda p: p.stat().st_size)
        data = bytearray(store.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 64] = bytes(b ^ 0xA5 for b in data[middle : middle + 64])
        store.write_bytes(bytes(data))  # damaged after the app checked the files at start
        app.keys("/", *"common")
        screen = app.wait_for(f"{ARTICLES} results", timeout=60)
        for word in ("panicked", "stack backtrace", "Traceback"):
            assert word not in screen
        log = (tmp_path / "data" / "reader.log").read_text(errors="replace")
        assert "panicked" in log
    finally:
        app.kill()
