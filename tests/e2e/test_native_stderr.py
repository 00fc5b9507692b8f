"""A search index damaged while the app runs: tantivy panics inside a search, and prints the
panic (with a Rust backtrace when RUST_BACKTRACE is set) straight to file descriptor 2, where
Textual draws. The app rebuilds the index and answers; the screen stays the app's, and what
Rust printed goes to reader.log."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import READER, Tmux, reader_env

ARTICLES = 400

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def _settled(index: Path, quiet: float = 1.5, timeout: float = 30) -> None:
    """Until tantivy's background merges are over (its meta.json unchanged for `quiet` s)."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        stamp = (index / "meta.json").stat().st_mtime_ns
        if stamp != last:
            last, since = stamp, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


def _live(index: Path, part: str) -> list[Path]:
    """The files of the segments the index is made of now."""
    meta = json.loads((index / "meta.json").read_text())
    return [index / f"{s['segment_id'].replace('-', '')}.{part}" for s in meta["segments"]]


def test_an_index_damaged_while_the_app_runs_is_rebuilt_and_the_screen_stays_clean(
    tmp_path: Path,
) -> None:
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
        _settled(index)
        for part, start in (("idx", 0), ("store", None), ("fast", None)):
            for path in _live(index, part):  # where tantivy panics rather than raise
                data = bytearray(path.read_bytes())
                at = start if start is not None else len(data) // 4
                data[at : at + 64] = bytes(b ^ 0xA5 for b in data[at : at + 64])
                path.write_bytes(bytes(data))  # damaged after the app checked the files
        app.keys("/")
        subprocess.run(["tmux", "send-keys", "-t", app.name, "-l", "common"], check=True)
        screen = app.wait_for(f"{ARTICLES} results", timeout=60)  # rebuilt, answered in full
        for word in ("panicked", "stack backtrace", "Traceback"):
            assert word not in screen
    finally:
        app.kill()


NATIVE_WRITER = """
import ctypes, sys
from pathlib import Path
from textual.app import App
from textual.widgets import Static
from reader.cli.native_stderr import native_stderr_to

class Drawn(App):
    def compose(self):
        yield Static("APP-IS-DRAWING")

    def on_mount(self):
        self.set_timer(0.5, self.native)

    def native(self):
        # What Rust's panic hook does: write(2, ...) from native code, not through Python.
        message = b"thread '<unnamed>' panicked at NATIVE-PANIC-LINE\\n"
        ctypes.CDLL(None).write(2, message, len(message))
        self.set_timer(3, self.exit)

with native_stderr_to(Path(sys.argv[1])):
    Drawn().run()
print("DONE")
"""


def test_what_native_code_writes_to_stderr_goes_to_the_log_not_over_the_app(
    tmp_path: Path,
) -> None:
    script = tmp_path / "native.py"
    script.write_text(NATIVE_WRITER)
    log = tmp_path / "reader.log"
    python = Path(sys.executable)
    app = Tmux([str(python), str(script), str(log)], reader_env(tmp_path), tmp_path)
    try:
        app.wait_for("APP-IS-DRAWING", timeout=30)
        deadline = time.monotonic() + 10
        while "NATIVE-PANIC-LINE" not in log.read_text(errors="replace"):
            assert time.monotonic() < deadline, "the native write never happened"
            time.sleep(0.1)
        assert "NATIVE-PANIC-LINE" not in app.screen()
        app.wait_for("DONE", timeout=30)  # the terminal is back to normal after
    finally:
        app.kill()
