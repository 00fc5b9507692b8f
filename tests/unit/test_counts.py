"""Counts read as English at every number."""

from __future__ import annotations

import pytest

from reader.core.counts import plural


@pytest.mark.parametrize(
    ("count", "words", "expected"),
    [
        (0, ("article",), "0 articles"),
        (1, ("article",), "1 article"),
        (2, ("word",), "2 words"),
        (1, ("word",), "1 word"),
        (12345, ("article",), "12,345 articles"),
        (1, ("match", "matches"), "1 match"),
        (3, ("match", "matches"), "3 matches"),
    ],
)
def test_plural(count: int, words: tuple[str, ...], expected: str) -> None:
    assert plural(count, *words) == expected
