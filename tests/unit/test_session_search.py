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


def _session(tmp_path: Path, count: int) -> tuple[LibrarySession, Path]:
    root = tmp_path / "lib"
    root.mkdir()
    for number in range(count):
        (root / f"a{number}.md").write_text(f"# Otter {number}\n\nThe otter swims {number}.\n")
    session = LibrarySession([root], tmp_path / "data", Settings())
    session.open()
    session.update()
    return session, root


def test_a_result_whose_file_vanished_is_dropped_and_leaves_the_index(tmp_path: Path) -> None:
    session, root = _session(tmp_path, 5)
    try:
        (root / "a3.md").unlink()  # gone since it was indexed, no rescan
        found = session.search("otter")
        assert found.total == 4 and "a3.md" not in {r.path.name for r in found.results}
        assert all(r.path.exists() for r in found.results)
        # recorded as missing, so the index drops it too: the next search finds 4 at once
        assert session.summary(session.id_for_path(root / "a0.md") or 0) is not None
        assert len(session.summaries()) == 4
        session.replay_pending()
        assert session.search_index().count() == 4  # type: ignore[union-attr]
    finally:
        session.close()


def test_an_edit_picked_up_by_a_scan_is_searchable_by_its_new_word(tmp_path: Path) -> None:
    """166 of 166 edited files were unsearchable by their new words after `reader index`."""
    session, root = _session(tmp_path, 20)
    session.close()
    for number in range(0, 20, 2):
        (root / f"a{number}.md").write_text(f"# Otter {number}\n\nNow a narwhal{number}q.\n")
    (root / "a1.md").rename(root / "renamed.md")
    again = LibrarySession([root], tmp_path / "data", Settings())  # as `reader index` would
    try:
        again.open()
        again.update()
        for number in range(0, 20, 2):
            found = again.search(f"narwhal{number}q")
            assert [r.path.name for r in found.results] == [f"a{number}.md"]
        # the old words are gone with the old text
        assert all(r.path.name != "a0.md" for r in again.search("swims", limit=100).results)
        names = {r.path.name for r in again.search("otter", limit=100).results}
        assert "renamed.md" in names and "a1.md" not in names
    finally:
        again.close()
