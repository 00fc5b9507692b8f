"""Two scans of one data directory: the second waits for the first, says so, and then
reports true counts (it used to redo all the work, and both reported wrong numbers)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from reader.core.config import Settings
from reader.core.models import ScanProgress
from reader.core.scan_lock import WAITING, scanning
from reader.core.session import LibrarySession


def test_a_second_scan_waits_for_the_first_then_reports_true_counts(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    for number in range(80):
        (root / f"{number}.md").write_text(f"# Heron {number}\n\nText {number}.\n")
    data = tmp_path / "data"
    first, second = (LibrarySession([root], data, Settings()) for _ in range(2))
    first.open()
    second.open()
    busy = threading.Event()

    def slow(progress: ScanProgress) -> None:
        busy.set()
        time.sleep(0.02)  # a big library: the first scan is still going

    reports = []
    holder = threading.Thread(target=lambda: reports.append(first.update(progress=slow)[0]))
    holder.start()
    busy.wait(10)
    seen: list[ScanProgress] = []
    report, _ = second.update(progress=seen.append)
    holder.join(30)
    assert seen[0].phase == WAITING  # told, before anything else
    assert (reports[0].new, reports[0].articles) == (80, 80)
    assert (report.new, report.unchanged, report.articles) == (0, 80, 80)  # true, not redone
    first.close()
    second.close()


def test_a_scan_waiting_for_another_stops_when_its_session_closes(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "a.md").write_text("# A\n\nText.\n")
    data = tmp_path / "data"
    session = LibrarySession([root], data, Settings())
    session.open()
    with scanning(data):
        threading.Timer(0.3, session.close).start()
        report, state = session.update()
    assert state.problem == WAITING and report.new == 0
