"""The scan's worker processes: a stuck or crashing file is skipped, and the rest still parse.

These run real processes (the forkserver), as a scan does.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import deque
from pathlib import Path

import pytest

from reader.core import library
from reader.core.parse_pool import CRASHED, TOO_SLOW, ParsePool, PoolUnavailable
from reader.core.store import Store
from tests.conftest import REPO
from tests.unit.pool_loads import echo_or_misbehave


def _run(names: list[str], *, timeout: float = 30.0, workers: int = 2) -> dict[str, object]:
    paths = [name.encode() for name in names]
    chunks = deque(paths[start : start + 3] for start in range(0, len(paths), 3))
    pool: ParsePool[bytes] = ParsePool(echo_or_misbehave, 1000, workers, timeout=timeout)
    results: dict[str, object] = {}
    for chunk in pool.run(chunks, path_of=lambda path: path):
        for path, result in chunk:
            results[path.decode()] = result
    return results


def test_every_file_is_parsed_once() -> None:
    names = [f"file{number}" for number in range(20)]
    assert _run(names) == {name: f"parsed {name}" for name in names}


def test_a_file_that_takes_too_long_is_skipped_and_the_rest_of_its_chunk_still_parses() -> None:
    names = ["a1", "a2", "slow", "a3", "a4", "a5", "a6"]
    results = _run(names, timeout=1.0)
    assert results["slow"] == TOO_SLOW
    assert {name: results[name] for name in names if name != "slow"} == {
        name: f"parsed {name}" for name in names if name != "slow"
    }


def test_a_file_that_kills_its_worker_is_skipped_and_the_scan_goes_on() -> None:
    names = ["b1", "crash", "b2", "b3", "crash2", "b4", "b5"]
    results = _run(names)
    assert results["crash"] == results["crash2"] == CRASHED
    assert all(results[name] == f"parsed {name}" for name in ("b1", "b2", "b3", "b4", "b5"))


def test_workers_start_when_stderr_has_no_descriptor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual replaces sys.stderr with an object whose fileno() is -1 (the first-open crash)."""

    class Capture(io.StringIO):
        def fileno(self) -> int:
            return -1

    monkeypatch.setattr(sys, "stderr", Capture())
    monkeypatch.setattr(sys, "stdout", Capture())
    assert _run(["c1", "c2", "print"])["print"] == "parsed print"
    assert sys.stderr.getvalue() == ""  # nothing a worker prints reaches the app's streams


def test_a_pool_that_cannot_start_says_so_and_leaves_every_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: object) -> None:
        raise OSError("no processes for you")

    monkeypatch.setattr("multiprocessing.process.BaseProcess.start", refuse)
    chunks = deque([[b"d1", b"d2"], [b"d3"]])
    pool: ParsePool[bytes] = ParsePool(echo_or_misbehave, 1000, 2)
    with pytest.raises(PoolUnavailable, match="no processes for you"):
        list(pool.run(chunks, path_of=lambda path: path))
    assert list(chunks) == [[b"d1", b"d2"], [b"d3"]]


def test_a_scan_whose_pool_cannot_start_parses_in_process_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "library"
    root.mkdir()
    for number in range(library.POOL_THRESHOLD + 5):
        (root / f"note{number}.md").write_text(f"# Note {number}\n\nBody {number}.\n")

    def refuse(self: object) -> None:
        raise OSError("fork failed")

    monkeypatch.setattr("multiprocessing.process.BaseProcess.start", refuse)
    store = Store.open(tmp_path / "data")
    try:
        report = library.scan(store, [root], max_bytes=1_000_000, workers=2)
    finally:
        store.close()
    assert report.new == library.POOL_THRESHOLD + 5
    assert len(report.notices) == 1
    assert "fork failed" in report.notices[0]


_SCAN_WITH_A_STUCK_FILE = """
from collections import deque
from reader.core.parse_pool import ParsePool
from tests.unit.pool_loads import echo_or_misbehave
pool = ParsePool(echo_or_misbehave, 1000, 2, timeout=600)
list(pool.run(deque([[b"slow"], [b"fine"]]), path_of=lambda path: path))
"""


def _marked(marker: str) -> list[int]:
    """Live processes whose environment holds READER_TEST_RUN=marker (children inherit it)."""
    needle = f"READER_TEST_RUN={marker}".encode()
    found = []
    for entry in os.scandir("/proc"):
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and needle in Path(entry.path, "environ").read_bytes():
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts processes in /proc")
def test_a_scan_killed_mid_file_leaves_no_process_behind() -> None:
    """kill -9 of the scan while a worker is stuck on a file: the worker, the forkserver and the
    resource tracker used to run on until the file was done (here a minute; ~80 MB)."""
    marker = uuid.uuid4().hex
    env = {**os.environ, "READER_TEST_RUN": marker, "PYTHONPATH": str(REPO)}
    scan = subprocess.Popen([sys.executable, "-c", _SCAN_WITH_A_STUCK_FILE], env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while len(_marked(marker)) < 5:  # the scan, the tracker, the forkserver, two workers
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.02)
        time.sleep(0.3)  # the stuck file is under way
        scan.kill()
        scan.wait(timeout=10)
        deadline = time.monotonic() + 2.0
        while _marked(marker):
            assert time.monotonic() < deadline, f"left running: {_marked(marker)}"
            time.sleep(0.02)
    finally:
        for pid in _marked(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        scan.kill()
        scan.wait(timeout=10)


_SCAN_THAT_OUTLIVES_THE_TERMINAL = """
import signal
from collections import deque
from reader.core.parse_pool import ParsePool
from tests.unit.pool_loads import echo_or_misbehave
for terminal_signal in (signal.SIGINT, signal.SIGHUP):  # handled, as the app does
    signal.signal(terminal_signal, lambda *_: print("signalled", flush=True))
pool = ParsePool(echo_or_misbehave, 1000, 2, timeout=2)
for chunk in pool.run(deque([[b"slow"], [b"fine"]]), path_of=lambda path: path):
    for path, result in chunk:
        print(path.decode(), result, flush=True)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts processes in /proc")
def test_ctrl_c_or_a_closed_terminal_leaves_the_files_under_way_to_the_scan() -> None:
    """Both signal the whole process group. The workers and the forkserver died of them while
    the scan's process (which decides what they mean) went on: the files being parsed were
    recorded as crashing their parser, and kept as skipped until they change."""
    marker = uuid.uuid4().hex
    env = {**os.environ, "READER_TEST_RUN": marker, "PYTHONPATH": str(REPO)}
    scan = subprocess.Popen(
        [sys.executable, "-c", _SCAN_THAT_OUTLIVES_THE_TERMINAL],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while len(_marked(marker)) < 5:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.02)
        time.sleep(0.3)
        os.killpg(scan.pid, signal.SIGHUP)
        os.killpg(scan.pid, signal.SIGINT)
        out, _ = scan.communicate(timeout=30)
    finally:
        for pid in _marked(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        scan.kill()
        scan.wait(timeout=10)
    results = dict(line.split(" ", 1) for line in out.splitlines() if line != "signalled")
    assert results == {"slow": TOO_SLOW, "fine": "parsed fine"}  # not CRASHED
