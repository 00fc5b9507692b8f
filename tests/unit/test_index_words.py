"""The indexer's cheap path: the same metadata and the same words as a full parse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.core.loaders import load_for_index, load_path
from reader.core.loaders.markdown_words import markdown_words

ARTICLES = Path(__file__).resolve().parents[2] / "articles"


URLS = re.compile(r"\(?https?://[^\s)\]]*\)?")


def words(text: str) -> set[str]:
    """Words outside URLs: raw HTML blocks show link targets literally in the full parse."""
    return set(re.findall(r"\w+", URLS.sub(" ", text).casefold()))


@pytest.mark.parametrize("path", sorted(ARTICLES.iterdir()), ids=lambda p: p.name)
def test_index_path_keeps_metadata_and_words_of_the_samples(path: Path) -> None:
    full, cheap = load_path(path), load_for_index(path)
    assert cheap.meta == full.meta
    assert words(cheap.document.text) >= words(full.document.text) - {"_"}


def test_markdown_words_drops_markup_and_keeps_words() -> None:
    text = markdown_words(
        "# Title #\n\nSome *em*, __strong__ and `code` with [a link](http://x.example/y) "
        "and ![an image](y.png).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n- item\n"
        "1. first\n\n```py\nsnake_case = 1\n```\n<!-- hidden -->Fish &amp; chips\n\n"
        "[ref]: http://example.org\n"
    )
    assert "Title" in text and "#" not in text
    assert "Some em, strong and code with a link and an image." in text
    for gone in ("*", "`", "](", "|", "---", "http://", "hidden", "&amp;", "```"):
        assert gone not in text, gone
    for kept in ("quoted", "item", "first", "snake_case = 1", "Fish & chips"):
        assert kept in text, kept


def test_corpus_markdown_words_cover_the_parsed_words(corpus: Path) -> None:
    for path in sorted(corpus.rglob("*.md"))[:60]:
        full, cheap = load_path(path), load_for_index(path)
        parsed, indexed = words(full.document.text), words(cheap.document.text)
        missing = parsed - indexed
        assert len(missing) <= max(3, len(parsed) // 50), (path.name, sorted(missing)[:20])
