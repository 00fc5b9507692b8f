"""The search index: ranking, analysis, filters, keeping in step with the files, hits."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.library import scan
from reader.core.search import (
    IndexBusy,
    IndexFollower,
    SearchIndex,
    fields,
    find_hits,
    find_in_text,
)
from reader.core.search.directory import INDEX_DIR, VERSION_FILE
from reader.core.search.follow import NICENESS
from reader.core.store import Store

MAX_BYTES = 1 << 20

FILES = {
    "crime/whales.md": "---\ntitle: Killer whales\nauthor: Ada Lovelace\ntags: [Ocean, Nature]\n"
    "date: 2023-05-01\n---\nOrcas hunt in pods across every ocean.\n",
    "crime/story.md": "---\ntitle: A story\ndate: 2024-03-10\ntags: [crime]\n---\n"
    "The killer left. The killer came back. Nobody saw the killer twice.\n",
    "food/cafe.txt": "Le café du coin\n\nWe met at the café on the corner for croissants.\n",
    "food/plain.txt": "Cafeteria notes\n\nLunch was served in the cafeteria at noon.\n",
    "japan/rashomon.txt": "羅生門\n\nある日の暮方の事である。"
    "一人の下人が、羅生門の下で雨やみを待っていた。\n",
    "japan/other.txt": "門\n\n生きる。門の前。羅の布。\n",
    "misc/running.md": "# Running\n\nShe was running and connecting the dots, happily.\n",
}


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def indexed(tmp_path: Path, library: Path) -> Iterator[tuple[Store, SearchIndex]]:
    data = tmp_path / "data"
    store = Store.open(data)
    index = SearchIndex.open(data)
    index.sync(store)
    rescan(store, index, library)
    yield store, index
    index.close()
    store.close()


def names(index: SearchIndex, query: str, **options: object) -> list[str]:
    return [r.path.name for r in index.search(query, **options).results]  # type: ignore[arg-type]


def rescan(store: Store, index: SearchIndex, library: Path) -> None:
    with IndexFollower(index, store) as follow:
        scan(store, [library], max_bytes=MAX_BYTES, on_change=follow)


def test_a_title_match_ranks_above_body_matches(indexed: tuple[Store, SearchIndex]) -> None:
    _, index = indexed
    assert names(index, "killer") == ["whales.md", "story.md"]


def test_stemming_finds_other_forms(indexed: tuple[Store, SearchIndex]) -> None:
    _, index = indexed
    assert set(names(index, "killers")) == {"whales.md", "story.md"}
    assert names(index, "runs") == ["running.md"]


def test_accents_are_folded_both_ways(indexed: tuple[Store, SearchIndex]) -> None:
    _, index = indexed
    assert names(index, "cafe") == ["cafe.txt"]
    assert names(index, "CAFÉ") == ["cafe.txt"]


def test_cjk_words_are_found_without_spaces(indexed: tuple[Store, SearchIndex]) -> None:
    _, index = indexed
    assert names(index, "羅生門") == ["rashomon.txt"]  # other.txt has 羅, 生 and 門 apart
    assert names(index, "下人") == ["rashomon.txt"]
    result = index.search("雨やみ").results[0]
    assert [result.snippet[a:b] for a, b in result.spans] == ["雨やみ"]


def test_prefixes_are_complete_past_fifty_terms(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for i in range(80):
        (root / f"{i}.txt").write_text(f"Title {i}\n\nword zeta{i}x here\n")
    store = Store.open(tmp_path / "data")
    index = SearchIndex.open(tmp_path / "data")
    scan(store, [root], max_bytes=MAX_BYTES, on_change=lambda c: index.apply(store, c))
    assert index.search("zeta*", limit=5).total == 80
    index.close()


def test_prefix_finds_words_whose_stem_is_shorter(indexed: tuple[Store, SearchIndex]) -> None:
    _, index = indexed
    assert names(index, "runni*") == ["running.md"]  # "running" is indexed as "run"
    assert names(index, "happ*") == ["running.md"]


def test_the_word_being_typed_matches_as_a_prefix(indexed: tuple[Store, SearchIndex]) -> None:
    _, index = indexed
    assert names(index, "kil") == []
    assert set(names(index, "kil", typing=True)) == {"whales.md", "story.md"}
    assert names(index, "cafe", typing=True)[0] == "cafe.txt"  # the whole word ranks first
    assert set(names(index, "cafe", typing=True)) == {"cafe.txt", "plain.txt"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("killer tag:crime", {"story.md"}),
        ("tag:OCEAN", {"whales.md"}),
        ("killer -tag:crime", {"whales.md"}),
        ("author:lovelace", {"whales.md"}),
        ("killer author:lovelace", {"whales.md"}),
        ("title:killer", {"whales.md"}),
        ("title:kil*", {"whales.md"}),
        ("in:food", {"cafe.txt", "plain.txt"}),
        ("in:lib/food cafeteria", {"plain.txt"}),
        ("killer after:2024", {"story.md"}),
        ("killer before:2024-01", {"whales.md"}),
        ("after:2023-05-01 before:2023-05-02", {"whales.md"}),
        ("killer -twice", {"whales.md"}),
        ('killer -"came back"', {"whales.md"}),
        ("orcas OR croissants", {"whales.md", "cafe.txt"}),
        ('"the killer came"', {"story.md"}),
        ('"killer left came"', set()),
    ],
)
def test_filters_combine_with_words(
    indexed: tuple[Store, SearchIndex], query: str, expected: set[str]
) -> None:
    _, index = indexed
    assert set(names(index, query)) == expected


def test_reading_state_filters(indexed: tuple[Store, SearchIndex], library: Path) -> None:
    store, index = indexed
    story = store.id_for_path(library / "crime/story.md")
    assert story is not None
    assert names(index, "killer is:read", read_ids={story}) == ["story.md"]
    assert names(index, "killer is:unread", read_ids={story}) == ["whales.md"]
    assert names(index, "killer is:read") == []


def test_filters_alone_list_newest_first(indexed: tuple[Store, SearchIndex]) -> None:
    _, index = indexed
    assert names(index, "in:crime") == ["story.md", "whales.md"]


def test_snippets_are_plain_text_with_hit_spans(indexed: tuple[Store, SearchIndex]) -> None:
    _, index = indexed
    result = index.search("killers").results[1]
    assert result.title == "A story"
    assert [result.snippet[a:b] for a, b in result.spans] == ["killer"] * 3
    assert "\n" not in result.snippet
    top = index.search("killer").results[0]
    assert [top.title[a:b] for a, b in top.title_spans] == ["Killer"]


def test_an_edited_file_is_found_by_its_new_words_only(
    indexed: tuple[Store, SearchIndex], library: Path
) -> None:
    store, index = indexed
    path = library / "food/plain.txt"
    path.write_text("Cafeteria notes\n\nDinner was quinoa.\n")
    os.utime(path, ns=(1, 1))
    rescan(store, index, library)
    assert names(index, "quinoa") == ["plain.txt"]
    assert names(index, "lunch") == []


def test_a_removed_file_is_gone_and_a_new_one_found(
    indexed: tuple[Store, SearchIndex], library: Path
) -> None:
    store, index = indexed
    (library / "crime/story.md").unlink()
    (library / "new.txt").write_text("Fresh\n\nA new killer appears.\n")
    rescan(store, index, library)
    assert set(names(index, "killer")) == {"whales.md", "new.txt"}
    assert index.count() == len(FILES)


def test_a_warm_start_does_not_rebuild(indexed: tuple[Store, SearchIndex], tmp_path: Path) -> None:
    store, index = indexed
    index.close()
    again = SearchIndex.open(tmp_path / "data")
    assert not again.needs_rebuild
    assert again.sync(store) is False
    assert names(again, "orcas") == ["whales.md"]


@pytest.mark.parametrize("damage", ["version", "garbage", "missing"])
def test_a_damaged_index_is_rebuilt(
    indexed: tuple[Store, SearchIndex], tmp_path: Path, damage: str
) -> None:
    store, index = indexed
    index.close()
    directory = tmp_path / "data" / INDEX_DIR
    if damage == "version":
        (directory / VERSION_FILE).write_text("0\n")
    elif damage == "garbage":
        for path in directory.iterdir():
            if path.name != VERSION_FILE:
                path.write_bytes(b"\x00garbage" * 10)
    else:
        for path in directory.iterdir():
            path.unlink()
    again = SearchIndex.open(tmp_path / "data")
    assert again.needs_rebuild
    assert again.sync(store)
    assert names(again, "orcas") == ["whales.md"]
    again.close()


def test_a_follower_indexes_beside_the_scan(tmp_path: Path, library: Path) -> None:
    store = Store.open(tmp_path / "data")
    index = SearchIndex.open(tmp_path / "data")
    index.sync(store)
    with IndexFollower(index, store) as follow:
        scan(store, [library], max_bytes=MAX_BYTES, on_change=follow)
    assert names(index, "orcas") == ["whales.md"]
    (library / "misc/running.md").unlink()
    with IndexFollower(index, store) as follow:
        scan(store, [library], max_bytes=MAX_BYTES, on_change=follow)
    assert names(index, "running") == []
    index.close()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux thread priorities")
def test_a_follower_leaves_the_cpu_to_the_scan_first(tmp_path: Path, library: Path) -> None:
    own_priority = os.getpriority(os.PRIO_PROCESS, 0)
    store = Store.open(tmp_path / "data")
    index = SearchIndex.open(tmp_path / "data")
    index.sync(store)
    with IndexFollower(index, store) as follow:
        scan(store, [library], max_bytes=MAX_BYTES, on_change=follow)
    tantivy_threads = [
        int(task.name)
        for task in Path("/proc/self/task").iterdir()
        if (task / "comm").read_text().startswith("thrd-tantivy")
    ]
    assert tantivy_threads
    assert all(os.getpriority(os.PRIO_PROCESS, t) >= NICENESS for t in tantivy_threads)
    assert os.getpriority(os.PRIO_PROCESS, 0) == own_priority  # the scan's thread is untouched
    assert names(index, "orcas") == ["whales.md"]
    index.close()


def test_waiting_for_a_follower_reports_how_far_it_has_got(
    tmp_path: Path, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "data")
    index = SearchIndex.open(tmp_path / "data")
    index.sync(store)
    slow_apply = index.apply

    def apply(*args: object, **kwargs: object) -> None:
        time.sleep(0.3)  # a big batch
        slow_apply(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index, "apply", apply)
    seen: list[tuple[int, int]] = []
    follow = IndexFollower(index, store)
    scan(store, [library], max_bytes=MAX_BYTES, on_change=follow)
    follow.wait(progress=lambda indexed, queued: seen.append((indexed, queued)))
    # reported while it waits: all indexed may already be, with the commit still running
    assert seen and all(indexed <= queued == len(FILES) for indexed, queued in seen)
    assert follow.indexed == follow.queued == len(FILES)
    assert names(index, "orcas") == ["whales.md"]
    index.close()


def test_a_busy_index_is_reported_not_fatal(tmp_path: Path, library: Path) -> None:
    store = Store.open(tmp_path / "data")
    holder = SearchIndex.open(tmp_path / "data")
    holder.acquire_writer()  # as another reader process would
    other = SearchIndex.open(tmp_path / "data")
    follow = IndexFollower(other, store)
    report = scan(store, [library], max_bytes=MAX_BYTES, on_change=follow)
    assert report.new == len(FILES)  # the scan itself went on
    with pytest.raises(IndexBusy):
        follow.wait()
    assert other.search("orcas").total == 0  # searching still works
    holder.close()


def test_sync_catches_up_after_a_scan_it_missed(tmp_path: Path, library: Path) -> None:
    store = Store.open(tmp_path / "data")
    index = SearchIndex.open(tmp_path / "data")
    index.sync(store)
    scan(store, [library], max_bytes=MAX_BYTES)  # as if the app died before the index followed
    assert names(index, "orcas") == []
    assert index.sync(store)
    assert names(index, "orcas") == ["whales.md"]
    index.close()


def test_notes_are_searched_and_marked(indexed: tuple[Store, SearchIndex], library: Path) -> None:
    store, index = indexed
    article = store.summary(store.id_for_path(library / "food/cafe.txt") or 0)
    assert article is not None
    note = fields.note_document(7, article.id, "Remember the pistachio éclairs", article)
    index.put_notes([("7", note)])
    [result] = index.search("eclairs").results
    assert (result.kind, result.article_id, result.note_id) == ("note", article.id, 7)
    assert result.title == article.title
    assert names(index, "pistachio in:food") == ["cafe.txt"]
    index.put_notes([], removed=["7"])
    assert index.search("pistachio").total == 0


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=80), st.booleans())
def test_any_query_searches_without_raising(
    indexed: tuple[Store, SearchIndex], text: str, typing: bool
) -> None:
    _, index = indexed
    found = index.search(text, typing=typing)
    assert found.total >= len(found.results)
    for result in found.results:
        assert all(0 <= a < b <= len(result.snippet) for a, b in result.spans)


TEXT = "The Killers met a killer at the CAFÉ; e-mail. 羅生門の話。akiller はkillerの Kill"


@pytest.mark.parametrize(
    ("query", "typing", "expected"),
    [
        ("killers", False, ["Killers", "killer", "killer"]),
        ("cafe", False, ["CAFÉ"]),
        ('"met a killer"', False, ["met a killer"]),
        ("羅生門", False, ["羅生門"]),
        ("e-mail", False, ["e-mail"]),
        ("kil", False, []),
        ("kil", True, ["Killers", "killer", "killer", "Kill"]),
        ("kil*", False, ["Killers", "killer", "killer", "Kill"]),
        ("-killer tag:x", False, []),
        ("orcas OR cafe", False, ["CAFÉ"]),
    ],
)
def test_find_hits_follows_the_index_rules(query: str, typing: bool, expected: list[str]) -> None:
    assert [TEXT[a:b] for a, b in find_hits(query, TEXT, typing=typing)] == expected


ASCII_TEXT = "The Killers met a killer at the cafe; e-mail. akiller, skill-killer Kill THE kill."


@pytest.mark.parametrize(
    ("query", "typing"),
    [
        ("killers", False),
        ('"met a killer"', False),
        ('"the cafe"', False),
        ("kil", True),
        ("kil*", False),
        ("the", False),
        ("e-mail", False),
    ],
)
def test_hits_in_an_ascii_text_are_those_of_the_general_path(query: str, typing: bool) -> None:
    """An ASCII text is searched with a `str.find` shortcut; a trailing "é" forces the regex
    path over the same words, which must find exactly the same hits."""
    plain = find_hits(query, ASCII_TEXT, typing=typing)
    general = find_hits(query, ASCII_TEXT + " é", typing=typing)
    assert plain and plain == general


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("killer", ["Killer", "killer", "killer", "killer"]),
        ("Killer", ["Killer"]),  # capitals: case-sensitive
        ("café", ["CAFÉ"]),
        ("Cafe", []),
        ("e-mail", ["e-mail"]),
        ("a.k", []),  # literal, not a pattern
        ("生門", ["生門"]),
        ("   ", []),
    ],
)
def test_find_in_text_is_literal_with_smart_case(needle: str, expected: list[str]) -> None:
    assert [TEXT[a:b] for a, b in find_in_text(needle, TEXT)] == expected


def test_find_in_text_spans_a_line_break() -> None:
    text = "the quick\nbrown fox"
    assert find_in_text("quick brown", text) == [(4, 15)]
