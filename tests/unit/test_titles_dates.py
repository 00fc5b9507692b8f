"""Titles and dates as a reader expects them (issue "Faithful articles", part 2): entities
decoded, a Markdown heading is the title only when it opens the document, and a date the path
spells out is the article's date when its text gives none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader.core.loaders import load_path
from reader.core.loaders.metadata import fallback_title, humanise_stem, looks_like_slug
from reader.core.models import Article


def _load(path: Path, text: str) -> Article:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    article = load_path(path)
    assert isinstance(article, Article)
    return article


def test_entities_in_a_markdown_heading_title_are_decoded(tmp_path: Path) -> None:
    article = _load(tmp_path / "a.md", "# Smoother scrolling &mdash; at last &amp; more\n\nBody.\n")
    assert article.meta.title == "Smoother scrolling — at last & more"


def test_entities_in_front_matter_are_decoded(tmp_path: Path) -> None:
    text = "---\ntitle: Caf&eacute; notes &#8212; part 2\nauthor: Ana &amp; Bo\n---\n\nBody.\n"
    article = _load(tmp_path / "a.md", text)
    assert (article.meta.title, article.meta.author) == ("Café notes — part 2", "Ana & Bo")


def test_a_heading_far_down_is_a_section_not_the_title(tmp_path: Path) -> None:
    text = "Some opening paragraph about the topic.\n\n" + "More text.\n\n" * 70 + "## Drawbacks\n"
    article = _load(tmp_path / "notes-on-caching.md", text)
    assert article.meta.title != "Drawbacks"
    assert article.meta.title == "Notes on caching"


def test_a_heading_after_rfc_fields_is_a_section_not_the_title(tmp_path: Path) -> None:
    text = "- Start Date: 2014-03-11\n- RFC PR: #2\n\n# Summary\n\nThe process.\n"
    article = _load(tmp_path / "0002-rfc-process.md", text)
    assert article.meta.title != "Summary"


def test_an_opening_heading_is_the_title(tmp_path: Path) -> None:
    article = _load(tmp_path / "x.md", "## The real title\n\nBody.\n\n# A later part\n")
    assert article.meta.title == "The real title"


@pytest.mark.parametrize(
    ("relative", "date"),
    [
        ("posts/2014-11-20-slug.md", dt.datetime(2014, 11, 20)),
        ("2024/05/01/page.txt", dt.datetime(2024, 5, 1)),
        ("saved/2019_02_28_report.html", dt.datetime(2019, 2, 28)),
        ("notes/1234-56-78-not-a-date.md", None),
        ("notes/2023-02-30-bad-day.md", None),
        ("notes/undated.md", None),
    ],
)
def test_a_date_the_path_spells_out(
    tmp_path: Path, relative: str, date: dt.datetime | None
) -> None:
    body = "<html><body><article><p>Some words here.</p></article></body></html>"
    text = body if relative.endswith(".html") else "Some words here.\n"
    article = _load(tmp_path / relative, text)
    assert article.meta.date == date


def test_a_date_in_front_matter_wins_over_the_path(tmp_path: Path) -> None:
    article = _load(tmp_path / "2014-11-20-slug.md", "---\ndate: 2020-01-02\n---\n\nBody.\n")
    assert article.meta.date is not None and article.meta.date.date() == dt.date(2020, 1, 2)


# --- titles from file names (issue "Faithful articles", part 3) -------------------------------

RUST_RFC = (
    "- Feature Name: nll\n- Start Date: 2017-08-02\n"
    "- RFC PR: [rust-lang/rfcs#2094](https://github.com/rust-lang/rfcs/pull/2094)\n\n"
    "## Summary\n\nThis RFC proposes NLL, non-lexical lifetimes. NLL is ... (RFC text).\n"
)


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("rustrfc_0002-rfc-process", "Rustrfc 0002: Rfc process"),
        ("pep-0008", "PEP 0008"),
        ("rfc9110", "RFC 9110"),
        ("0002-rfc-process", "0002: Rfc process"),
        ("01-introduction", "Introduction"),
        ("2014-11-20-cargo-host", "Cargo host"),
        ("rustblog_2016-04-14-Rust-1.8", "Rust 1.8"),
        ("top-10-movies", "Top 10 movies"),
        ("best-2023-films", "Best 2023 films"),
        ("my-first_post", "My first post"),
    ],
)
def test_file_names_read_as_titles(stem: str, title: str) -> None:
    assert humanise_stem(stem) == title


def test_a_file_name_takes_the_texts_spelling_of_its_words() -> None:
    assert humanise_stem("rustrfc_2094-nll", RUST_RFC) == "RFC 2094: NLL"
    assert humanise_stem("notes-on-github-actions", "We use GitHub. GitHub is ...") == (
        "Notes on GitHub actions"
    )
    assert humanise_stem("best-2023-films", "THE BEST FILMS OF 2023\n\nFilms.") == (
        "Best 2023 films"
    )


@pytest.mark.parametrize(
    ("stem", "text", "title"),
    [
        ("rustrfc_2094-nll", RUST_RFC, "RFC 2094: NLL"),
        ("3f2a9c1e-1b2c-4d5e-8f90-a1b2c3d4e5f6", RUST_RFC, "NLL"),
        ("3f2a9c1e-1b2c-4d5e-8f90-a1b2c3d4e5f6", "- Feature Name: N/A\n\nBody.\n", ""),
        ("notes", "Title: The Real Title\nAuthor: Me\n\nBody.\n", "The Real Title"),
        ("notes", "- Title: `A listed title`\n- Date: 2020-01-01\n\nBody.\n", "A listed title"),
        ("notes", "Body text: not a field list.\n", "Notes"),
    ],
)
def test_fallback_titles_from_leading_fields_and_names(stem: str, text: str, title: str) -> None:
    assert fallback_title(stem, text) == title


def test_slug_titles_are_recognised() -> None:
    assert looks_like_slug("version-060")
    assert not looks_like_slug("Version 0.4.0")
    assert not looks_like_slug("Self-hosting")


def test_a_rust_rfc_file_name_is_not_the_raw_stem(tmp_path: Path) -> None:
    article = _load(tmp_path / "rustrfc_0002-rfc-process.md", RUST_RFC)
    assert article.meta.title not in ("Rustrfc 0002 rfc process", "Summary")
    assert "0002: " in article.meta.title


def test_a_rust_rfc_title_through_the_markdown_loader(tmp_path: Path) -> None:
    article = _load(tmp_path / "rustrfc_2094-nll.md", RUST_RFC)
    assert article.meta.title == "RFC 2094: NLL"
