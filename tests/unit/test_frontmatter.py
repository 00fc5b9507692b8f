"""Front matter and metadata coercion: what the article list shows for odd Markdown headers."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from reader.core.loaders import load_bytes
from reader.core.loaders.frontmatter import MAX_FRONT_MATTER, split_front_matter
from reader.core.loaders.metadata import coerce_date, coerce_tags, coerce_text, humanise_stem
from reader.core.models import Article


def load_md(text: str, name: str = "post.md") -> Article:
    result = load_bytes(name, text.encode("utf-8"))
    assert isinstance(result, Article), result
    return result


def test_yaml_front_matter_fills_the_metadata() -> None:
    article = load_md(
        "---\n"
        "title: Hello\n"
        "authors: [Ada, Grace]\n"
        "date: 2024-07-23 10:00\n"
        "tags: a, b\n"
        "categories: [Movies]\n"
        "summary: Short summary.\n"
        "canonical_url: https://example.com/hello\n"
        "---\n"
        "# Hello again\n\nBody.\n"
    )
    meta = article.meta
    assert meta.title == "Hello"
    assert meta.author == "Ada, Grace"
    assert meta.date == dt.datetime(2024, 7, 23, 10, 0)
    assert meta.tags == ("a", "b", "Movies")
    assert meta.description == "Short summary."
    assert meta.url == "https://example.com/hello"
    assert meta.format == "markdown"
    assert article.warnings == ()
    assert article.document.blocks[0].text == "Hello again"  # the heading stays in the body


def test_toml_front_matter() -> None:
    article = load_md(
        '+++\ntitle = "Toml"\ndate = 2024-07-23T10:00:00Z\nkeywords = ["x", "y"]\n+++\nBody.\n'
    )
    assert article.meta.title == "Toml"
    assert article.meta.date == dt.datetime(2024, 7, 23, 10, 0)
    assert article.meta.tags == ("x", "y")


def test_bom_before_front_matter() -> None:
    result = load_bytes("post.md", b"\xef\xbb\xbf---\ntitle: With BOM\n---\nBody.\n")
    assert isinstance(result, Article)
    assert result.title == "With BOM"
    assert result.document.text == "Body."


@pytest.mark.parametrize(
    ("fields", "title"),
    [
        ("title: 42", "42"),
        ("title: [Part, One]", "Part, One"),
        ("title: 2024-07-23", "2024-07-23"),
        ("title: {name: Nested}", "Nested"),
        ("title: true", "yes"),
        ('title: "  spaced\\n out  "', "spaced out"),
    ],
)
def test_odd_titles_are_coerced_to_text(fields: str, title: str) -> None:
    assert load_md(f"---\n{fields}\n---\nBody.\n").title == title


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("---\ntitle:\n---\n# From *heading*\n\nBody.\n", "x.md", "From heading"),
        ("Intro\n\n```\n# not a heading\n```\n\n## Later\n", "x.md", "X"),
        ("- field: 1\n\n## Summary\n\nText.\n", "my-first_post.md", "My first post"),
        ("## Opening section\n\nText.\n", "x.md", "Opening section"),
        ("Setext title\n============\n\nText.\n", "x.md", "Setext title"),
        ("Just a paragraph. And more.\n", "004_b953ce4bd95ef384.md", "Just a paragraph"),
        ("```\ncode only\n```\n", "004_b953ce4bd95ef384.md", "Untitled"),
    ],
)
def test_title_fallbacks(text: str, name: str, title: str) -> None:
    assert load_md(text, name).title == title


@pytest.mark.parametrize(
    "front",
    [
        "a: &a [1, 2]\nb: *a\ntitle: Alias",
        "title: [unclosed\n",
        "- a: 1\n- b: 2\n",
        "title: !!python/object/apply:os.system ['true']\n",
        "title: " + "[" * 5000,
        "x: " + "y" * (MAX_FRONT_MATTER + 10),
    ],
)
def test_bad_front_matter_is_ignored_with_a_warning_and_the_body_shows(front: str) -> None:
    article = load_md(f"---\n{front}\n---\nThe body survives.\n", "bad-front.md")
    assert article.warnings and article.warnings[0].startswith("front matter ignored: ")
    assert article.document.text == "The body survives."
    assert article.title == "Bad front"


@pytest.fixture(params=["libyaml", "python"])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's parser and with the pure-Python fallback."""
    if request.param == "python":
        monkeypatch.setattr("reader.core.loaders.frontmatter._FastLoader", None)
    return request.param


def test_billion_laughs_is_refused_at_once(yaml_loader: str) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    started = time.perf_counter()
    front = split_front_matter("---\n" + "\n".join(lines) + "\n---\nBody\n")
    assert time.perf_counter() - started < 0.5
    assert front.warnings == ["front matter ignored: aliases are not allowed"]
    assert front.body == "Body\n"


def test_deep_block_nesting_is_refused(yaml_loader: str) -> None:
    nested = "".join("  " * depth + "a:\n" for depth in range(200))
    front = split_front_matter(f"---\n{nested}---\nBody\n")
    assert front.warnings == ["front matter ignored: nested deeper than 32 levels"]


def test_rules_around_prose_are_not_front_matter() -> None:
    text = "---\nA paragraph between two rules.\n---\nMore.\n"
    front = split_front_matter(text)
    assert front.fields == {} and front.body == text and front.warnings == []


def test_invalid_date_is_dropped_with_a_warning(yaml_loader: str) -> None:
    article = load_md("---\ntitle: T\ndate: 2024-13-45\n---\nBody.\n")
    assert article.meta.date is None
    assert article.warnings == ("date not understood: '2024-13-45'",)
    assert article.title == "T"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-07-23", dt.datetime(2024, 7, 23)),
        ("2024-07-23T10:00:00Z", dt.datetime(2024, 7, 23, 10)),
        ("2024-07-23T00:30:00+02:00", dt.datetime(2024, 7, 23, 0, 30)),
        ("2024-07-23 10:00", dt.datetime(2024, 7, 23, 10)),
        ("2024-07-23 10:00:00 +0200", dt.datetime(2024, 7, 23, 10)),
        ("July 23, 2024", dt.datetime(2024, 7, 23)),
        ("July 23rd, 2024", dt.datetime(2024, 7, 23)),
        ("23 Jul 2024", dt.datetime(2024, 7, 23)),
        ("Tue, 23 Jul 2024 10:00:00 +0000", dt.datetime(2024, 7, 23, 10)),
        ("1721728800", dt.datetime(2024, 7, 23, 10)),
        (1721728800, dt.datetime(2024, 7, 23, 10)),
        (1721728800000, dt.datetime(2024, 7, 23, 10)),
        ("20240723", dt.datetime(2024, 7, 23)),
        (2024, dt.datetime(2024, 1, 1)),
        (dt.date(2024, 7, 23), dt.datetime(2024, 7, 23)),
        ("2024-13-45", None),
        ("yesterday", None),
        ("10", None),
        (1e300, None),
        ([2024], None),
        (None, None),
    ],
)
def test_dates_in_common_forms(value: object, expected: dt.datetime | None) -> None:
    assert coerce_date(value) == expected


def test_tags_from_junk() -> None:
    assert coerce_tags("a, b", ["c", ["d", {"e": 1}], 3, None], "A", "#f") == (
        "a",
        "b",
        "c",
        "d",
        "e",
        "3",
        "f",
    )


def test_text_coercion_is_bounded_and_clean() -> None:
    assert coerce_text("x" * 10_000).endswith("…")
    assert len(coerce_text("x" * 10_000)) == 500
    assert coerce_text("\ud800 lone surrogate") == "\ufffd lone surrogate"


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("my-first_post", "My first post"),
        ("004_b953ce4bd95ef384", ""),
        ("3f2a9c1e-1b2c-4d5e-8f90-a1b2c3d4e5f6", ""),
        ("2024-07-23", ""),
        ("cafe", "Cafe"),
        ("caf\udce9", "Caf\ufffd"),
    ],
)
def test_humanised_file_names(stem: str, title: str) -> None:
    assert humanise_stem(stem) == title
