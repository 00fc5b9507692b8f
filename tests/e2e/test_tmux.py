"""The installed `reader` command in a real terminal (tmux), driven as a person would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

READER = Path(sys.executable).parent / "reader"


class Tmux:
    """One detached tmux session running a command at a fixed size."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = f"reader-e2e-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        # The short sleep lets the resize below land before the app reads its size.
        shell_command = f"sleep 0.3; cd {cwd} && env {exports} {' '.join(command)}; sleep 30"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "120", "-y", "36", shell_command],
            check=True,
        )
        # A detached session may keep the server's default size; make it the size we test.
        subprocess.run(
            ["tmux", "resize-window", "-t", self.name, "-x", "120", "-y", "36"],
            capture_output=True,
        )

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while time.monotonic() < deadline and text in screen:
            time.sleep(0.2)
            screen = self.screen()
        return screen

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def tmux_reader(library: Path, tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None or not READER.exists():
        pytest.skip("tmux or the installed reader command is missing")
    env = {
        "READER_DATA_DIR": str(tmp_path / "data"),
        "READER_CONFIG_DIR": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
    }
    session = Tmux([str(READER), str(library)], env, tmp_path)
    try:
        yield session
    finally:
        session.kill()


def test_open_read_and_quit_in_a_real_terminal(tmux_reader: Tmux, tmp_path: Path) -> None:
    screen = tmux_reader.wait_for("Getting started with reader")
    assert "Pascal Plante’s Red Rooms" in screen
    assert "3 of 3 articles" in tmux_reader.wait_for("3 of 3 articles")

    # Filter down to the Red Rooms review and open it.
    tmux_reader.keys("f", "R", "e", "d", " ", "R", "o", "o", "m", "s", "Enter")
    tmux_reader.wait_for("1 of 3 articles")
    tmux_reader.keys("Enter")
    screen = tmux_reader.wait_for("Courtesy Nemesis Films")
    assert "A wave of new dark web flicks" in screen

    # Read on, then quit: the reading position is saved in the data directory.
    tmux_reader.keys("Space")
    tmux_reader.keys("q")
    screen = tmux_reader.wait_gone("A wave of new dark web flicks")
    assert (tmp_path / "data" / "reader.db").exists()
    assert os.path.getsize(tmp_path / "data" / "reader.db") > 0
