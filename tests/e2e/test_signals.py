"""Ctrl-C, a closed terminal, `kill` and `kill -9` in the middle of a scan, on the installed
`reader`: one line and the shell's status (130, 129, 143), never a traceback, and no process of
the run left behind, however the command ends.

The library holds a saved page that takes the HTML extraction most of a minute, first in the
walk, so a parse worker is busy on it when the signal comes: before, a killed scan left that
worker, the forkserver and the resource tracker running until the page was done.

Each run's processes are found by a marker in their environment (children inherit it), so
nothing else on the machine is counted or touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import shutil
import signal
import subprocess
import termios
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import READER, Tmux, reader_env

pytestmark = pytest.mark.e2e

MARKER = "READER_TEST_RUN"
SMALL_FILES = 1_500
POOL = 5
"""The command, the resource tracker, the forkserver and two parse workers."""
STATUS = {"SIGINT": 130, "SIGHUP": 129, "SIGTERM": 143}
MESSAGES = {
    "SIGINT": "reader: interrupted",
    "SIGHUP": "reader: stopped (SIGHUP)",
    "SIGTERM": "reader: stopped (SIGTERM)",
}


def processes_of(marker: str) -> list[int]:
    """Live processes whose environment holds MARKER=marker (a zombie's environ is empty)."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                environ = Path(entry.path, "environ").read_bytes()
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def busy_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("busy") / "library"
    lists = "".join(f"<ul><li>item {n}</li><li>two</li></ul>" for n in range(10_000))
    root.mkdir()
    (root / "0-many-lists.html").write_text(
        f"<html><head><title>Lists</title></head><body>{lists}</body></html>"
    )
    for number in range(SMALL_FILES):
        folder = root / f"topic{number % 10}"
        folder.mkdir(exist_ok=True)
        body = " ".join(f"Otter {number} sentence {n}." for n in range(30))
        suffix = "md" if number % 2 else "txt"
        (folder / f"note{number}.{suffix}").write_text(f"Note {number}\n\n{body}\n")
    return root


class Run:
    """One marked run of the installed command, its output in files."""

    def __init__(self, args: list[str], tmp_path: Path) -> None:
        if not READER.exists():
            pytest.skip("the installed reader command is missing")
        self.marker = uuid.uuid4().hex
        self.stderr_path = tmp_path / "stderr"
        env = {**os.environ, **reader_env(tmp_path), MARKER: self.marker}
        with open(tmp_path / "stdout", "wb") as out, open(self.stderr_path, "wb") as err:
            # Its own process group, as a terminal's foreground job is; files, not pipes, so
            # that a helper left holding them cannot stall the test.
            self.process = subprocess.Popen(
                [str(READER), *args],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    def wait_for_pool(self, timeout: float = 30) -> None:
        wait_for_pool(self.marker, timeout)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def kill_leftovers(self) -> None:
        kill_leftovers(self.marker)
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait(timeout=10)


def wait_for_pool(marker: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(processes_of(marker)) < POOL:
        assert time.monotonic() < deadline, "the parse workers never started"
        time.sleep(0.02)


def kill_leftovers(marker: str) -> None:
    """After a failure: what the run left behind must not outlive the test."""
    for pid in processes_of(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def assert_all_gone(marker: str, within: float) -> None:
    deadline = time.monotonic() + within
    while left := processes_of(marker):
        if time.monotonic() > deadline:
            names = [Path(f"/proc/{pid}/cmdline").read_bytes()[:80] for pid in left]
            raise AssertionError(f"{len(left)} processes of the run remain: {names}")
        time.sleep(0.02)


@pytest.fixture
def run_command(tmp_path: Path) -> Iterator[list[Run]]:
    runs: list[Run] = []
    yield runs
    for run in runs:
        run.kill_leftovers()


def _args(command: str, library: Path) -> list[str]:
    return ["index", str(library)] if command == "index" else ["search", "otter", str(library)]


@pytest.mark.parametrize("command", ["index", "search"])
@pytest.mark.parametrize("name", ["SIGINT", "SIGHUP", "SIGTERM"])
def test_a_signal_mid_scan_ends_in_one_line_and_leaves_no_process(
    busy_library: Path, tmp_path: Path, run_command: list[Run], command: str, name: str
) -> None:
    run = Run(_args(command, busy_library), tmp_path)
    run_command.append(run)
    run.wait_for_pool()
    if name == "SIGTERM":  # `kill PID`
        run.process.send_signal(signal.SIGTERM)
    else:  # Ctrl-C and a closed terminal signal the whole foreground group
        os.killpg(run.process.pid, getattr(signal, name))
    assert run.process.wait(timeout=20) == STATUS[name]
    assert_all_gone(run.marker, within=1.0)
    err = run.stderr()
    assert "Traceback" not in err
    assert err.splitlines()[-1] == MESSAGES[name]


@pytest.mark.parametrize("command", ["index", "search"])
def test_kill_9_mid_file_leaves_no_process(
    busy_library: Path, tmp_path: Path, run_command: list[Run], command: str
) -> None:
    run = Run(_args(command, busy_library), tmp_path)
    run_command.append(run)
    run.wait_for_pool()
    time.sleep(0.3)  # a worker is well into the slow page
    run.process.kill()
    run.process.wait(timeout=10)
    assert_all_gone(run.marker, within=2.0)


def test_closing_the_terminal_mid_index_ends_it_cleanly(busy_library: Path, tmp_path: Path) -> None:
    """A real hangup: `reader index` on a pseudo-terminal whose other end is closed, as a
    terminal window is. The session gets SIGHUP and every later write fails (EIO); a progress
    line that failed ended the scan with an OSError (status 1) before the SIGHUP could."""
    if not READER.exists():
        pytest.skip("the installed reader command is missing")
    marker = uuid.uuid4().hex
    env = {**os.environ, **reader_env(tmp_path), MARKER: marker}
    terminal, tty = pty.openpty()
    process = subprocess.Popen(
        [str(READER), "index", str(busy_library)],
        env=env,
        stdin=tty,
        stdout=tty,
        stderr=tty,
        start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # its controlling terminal
    )
    os.close(tty)
    try:
        wait_for_pool(marker, timeout=30)
        # Progress lines are being written: a few hundred bytes, which the terminal holds
        # unread without blocking the command.
        time.sleep(0.3)
        os.close(terminal)
        assert process.wait(timeout=20) == STATUS["SIGHUP"]
        assert_all_gone(marker, within=1.0)
    finally:
        kill_leftovers(marker)
        process.kill()
        process.wait(timeout=10)


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_the_app_quits_on_a_signal_and_gives_the_terminal_back(
    busy_library: Path, tmp_path: Path, name: str
) -> None:
    if shutil.which("tmux") is None or not READER.exists():
        pytest.skip("tmux or the installed reader command is missing")
    marker = uuid.uuid4().hex
    env = {**reader_env(tmp_path), MARKER: marker}
    tmux = Tmux([str(READER), str(busy_library)], env, tmp_path, size=(100, 30))
    try:
        wait_for_pool(marker, timeout=40)
        tmux.wait_for("? Help", timeout=10)
        marked = processes_of(marker)
        app = next(pid for pid in marked if _parent(pid) not in marked)
        os.kill(app, getattr(signal, name))  # ctrl+c is a key in the app; this is `kill -INT`
        screen = tmux.wait_for("READER-EXITED-", timeout=20)
        assert_all_gone(marker, within=1.0)
        screen = tmux.screen()
        assert f"{MESSAGES[name]}\nREADER-EXITED-{STATUS[name]}" in screen
        assert "Traceback" not in screen
        assert "? Help" not in screen  # the app's screen is gone: the terminal is restored
    finally:
        tmux.kill()
        kill_leftovers(marker)


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])
