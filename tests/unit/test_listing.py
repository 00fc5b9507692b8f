"""The article list's order and type-to-filter, as a user sees them, at 5 and at 100,000 rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core import filter_scan
from reader.core.listing import BULK_RESORT, ArticleListing, SortKey, fold
from reader.core.models import ArticleSummary

UTC = dt.UTC


@pytest.fixture(autouse=True)
def unhurried_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the first rows are must not depend on how busy the machine is: in the app a scan
    over its few milliseconds hands over to the worker; here it always finishes."""
    monkeypatch.setattr(filter_scan, "BUDGET", 10.0)


def summary(
    article_id: int,
    title: str,
    *,
    date: dt.datetime | None = None,
    last_read: dt.datetime | None = None,
    author: str = "",
    tags: tuple[str, ...] = (),
    path: str = "",
) -> ArticleSummary:
    return ArticleSummary(
        id=article_id,
        path=Path(path or f"/library/{article_id}.md"),
        title=title,
        source="example.org",
        author=author,
        date=date,
        tags=tags,
        last_read=last_read,
    )


def titles(listing: ArticleListing) -> list[str]:
    return [row.title for row in listing.visible]


def day(n: int) -> dt.datetime:
    return dt.datetime(2024, 1, n)


# -- sorting ---------------------------------------------------------------------------------


def test_date_order_is_newest_first_with_undated_last_and_ties_by_title() -> None:
    listing = ArticleListing(
        [
            summary(1, "Undated b"),
            summary(2, "Old", date=day(1)),
            summary(3, "Same day zebra", date=day(5)),
            summary(4, "Undated a"),
            summary(5, "Same day apple", date=day(5)),
            summary(6, "Newest", date=day(9)),
        ]
    )
    assert listing.sort_key is SortKey.DATE
    assert titles(listing) == [
        "Newest",
        "Same day apple",
        "Same day zebra",
        "Old",
        "Undated a",
        "Undated b",
    ]


def test_date_order_compares_naive_and_aware_dates_on_one_timeline() -> None:
    listing = ArticleListing(
        [
            summary(1, "Naive noon", date=dt.datetime(2024, 1, 1, 12)),
            summary(2, "Aware 13h UTC", date=dt.datetime(2024, 1, 1, 13, tzinfo=UTC)),
            summary(3, "Aware 11h UTC", date=dt.datetime(2024, 1, 1, 11, tzinfo=UTC)),
        ]
    )
    assert titles(listing) == ["Aware 13h UTC", "Naive noon", "Aware 11h UTC"]


def test_title_order_is_casefolded_accent_free_and_natural_with_ties_by_id() -> None:
    rows = [
        summary(1, "Part 10"),
        summary(2, "banana"),
        summary(3, "Éclair"),
        summary(4, "Part 2"),
        summary(5, "apple"),
        summary(6, "Zoo"),
        summary(7, "banana"),
    ]
    listing = ArticleListing(rows)
    listing.sort_key = SortKey.TITLE
    assert titles(listing) == ["apple", "banana", "banana", "Éclair", "Part 2", "Part 10", "Zoo"]
    assert [row.id for row in listing.visible][1:3] == [2, 7]


def test_recent_order_puts_last_read_first_and_never_read_last_by_date() -> None:
    listing = ArticleListing(
        [
            summary(1, "Never read, old", date=day(1)),
            summary(2, "Read yesterday", last_read=day(20)),
            summary(3, "Never read, new", date=day(9)),
            summary(4, "Read today", last_read=day(21), date=day(2)),
        ]
    )
    listing.sort_key = SortKey.RECENT
    assert titles(listing) == [
        "Read today",
        "Read yesterday",
        "Never read, new",
        "Never read, old",
    ]


def test_path_order_keeps_folders_together_in_natural_order() -> None:
    listing = ArticleListing(
        [
            summary(1, "b10", path="/lib/b/10.md"),
            summary(2, "a", path="/lib/a/1.md"),
            summary(3, "b2", path="/lib/b/2.md"),
            summary(4, "B upper", path="/lib/B/1.md"),
        ]
    )
    listing.sort_key = SortKey("path")  # the app may store the key as text in its settings
    assert titles(listing) == ["a", "B upper", "b2", "b10"]


# -- filtering -------------------------------------------------------------------------------

ROWS = [
    summary(1, "Rust ownership explained", author="Ann Lee", tags=("programming",)),
    summary(2, "A Café in Paris", author="José Núñez", tags=("travel", "food")),
    summary(3, "Cafe culture", author="Bo", tags=("food",)),
    summary(4, "The theatre of memory", author="Ann Lee", tags=("history",)),
    summary(5, "[bold]Markup[/bold] title", author="", tags=()),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rust", {1}),
        ("RUST", {1}),
        ("ann lee", {1, 4}),  # author
        ("travel", {2}),  # tag
        ("cafe", {2, 3}),  # accent-insensitive: cafe finds Café
        ("café", {2, 3}),  # and the other way round
        ("nunez", {2}),  # accents in authors too
        ("food cafe", {2, 3}),  # every word, across fields, in any order
        ("paris food", {2}),
        ("rust food", set()),
        ("[bold]", {5}),  # markup characters are plain text to the filter
        ("   ", {1, 2, 3, 4, 5}),
        ("", {1, 2, 3, 4, 5}),
    ],
)
def test_filter_matches_every_word_in_title_author_or_tags(query: str, expected: set[int]) -> None:
    listing = ArticleListing(ROWS)
    listing.query = query
    assert {row.id for row in listing.visible} == expected
    assert listing.total == len(ROWS)


def test_filter_keeps_the_sort_order() -> None:
    listing = ArticleListing(ROWS)
    listing.sort_key = SortKey.TITLE
    listing.query = "cafe"
    assert titles(listing) == ["A Café in Paris", "Cafe culture"]


def test_typing_and_deleting_a_query_gives_the_same_rows_as_a_fresh_filter() -> None:
    listing = ArticleListing(ROWS)
    for query in ["t", "th", "the", "thea", "the", "th", "t", "", "a", "an", "ann x", "ann"]:
        listing.query = query
        fresh = ArticleListing(ROWS)
        fresh.query = query
        assert titles(listing) == titles(fresh), query


def test_index_of_a_filtered_out_row_is_none() -> None:
    listing = ArticleListing(ROWS)
    listing.query = "cafe"
    assert listing.index_of(3) == 1
    assert listing.index_of(1) is None
    assert listing.index_of(999) is None


def test_fold_strips_accents_and_case() -> None:
    assert fold("Ça VA Öl ﬁne") == "ca va ol fine"


# -- changes from the indexer and the reader -------------------------------------------------


def test_upsert_adds_rows_in_place_and_moves_a_retitled_row() -> None:
    listing = ArticleListing([summary(1, "b"), summary(2, "d")])
    listing.sort_key = SortKey.TITLE
    listing.upsert([summary(3, "c"), summary(4, "a")])
    assert titles(listing) == ["a", "b", "c", "d"]
    listing.upsert([summary(1, "z")])
    assert titles(listing) == ["a", "c", "d", "z"]
    listing.sort_key = SortKey.DATE  # an order never used before is right too
    listing.upsert([summary(5, "dated", date=day(1))])
    assert titles(listing) == ["dated", "a", "c", "d", "z"]


def test_upsert_of_a_changed_tag_updates_the_filter() -> None:
    listing = ArticleListing(ROWS)
    listing.query = "programming"
    listing.upsert([dataclasses.replace(ROWS[3], tags=("programming",))])
    assert {row.id for row in listing.visible} == {1, 4}


def test_remove_forgets_rows_and_ignores_unknown_ids() -> None:
    listing = ArticleListing(ROWS)
    listing.sort_key = SortKey.TITLE
    listing.remove([2, 5, 999])
    assert titles(listing) == ["Cafe culture", "Rust ownership explained", "The theatre of memory"]
    assert listing.total == 3


def test_update_state_marks_read_and_moves_the_row_in_recent_order() -> None:
    listing = ArticleListing([summary(1, "first", date=day(2)), summary(2, "second", date=day(1))])
    listing.sort_key = SortKey.RECENT
    assert titles(listing) == ["first", "second"]
    updated = listing.update_state(2, read=True, last_read=day(30), position=120)
    assert updated is not None and updated.read and updated.position == 120
    assert titles(listing) == ["second", "first"]
    assert listing.visible[0].read
    listing.update_state(1, has_notes=True)
    assert listing.visible[1].has_notes and not listing.visible[1].read
    assert listing.update_state(999, read=True) is None


# -- at scale --------------------------------------------------------------------------------

WORDS = [
    "the",
    "theatre",
    "of",
    "rust",
    "python",
    "café",
    "naïve",
    "data",
    "river",
    "light",
    "garden",
    "winter",
    "music",
]


def synthetic(count: int, seed: int = 7, first_id: int = 1) -> list[ArticleSummary]:
    rng = random.Random(seed)
    rows = []
    for article_id in range(first_id, first_id + count):
        title = " ".join(rng.choices(WORDS, k=rng.randint(2, 6))) + f" {rng.randint(1, 300)}"
        date = None if article_id % 13 == 0 else day(1) + dt.timedelta(hours=rng.randint(0, 9999))
        rows.append(
            summary(
                article_id,
                title.capitalize(),
                date=date,
                author=rng.choice(["Ann Lee", "José Núñez", ""]),
                tags=tuple(rng.sample(WORDS, 2)),
                last_read=day(2) if article_id % 7 == 0 else None,
            )
        )
    return rows


def brute_force(rows: list[ArticleSummary], query: str) -> set[int]:
    words = fold(query).split()
    return {
        row.id
        for row in rows
        if all(word in fold(" ".join((row.title, row.author, *row.tags))) for word in words)
    }


@pytest.mark.slow
def test_filtering_100k_rows_matches_a_brute_force_check() -> None:
    rows = synthetic(100_000)
    listing = ArticleListing(rows)
    for query in ["th", "the", "thea", "cafe nunez", "naive 12"]:
        listing.query = query
        shown = [row.id for row in listing.visible]
        assert len(shown) == len(set(shown))
        assert set(shown) == brute_force(rows, query), query
    dates = [row.date for row in listing.visible]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert dates[len(dated) :] == [None] * (len(dates) - len(dated))


def test_changes_keep_every_order_equal_to_a_fresh_sort() -> None:
    rng = random.Random(3)
    rows = {row.id: row for row in synthetic(3_000)}
    listing = ArticleListing(rows.values())
    for key in SortKey:  # cache every order, so the changes below must keep them all right
        listing.sort_key = key
        assert len(listing.visible) == len(rows)
    batches = [synthetic(50, seed=1, first_id=10_000), synthetic(BULK_RESORT + 1, 2, 20_000)]
    for batch in batches:
        retitled = [
            dataclasses.replace(rows[i], title=f"Retitled {i}")
            for i in rng.sample(sorted(rows), 20)
        ]
        listing.upsert([*batch, *retitled])
        rows.update((row.id, row) for row in [*batch, *retitled])
        gone = rng.sample(sorted(rows), 30)
        listing.remove(gone)
        for article_id in gone:
            del rows[article_id]
        reader_id = rng.choice(sorted(rows))
        rows[reader_id] = listing.update_state(reader_id, read=True, last_read=day(25))
        for key in SortKey:
            listing.sort_key = key
            fresh = ArticleListing(rows.values())
            fresh.sort_key = key
            assert [row.id for row in listing.visible] == [row.id for row in fresh.visible], key


def test_core_listing_does_not_import_textual() -> None:
    code = "import sys, reader.core.listing; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_restriction_shows_only_those_articles_and_filters_within_them() -> None:
    from reader.core.listing import ArticleListing

    rows = [
        ArticleSummary(id=i, path=Path(f"/l/{i}.md"), title=f"Title {i}", source="l")
        for i in range(10)
    ]
    listing = ArticleListing(rows)
    listing.restrict_to({2, 3, 7})
    assert sorted(row.id for row in listing.visible) == [2, 3, 7]
    listing.query = "7"
    assert [row.id for row in listing.visible] == [7]
    listing.query = ""
    listing.restrict_to(None)
    assert len(listing.visible) == 10


def test_a_query_shows_its_first_rows_at_once_then_all_of_them() -> None:
    rows = synthetic(30_000)
    listing = ArticleListing(rows)
    listing.prepare_filtering()
    job = listing.start_query("the")
    assert job is not None
    assert listing.show_first(job, None, 20) is False  # more than 20 match: the rest follow
    assert listing.counting
    first = [row.id for row in listing.visible]
    assert len(first) == 20
    assert listing.finish_query(job, job.run())
    assert not listing.counting
    every = [row.id for row in listing.visible]
    assert every[:20] == first
    assert set(every) == brute_force(rows, "the")


def test_the_first_rows_reach_the_cursor_article_so_it_keeps_its_row() -> None:
    rows = synthetic(30_000)
    listing = ArticleListing(rows)
    listing.prepare_filtering()
    listing.query = "river"
    deep = listing.visible[2_000].id
    listing.query = ""
    job = listing.start_query("riv")
    assert job is not None and listing.show_first(job, deep, 10) is False
    row_in_first_rows = listing.index_of(deep)
    assert listing.finish_query(job, job.run())
    assert row_in_first_rows is not None
    assert row_in_first_rows == listing.index_of(deep)  # the row it has among all matches


def test_typing_on_from_first_rows_still_gives_every_match() -> None:
    rows = synthetic(30_000)
    listing = ArticleListing(rows)
    listing.prepare_filtering()
    first = listing.start_query("th")
    assert first is not None and listing.show_first(first, None, 5) is False
    job = listing.start_query("the gar")  # the first rows of "th" are no base for this
    assert job is not None
    assert listing.finish_query(job, job.run())
    assert {row.id for row in listing.visible} == brute_force(rows, "the gar")


def test_a_rare_query_is_answered_completely_by_the_quick_scan() -> None:
    rows = synthetic(30_000)
    rows.append(summary(99_999, "Zanzibar at dawn"))
    listing = ArticleListing(rows)
    listing.prepare_filtering()
    job = listing.start_query("zanzibar")
    assert job is not None and listing.show_first(job, None, 20) is True
    assert not listing.counting
    assert [row.title for row in listing.visible] == ["Zanzibar at dawn"]
    assert listing.query == "zanzibar"
