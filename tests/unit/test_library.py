"""The library scanner: finds what changed on disk, parses only that, and never touches files."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import library, loaders
from reader.core.library import ArticleChanges, scan, walk
from reader.core.models import ScanProgress, Skipped
from reader.core.store import Store

MAX = 1 << 20


def article(path: Path, title: str, body: str = "Some words in a paragraph.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    article(root / "alpha.md", "Alpha")
    article(root / "essays" / "beta.md", "Beta")
    return root


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every path the scanner asked a loader to parse (small scans run in-process)."""
    calls: list[Path] = []
    real = loaders.load_for_index

    def counting(path: Path, *, max_bytes: int):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path, max_bytes=max_bytes)

    monkeypatch.setattr(loaders, "load_for_index", counting)
    return calls


def titles(store: Store) -> dict[str, str]:
    return {summary.path.name: summary.title for summary in store.summaries()}


def test_first_scan_lists_every_article_with_its_folder_as_source(store: Store, lib: Path) -> None:
    report = scan(store, [lib], max_bytes=MAX)
    assert (report.new, report.articles, report.skipped) == (2, 2, [])
    sources = {s.title: s.source for s in store.summaries([lib])}
    assert sources == {"Alpha": "lib", "Beta": "essays"}


def test_an_unchanged_rescan_parses_nothing(store: Store, lib: Path, loads: list[Path]) -> None:
    scan(store, [lib], max_bytes=MAX)
    assert len(loads) == 2
    report = scan(store, [lib], max_bytes=MAX)
    assert len(loads) == 2
    assert (report.unchanged, report.new, report.changed, report.removed) == (2, 0, 0, 0)


def test_changed_and_removed_files_are_noticed(store: Store, lib: Path, loads: list[Path]) -> None:
    scan(store, [lib], max_bytes=MAX)
    article(lib / "essays" / "beta.md", "Beta, revised", "A longer body than before.")
    (lib / "alpha.md").unlink()
    article(lib / "gamma.md", "Gamma")
    loads.clear()
    report = scan(store, [lib], max_bytes=MAX)
    assert (report.new, report.changed, report.removed, report.unchanged) == (1, 1, 1, 0)
    assert sorted(path.name for path in loads) == ["beta.md", "gamma.md"]
    assert titles(store) == {"beta.md": "Beta, revised", "gamma.md": "Gamma"}


def test_a_moved_file_keeps_its_id_and_reading_state(store: Store, lib: Path) -> None:
    scan(store, [lib], max_bytes=MAX)
    article_id = store.id_for_path(lib / "alpha.md")
    assert article_id is not None
    store.save_position(article_id, 42)
    (lib / "archive").mkdir()
    (lib / "alpha.md").rename(lib / "archive" / "renamed.md")
    report = scan(store, [lib], max_bytes=MAX)
    assert (report.moved, report.new, report.removed) == (1, 0, 0)
    assert store.id_for_path(lib / "archive" / "renamed.md") == article_id
    assert store.reading_state(article_id).position == 42
    assert "alpha.md" not in titles(store)


def test_reading_state_waits_for_a_file_that_comes_back_later(store: Store, lib: Path) -> None:
    scan(store, [lib], max_bytes=MAX)
    article_id = store.id_for_path(lib / "alpha.md")
    assert article_id is not None
    store.set_read(article_id, True)
    saved = (lib / "alpha.md").read_bytes()
    (lib / "alpha.md").unlink()
    assert scan(store, [lib], max_bytes=MAX).removed == 1
    assert "alpha.md" not in titles(store)
    (lib / "later").mkdir()
    (lib / "later" / "alpha-again.md").write_bytes(saved)
    assert scan(store, [lib], max_bytes=MAX).moved == 1
    assert store.id_for_path(lib / "later" / "alpha-again.md") == article_id
    assert store.reading_state(article_id).read is True


def test_a_removed_file_without_user_data_is_forgotten(store: Store, lib: Path) -> None:
    scan(store, [lib], max_bytes=MAX)
    (lib / "alpha.md").unlink()
    scan(store, [lib], max_bytes=MAX)
    (lib / "alpha-copy.md").write_text("---\ntitle: Alpha\n---\n\nSome words in a paragraph.\n")
    report = scan(store, [lib], max_bytes=MAX)
    assert (report.new, report.moved) == (1, 0)


def test_callbacks_get_summaries_ids_and_coalesced_progress(store: Store, lib: Path) -> None:
    batches, changes, progress = [], [], []
    scan(
        store,
        [lib],
        max_bytes=MAX,
        on_batch=batches.append,
        on_change=changes.append,
        progress=progress.append,
    )
    assert sorted(s.title for batch in batches for s in batch) == ["Alpha", "Beta"]
    assert sorted(i for change in changes for i in change.added) == sorted(
        s.id for s in store.summaries()
    )
    assert progress and progress[-1] == ScanProgress(2, 2, "done")
    assert len(progress) < 10
    (lib / "alpha.md").unlink()
    changes.clear()
    scan(store, [lib], max_bytes=MAX, on_change=changes.append)
    assert len(changes) == 1 and len(changes[0].removed) == 1
    assert changes[0] == ArticleChanges(removed=changes[0].removed)


def test_skipped_files_are_listed_with_reasons_until_they_go(store: Store, lib: Path) -> None:
    (lib / "big.txt").write_text("word " * 1000)
    (lib / "empty.md").write_bytes(b"")
    (lib / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # not a candidate: silently ignored
    report = scan(store, [lib], max_bytes=2000)
    reasons = {skipped.path.name: skipped.reason for skipped in report.skipped}
    assert set(reasons) == {"big.txt", "empty.md"}
    assert "too large" in reasons["big.txt"] and "empty" in reasons["empty.md"]
    assert store.skipped([lib]) == report.skipped
    (lib / "empty.md").unlink()
    assert [s.path.name for s in scan(store, [lib], max_bytes=2000).skipped] == ["big.txt"]


def test_a_file_that_grows_too_large_leaves_the_list(store: Store, lib: Path) -> None:
    scan(store, [lib], max_bytes=2000)
    article(lib / "alpha.md", "Alpha", "word " * 1000)
    report = scan(store, [lib], max_bytes=2000)
    assert report.removed == 1
    assert [s.path.name for s in report.skipped] == ["alpha.md"]
    assert "alpha.md" not in titles(store)


def test_a_symlink_loop_ends(store: Store, lib: Path) -> None:
    (lib / "essays" / "loop").symlink_to(lib, target_is_directory=True)
    (lib / "self").symlink_to("self")
    report = scan(store, [lib], max_bytes=MAX)
    assert report.articles == 2


def test_links_are_followed_only_inside_the_library(
    store: Store, lib: Path, tmp_path: Path
) -> None:
    secret = article(tmp_path / "outside" / "secret.md", "Secret")
    (lib / "secret.md").symlink_to(secret)
    (lib / "passwd").symlink_to("/etc/passwd")
    (lib / "outside-dir").symlink_to(secret.parent, target_is_directory=True)
    (lib / "alias.md").symlink_to(lib / "essays" / "beta.md")
    report = scan(store, [lib], max_bytes=MAX)
    reasons = {s.path.name: s.reason for s in report.skipped}
    assert reasons == dict.fromkeys(
        ["secret.md", "passwd", "outside-dir"], "link to outside the library"
    )
    assert "Secret" not in titles(store).values()
    assert titles(store)["alias.md"] == "Beta"


def test_a_fifo_is_skipped_without_being_opened(store: Store, lib: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(lib / "pipe.md")
    done: list[object] = []
    worker = threading.Thread(
        target=lambda: done.append(scan(store, [lib], max_bytes=MAX)), daemon=True
    )
    worker.start()
    worker.join(timeout=20)
    assert done, "the scan hung on a FIFO"
    (report,) = done
    assert [(s.path.name, s.reason) for s in report.skipped] == [
        ("pipe.md", "not a regular file (FIFO)")
    ]


def test_a_non_utf8_file_name_round_trips_losslessly(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    raw = os.fsencode(root) + b"/caf\xe9 \xff.md"
    with open(raw, "wb") as file:
        file.write(b"---\ntitle: Latin-1 name\n---\n\nBody text.\n")
    scan(store, [root], max_bytes=MAX)
    (summary,) = store.summaries([root])
    assert os.fsencode(summary.path) == raw
    assert summary.path.read_bytes().startswith(b"---")
    assert store.id_for_path(summary.path) == summary.id
    assert scan(store, [root], max_bytes=MAX).unchanged == 1


def test_scanning_never_changes_a_file(store: Store, lib: Path) -> None:
    def snapshot() -> dict[Path, tuple[bytes, int]]:
        files = sorted(p for p in lib.rglob("*") if p.is_file())
        return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}

    before = snapshot()
    scan(store, [lib], max_bytes=MAX)
    scan(store, [lib], max_bytes=MAX)
    assert snapshot() == before


def test_walk_is_sorted_skips_hidden_folders_and_accepts_file_roots(lib: Path) -> None:
    article(lib / ".git" / "notes.md", "Hidden")
    article(lib / "zeta" / "a.md", "Z")
    (lib / "style.css").write_text("body {}")
    single = article(lib.parent / "single.txt", "Single")
    found = list(walk([lib, single]))
    assert all(not isinstance(item, Skipped) for item in found)
    assert [p.relative_to(lib.parent).as_posix() for p in found] == [
        "lib/alpha.md",
        "lib/essays/beta.md",
        "lib/zeta/a.md",
        "single.txt",
    ]


def test_a_missing_root_removes_nothing(store: Store, lib: Path, tmp_path: Path) -> None:
    scan(store, [lib], max_bytes=MAX)
    moved_away = tmp_path / "unmounted"
    lib.rename(moved_away)
    report = scan(store, [lib], max_bytes=MAX)
    assert report.removed == 0
    assert [s.reason[:14] for s in report.skipped] == ["cannot be read"]


def test_many_files_are_parsed_in_worker_processes(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "many"
    for number in range(library.POOL_THRESHOLD + 10):
        article(root / f"{number:03}.md", f"Article {number}")
    report = scan(store, [root], max_bytes=MAX, workers=2)
    assert report.new == library.POOL_THRESHOLD + 10
    assert titles(store)["007.md"] == "Article 7"


def test_unsupported_documents_are_listed_as_skipped_and_page_assets_are_not(
    store: Store, lib: Path
) -> None:
    (lib / "paper.pdf").write_bytes(b"%PDF-1.7\n")
    (lib / "book.EPUB").write_bytes(b"PK\x03\x04")
    (lib / "style.css").write_text("body {}")
    (lib / "photo.png").write_bytes(b"\x89PNG")
    report = scan(store, [lib], max_bytes=MAX)
    reasons = {skipped.path.name: skipped.reason for skipped in report.skipped}
    assert reasons["paper.pdf"] == "unsupported file type .pdf"
    assert reasons["book.EPUB"] == "unsupported file type .epub"
    assert "style.css" not in reasons and "photo.png" not in reasons


def test_a_library_scanned_by_older_loaders_is_read_again_once(tmp_path: Path) -> None:
    """New loaders (titles, dates) reach a library indexed before them, with no file touched."""
    from reader.core import library as library_module

    root = tmp_path / "lib"
    root.mkdir()
    (root / "2014-11-20-a-post.md").write_text("Text of the post.\n")
    store = Store.open(tmp_path / "data")
    try:
        first = scan(store, [root], max_bytes=MAX)
        assert first.new == 1
        again = scan(store, [root], max_bytes=MAX)
        assert (again.changed, again.unchanged) == (0, 1)
        store.set_meta(library_module._version_key(root), "1")  # as an older reader left it
        upgraded = scan(store, [root], max_bytes=MAX)
        assert (upgraded.changed, upgraded.unchanged) == (1, 0)
        settled = scan(store, [root], max_bytes=MAX)
        assert (settled.changed, settled.unchanged) == (0, 1)
    finally:
        store.close()


def test_a_first_scan_cut_short_is_not_read_again_in_full(tmp_path: Path) -> None:
    """A first scan killed halfway left its written files marked as read by older loaders,
    so the next scan read them all again (and `reader check` called them outdated)."""
    root = tmp_path / "lib"
    root.mkdir()
    for number in range(700):
        (root / f"{number}.md").write_text(f"# Note {number}\n\nText {number}.\n")
    store = Store.open(tmp_path / "data")

    class Killed(Exception):
        pass

    def die(rows: object) -> None:
        raise Killed  # after the first batch is written, as a kill -9 would stop it

    with pytest.raises(Killed):
        scan(store, [root], max_bytes=MAX, on_batch=die)
    written = store.count()
    assert 0 < written < 700
    again = scan(store, [root], max_bytes=MAX)
    assert (again.new, again.changed, again.unchanged) == (700 - written, 0, written)
    store.close()
