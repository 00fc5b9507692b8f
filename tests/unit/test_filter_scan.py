"""The instant first screenful of a filter: the same rows, in the same order, as the full match."""

from __future__ import annotations

import random

import pytest

from reader.core.filter_scan import OrderText, first_matches

WORDS = ("the", "theatre", "rust", "café", "cafe", "river", "light", "other", "naïve", "x")


def library(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(WORDS, k=rng.randint(1, 6))) + f" {i}" for i in range(count)]


def every_match(hays: list[str], words: tuple[str, ...]) -> list[int]:
    return [i for i, hay in enumerate(hays) if all(word in hay for word in words)]


def prepared(hays: list[str]) -> OrderText:
    text = OrderText(hays)
    text.prepare()
    return text


@pytest.mark.parametrize(
    "words", [("t",), ("the",), ("theatre",), ("rust", "light"), ("x", "9"), ("nowhere",)]
)
def test_first_rows_are_the_start_of_the_full_match(words: tuple[str, ...]) -> None:
    hays = library(5_000)
    full = every_match(hays, words)
    found = first_matches(prepared(hays), words, through=-1, more=40, budget=10)
    assert found is not None
    assert found.positions == full[: len(found.positions)]
    assert found.complete == (len(found.positions) == len(full))
    assert len(found.positions) == min(40, len(full))


def test_the_scan_covers_the_cursor_article_and_a_screenful_after_it() -> None:
    hays = library(5_000)
    full = every_match(hays, ("river",))
    cursor = full[300]
    found = first_matches(prepared(hays), ("river",), through=cursor, more=25, budget=10)
    assert found is not None and not found.complete
    assert found.positions == full[:326]


def test_a_saved_search_restriction_is_respected() -> None:
    hays = library(2_000)
    order = list(range(10_000, 12_000))  # row ids at each position
    allowed = {row_id for row_id in order if row_id % 3 == 0}
    found = first_matches(
        prepared(hays), ("the",), through=-1, more=10**6, order=order, allowed=allowed, budget=10
    )
    assert found is not None and found.complete
    assert found.positions == [p for p in every_match(hays, ("the",)) if order[p] in allowed]


def test_a_scan_over_its_budget_gives_up_instead_of_blocking() -> None:
    hays = library(50_000)
    assert first_matches(prepared(hays), ("t",), through=49_000, more=10, budget=0) is None


def test_unprepared_text_or_a_haystack_holding_nul_never_scans() -> None:
    assert first_matches(OrderText(["the one"]), ("the",), through=-1, more=5) is None
    with_nul = OrderText(["the\0one", "the other"])
    with_nul.prepare()
    assert first_matches(with_nul, ("the",), through=-1, more=5) is None


def test_a_word_never_matches_across_two_rows() -> None:
    hays = ["ends with ca", "fe starts here", "a real cafe"]
    found = first_matches(prepared(hays), ("cafe",), through=-1, more=10)
    assert found is not None and found.positions == [2] and found.complete
