"""The scan's worker processes: a stuck or crashing file is skipped, and the rest still parse.

These run real processes (the forkserver), as a scan does.
"""

from __future__ import annotations

import io
import sys
from collections import deque
from pathlib import Path

import pytest

from reader.core import library
from reader.core.parse_pool import CRASHED, TOO_SLOW, ParsePool, PoolUnavailable
from reader.core.store import Store
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
