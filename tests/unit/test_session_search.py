"""Searching while a scan is still filling the search index says so, and stops saying so."""

from __future__ import annotations

from pathlib import Path

from reader.core.config import Settings
from reader.core.session import STILL_INDEXING, LibrarySession


def test_results_found_during_a_scan_say_the_index_is_still_filling(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    for number in range(30):
        (root / f"a{number}.md").write_text(f"# Otter {number}\n\nThe otter swims.\n")
    session = LibrarySession([root], tmp_path / "data", Settings())
    during: list[tuple[str, ...]] = []
    try:
        session.open()
        session.rescan(on_batch=lambda rows: during.append(session.search("otter").notes))
        after = session.search("otter")
    finally:
        session.close()
    assert during and all(STILL_INDEXING in notes for notes in during)
    assert STILL_INDEXING not in after.notes
    assert after.total == 30
