"""Every saved page in ../shared/corpus reads whole: its main text, its headings, its title.

The main text of each page is found by an independent extraction, readability-lxml, read
straight from the file here (the app's own reading is not used for the reference). Coverage is
the share of that text's 8-word shingles the loaded article holds; CJK characters count as words
because those scripts put no spaces between words. Headings are counted in readability's HTML
with lxml. The table of good (≥ 90%), partial (≥ 50%) and bad pages is printed with `-s`.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from lxml import html as lxml_html

from reader.core.loaders import load_path
from reader.core.models import Article, BlockKind

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "articles"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present"),
]

GOOD, PARTIAL = 0.9, 0.5
KNOWN_EXCEPTIONS: dict[str, str] = {
    "saved-web-pages/readability_mozilla-2_source.html": (
        "a product landing page: readability keeps the download buttons' labels ('Learn more',"
        " 'Try it now'), which are not article text"
    ),
    "saved-web-pages/readability_mozilla-1_source.html": (
        "a product landing page: readability keeps the download buttons' labels ('Learn more',"
        " 'Try it now'), which are not article text"
    ),
    "saved-web-pages/readability_simplyfound-1_source.html": (
        "trafilatura leaves out three image credits ('… - Image: Raspberry Pi Foundation'), 15%"
        " of this short page's shingles; the article text is whole"
    ),
    "saved-web-pages/readability_pixnet_source.html": (
        "a photo blog: trafilatura leaves out four two-to-four-character labels ('木頭招牌',"
        " '資訊', a 'like' button); every paragraph is kept"
    ),
}
"""Pages below 90% coverage, each with the reason it is acceptable."""

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,6});")
_BARE_ID = re.compile(r"^[A-Za-z]{0,12}[\s_.:#-]?\d[\d._-]*$")


def _shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _reference(path: Path) -> tuple[str, int]:
    """The main text and the number of headings readability-lxml finds in the page."""
    from readability import Document

    summary = Document(path.read_bytes().decode("utf-8", "replace")).summary(html_partial=True)
    tree = lxml_html.fragment_fromstring(summary, create_parent="div")
    headings = [
        h for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6") if h.text_content().strip()
    ]
    for marker in tree.find_class("mw-editsection"):
        marker.drop_tree()  # Wikipedia's "[edit]" links are not the article's text
    return tree.text_content().replace("¶", ""), len(headings)


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, Article, str, int]]:
    found = []
    for path in sorted(CORPUS.rglob("*.htm*")):
        article = load_path(path)
        assert isinstance(article, Article), f"{path.name}: skipped: {article.reason}"
        text, headings = _reference(path)
        found.append((str(path.relative_to(CORPUS)), article, text, headings))
    return found


def _coverage(article: Article, reference: str) -> float:
    wanted = _shingles(reference)
    return len(wanted & _shingles(article.document.text)) / len(wanted) if wanted else 1.0


def test_every_page_keeps_its_main_text(pages, capsys) -> None:
    rows = sorted(((_coverage(article, text), name, article) for name, article, text, _ in pages))
    grades = {"good": 0, "partial": 0, "bad": 0}
    lines = []
    for share, name, article in rows:
        grade = "good" if share >= GOOD else "partial" if share >= PARTIAL else "bad"
        grades[grade] += 1
        how = article.meta.extraction or "trafilatura"
        lines.append(f"{share:6.1%}  {grade:7}  {name[:58]:58}  {how[:60]}")
    with capsys.disabled():
        print("\ncoverage of readability-lxml's main text, 8-word shingles:")
        print("\n".join(lines))
        print(f"good {grades['good']}, partial {grades['partial']}, bad {grades['bad']}")
    failing = [
        f"{name}: {share:.0%}"
        for share, name, _ in rows
        if share < GOOD and name not in KNOWN_EXCEPTIONS
    ]
    assert not failing, failing
    stale = [name for name in KNOWN_EXCEPTIONS if name not in {n for _, n, _ in rows}]
    assert not stale, f"known exceptions that are no longer in the corpus: {stale}"


def test_headings_are_kept(pages) -> None:
    missing = []
    for name, article, _, expected in pages:
        found = sum(1 for block in article.document.blocks if block.kind is BlockKind.HEADING)
        # readability keeps the title's <h1> that the article header shows instead
        if found < expected - 1:
            missing.append(f"{name}: {found} headings of {expected}")
    assert not missing, missing


def test_titles_are_titles(pages) -> None:
    bad = []
    for name, article, _, _ in pages:
        title = article.title
        stem = Path(name).stem
        if (
            not title.strip()
            or title in (stem, Path(name).name)
            or ".htm" in title.casefold()
            or _BARE_ID.match(title)
            or _ENTITY.search(title)
        ):
            bad.append(f"{name}: {title!r}")
    assert not bad, bad


def test_tables_have_no_rule_rows_and_pages_no_edit_links_or_pilcrows(pages) -> None:
    problems = []
    for name, article, _, _ in pages:
        for block in article.document.blocks:
            if block.kind is BlockKind.TABLE and any(
                all(set(cell) <= set("-: ") for cell in row) for row in block.rows
            ):
                problems.append(f"{name}: a table row of dashes")
                break
        text = article.document.text
        if "[edit]" in text or "¶" in text:
            problems.append(f"{name}: [edit] or ¶ left in the text")
    assert not problems, problems


BOILERPLATE = {
    "saved-web-pages/readability_bbc-1_source.html": ("Most watched", "More on this story"),
    "saved-web-pages/readability_folha_source.html": ("Mais lidas em Esporte",),
    "saved-web-pages/readability_wikipedia_source.html": ("Foundationand",),
}
"""Headings of "most read" and "related" lists that sit inside these pages' <main>, and words
an extraction glued together at a link's end (Wikipedia's "See also" note)."""


def test_related_story_lists_and_glued_words_are_left_out(pages) -> None:
    found = []
    for name, article, _, _ in pages:
        for phrase in BOILERPLATE.get(name, ()):
            if phrase in article.document.text:
                found.append(f"{name}: {phrase!r}")
    assert not found, found
