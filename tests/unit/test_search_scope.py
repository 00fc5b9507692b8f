"""Search covers the libraries that are open: the data directory holds every library ever
opened, and none may answer for another, in results, in counts or through its notes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.config import Settings
from reader.core.notes import NotesStore
from reader.core.search import SearchIndex
from reader.core.session import LibrarySession
from reader.core.store import Store


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def shelves(tmp_path: Path) -> tuple[Path, Path]:
    """Two libraries: the open one, and another one the data directory also knows."""
    mine = write(
        tmp_path / "mine",
        {
            "sea/whales.md": "# Whale song\n\nHumpbacks sing for hours.\n",
            "sea/ships.txt": "Ships\n\nA whale was seen from the deck.\n",
        },
    )
    other = write(
        tmp_path / "other",
        {
            "moby.md": "# Whale, whale, whale\n\nThe white whale. Whale! Whale!\n",
            "ahab.txt": "Ahab\n\nHe hunted the whale.\n",
            "third.txt": "Third\n\nOne more whale.\n",
        },
    )
    return mine, other


def session(roots: list[Path], data: Path) -> LibrarySession:
    opened = LibrarySession(roots, data, Settings())
    opened.rescan()
    return opened


@pytest.fixture
def both_known(shelves: tuple[Path, Path], data_dir: Path) -> Iterator[LibrarySession]:
    """`mine` opened after `other` was opened with the same data directory."""
    mine, other = shelves
    session([other], data_dir).close()
    opened = session([mine], data_dir)
    yield opened
    opened.close()


def names(found: object) -> set[str]:
    return {result.path.name for result in found.results}  # type: ignore[attr-defined]


def test_search_in_the_app_lists_and_counts_only_the_open_library(
    both_known: LibrarySession,
) -> None:
    found = both_known.search("whale")
    assert names(found) == {"whales.md", "ships.txt"}
    assert found.total == 2


def test_a_query_without_words_is_scoped_too(both_known: LibrarySession) -> None:
    found = both_known.search("-zebra")
    assert (names(found), found.total) == ({"whales.md", "ships.txt"}, 2)


def test_a_saved_search_holds_only_the_open_library(both_known: LibrarySession) -> None:
    ids = both_known.search_ids("whale")
    paths = {both_known.summary(article_id).path.name for article_id in ids}  # type: ignore[union-attr]
    assert paths == {"whales.md", "ships.txt"}


def test_each_library_finds_its_own(shelves: tuple[Path, Path], data_dir: Path) -> None:
    mine, other = shelves
    session([mine], data_dir).close()
    theirs = session([other], data_dir)
    assert names(theirs.search("whale")) == {"moby.md", "ahab.txt", "third.txt"}
    theirs.close()
    both = session([mine, other], data_dir)
    assert both.search("whale").total == 5
    both.close()


def test_a_folder_or_a_file_as_the_root(shelves: tuple[Path, Path], data_dir: Path) -> None:
    mine, other = shelves
    session([mine, other], data_dir).close()
    folder = session([mine / "sea"], data_dir)
    assert names(folder.search("whale")) == {"whales.md", "ships.txt"}
    folder.close()
    one_file = session([other / "ahab.txt"], data_dir)
    assert names(one_file.search("whale")) == {"ahab.txt"}
    one_file.close()


def test_a_sibling_whose_name_starts_the_same_is_not_inside(tmp_path: Path, data_dir: Path) -> None:
    write(tmp_path / "lib", {"a.txt": "A\n\nwhale\n"})
    write(tmp_path / "library", {"b.txt": "B\n\nwhale\n"})
    session([tmp_path / "library"], data_dir).close()
    lib = session([tmp_path / "lib"], data_dir)
    assert names(lib.search("whale")) == {"a.txt"}
    lib.close()


def test_odd_file_names_are_scoped_exactly(tmp_path: Path, data_dir: Path) -> None:
    odd = tmp_path / os.fsdecode(b"caf\xe9 \\x e9")  # not UTF-8, and a literal backslash
    write(odd, {"a.txt": "A\n\nwhale\n"})
    write(tmp_path / "café \\x e9", {"b.txt": "B\n\nwhale\n"})
    session([tmp_path / "café \\x e9"], data_dir).close()
    opened = session([odd], data_dir)
    assert names(opened.search("whale")) == {"a.txt"}
    opened.close()


def _note(opened: LibrarySession, path: Path, text: str) -> None:
    notes = NotesStore.for_store(opened.store, on_change=opened.index_note_change)
    article_id = opened.id_for_path(path)
    assert article_id is not None
    notes.save_note(article_id, text, expected_version=0)
    notes.close()


def test_notes_on_another_librarys_articles_are_not_found(
    shelves: tuple[Path, Path], data_dir: Path
) -> None:
    mine, other = shelves
    theirs = session([other], data_dir)
    _note(theirs, other / "ahab.txt", "remember the narwhal")
    assert [r.kind for r in theirs.search("narwhal").results] == ["note"]
    theirs.close()
    opened = session([mine], data_dir)
    found = opened.search("narwhal")
    assert (found.total, found.results) == (0, [])
    opened.close()


def test_a_note_follows_its_article_into_another_library(
    shelves: tuple[Path, Path], data_dir: Path
) -> None:
    mine, other = shelves
    both = session([mine, other], data_dir)
    _note(both, other / "ahab.txt", "remember the narwhal")
    (other / "ahab.txt").rename(mine / "ahab.txt")  # the same file, now in my library
    both.rescan()
    both.close()
    opened = session([mine], data_dir)
    assert [(r.kind, r.path.name) for r in opened.search("narwhal").results] == [
        ("note", "ahab.txt")
    ]
    opened.close()


def test_an_index_of_the_previous_version_is_rebuilt_with_the_scope(
    shelves: tuple[Path, Path], data_dir: Path
) -> None:
    mine, other = shelves
    session([mine, other], data_dir).close()
    (data_dir / "search-index" / "reader-search-version").write_text("1\n")
    store = Store.open(data_dir)
    index = SearchIndex.open(data_dir)
    assert index.needs_rebuild
    index.sync(store)
    assert index.search("whale", roots=[mine]).total == 2
    index.close()
    store.close()
