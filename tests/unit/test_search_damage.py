"""Damage inside the search index's own files: found, rebuilt, and never a panic or a silent
loss of results. tantivy reports damage it trips over as `pyo3_runtime.PanicException`, a
BaseException that `except Exception` does not catch."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core.config import Settings
from reader.core.search.checksums import SEGMENT_PARTS, damaged_files
from reader.core.search.directory import INDEX_DIR
from reader.core.session import LibrarySession

ARTICLES = 1000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A library of 1,000 articles, each with the word "common", indexed once."""
    base = tmp_path_factory.mktemp("damage")
    library = base / "library"
    library.mkdir()
    for n in range(ARTICLES):
        (library / f"{n:04}.md").write_text(
            f"# Article {n}\n\nThe common word, and a rare one: rare{n}x.\n", encoding="utf-8"
        )
    session = LibrarySession([library], base / "data", Settings())
    session.open()
    session.update()
    session.close()
    return library, base / "data"


def _copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    import shutil

    library, data = built
    shutil.copytree(data, tmp_path / "data")
    return library, tmp_path / "data"


def _damage(index_dir: Path, part: str, seed: int) -> Path:
    """Overwrite bytes in the middle of one segment file (the biggest of its kind)."""
    files = sorted(index_dir.glob(f"*.{part}"), key=lambda p: p.stat().st_size)
    target = files[-1]
    data = bytearray(target.read_bytes())
    rng = random.Random(seed)
    start = rng.randrange(0, max(1, len(data) - 64))
    for offset in range(start, min(len(data), start + 64)):
        data[offset] ^= 0xA5
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("part", SEGMENT_PARTS)
def test_damaged_segment_bytes_are_found_and_rebuilt_with_every_result(
    built: tuple[Path, Path], tmp_path: Path, part: str
) -> None:
    library, data = _copy(built, tmp_path)
    target = _damage(data / INDEX_DIR, part, seed=len(part))
    assert target.name in damaged_files(data / INDEX_DIR)
    session = LibrarySession([library], data, Settings())
    session.open()
    state = session.catch_up_search()  # what `reader search` does first (and the app, R)
    assert state.problem is None
    assert state.repaired is not None and "damaged" in state.repaired
    found = session.search("common", limit=1000)
    assert found.total == ARTICLES and len(found.results) == ARTICLES
    assert [r.path.name for r in session.search("rare737x").results] == ["0737.md"]
    assert damaged_files(data / INDEX_DIR) == []
    session.close()


@pytest.mark.parametrize("part", ["store", "term", "idx", "pos"])
def test_a_search_that_trips_over_damage_rebuilds_and_answers(
    built: tuple[Path, Path], tmp_path: Path, part: str
) -> None:
    """Damage met in the middle of a search (no check ran first): no exception of any kind
    escapes, the index is rebuilt, and the search is answered in full, saying so."""
    library, data = _copy(built, tmp_path)
    for seed in range(3):
        _damage(data / INDEX_DIR, part, seed=seed)
    session = LibrarySession([library], data, Settings())
    session.open()
    found = None
    try:
        for query in ("common", "rare5x", "article", "rare999x", "commo"):
            found = session.search(query, limit=1000, typing=True)
    except BaseException as error:
        pytest.fail(f"{type(error).__name__} escaped: {error}")
    assert found is not None
    full = session.search("common", limit=1000)
    assert full.total == ARTICLES
    session.close()


def test_a_missing_segment_file_is_damage(built: tuple[Path, Path], tmp_path: Path) -> None:
    library, data = _copy(built, tmp_path)
    victim = sorted((data / INDEX_DIR).glob("*.term"))[0]
    victim.unlink()
    assert f"{victim.name} (missing)" in damaged_files(data / INDEX_DIR)
    session = LibrarySession([library], data, Settings())
    session.open()
    state = session.catch_up_search()
    assert state.repaired is not None
    assert session.search("common", limit=1000).total == ARTICLES
    session.close()
