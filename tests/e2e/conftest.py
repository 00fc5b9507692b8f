"""Driving the installed `reader` command in a real terminal (tmux), as a person would."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

READER = Path(sys.executable).parent / "reader"


class Tmux:
    """One detached tmux session running a command at a fixed size."""

    def __init__(
        self, command: list[str], env: dict[str, str], cwd: Path, size: tuple[int, int] = (120, 36)
    ) -> None:
        self.name = f"reader-e2e-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        width, height = (str(number) for number in size)
        # The short sleep lets the resize below land before the app reads its size; the exit
        # status is printed after the app ends, so a test can see it quit (or crash).
        shell_command = (
            f"sleep 0.3; cd {cwd} && env {exports} {' '.join(command)}; "
            f"echo READER-EXITED-$?; sleep 30"
        )
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                width,
                "-y",
                height,
                shell_command,
            ],
            check=True,
        )
        # A detached session may keep the server's default size; make it the size we test.
        subprocess.run(
            ["tmux", "resize-window", "-t", self.name, "-x", width, "-y", height],
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

    def wait_match(self, pattern: str, timeout: float = 20) -> re.Match[str]:
        """Until `pattern` (a regular expression) matches the screen; fails fast on a crash."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            found = re.search(pattern, screen)
            if found:
                return found
            if "READER-EXITED-" in screen or "Traceback" in screen:
                break
            time.sleep(0.25)
        raise AssertionError(f"{pattern!r} never matched; screen was:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while time.monotonic() < deadline and text in screen:
            time.sleep(0.2)
            screen = self.screen()
        return screen

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def reader_env(tmp_path: Path) -> dict[str, str]:
    """The environment a test's `reader` runs in: its own data and config directories."""
    return {
        "READER_DATA_DIR": str(tmp_path / "data"),
        "READER_CONFIG_DIR": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
    }


@pytest.fixture
def tmux_reader(library: Path, tmp_path: Path) -> Iterator[Tmux]:
    """The installed `reader` on a copy of the sample articles, in a 120x36 tmux window."""
    if shutil.which("tmux") is None or not READER.exists():
        pytest.skip("tmux or the installed reader command is missing")
    session = Tmux([str(READER), str(library)], reader_env(tmp_path), tmp_path)
    try:
        yield session
    finally:
        session.kill()
