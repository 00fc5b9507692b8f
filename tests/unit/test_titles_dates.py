"""Titles and dates as a reader expects them (issue "Faithful articles", part 2): entities
decoded, a Markdown heading is the title only when it opens the document, and a date the path
spells out is the article's date when its text gives none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader.core.loaders import load_path
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
