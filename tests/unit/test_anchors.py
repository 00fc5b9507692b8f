"""Where `#name` links land: the ids writers and renderers use for headings and footnotes, and
the ids of saved web pages, which extraction drops and the page itself still has."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.loaders import load_path
from reader.core.loaders.html_anchors import page_anchor_offset
from reader.core.loaders.markdown_doc import parse_markdown
from reader.core.models import Document
from reader.ui.anchors import find_anchor
from reader.ui.browser import browser_problem
from reader.ui.links import block_links

MARKDOWN = """# Otters: a life

Otters hold hands.[^sleep] They eat urchins.[^7] Sleep again.[^sleep]

## Diet & habits

Urchins, crabs.

## Diet & habits

The second section of that name.

### Café society

Otters in cafés.

[^7]: URCHIN-NOTE on urchins.

[^sleep]: SLEEP-NOTE on sleeping.
"""


def land(document: Document, name: str) -> str | None:
    """The first words at the place `#name` leads to."""
    blocks = document.blocks
    offsets = document.block_starts
    links = [link for b, o in zip(blocks, offsets, strict=True) for link in block_links(b, o)]
    offset = find_anchor(name, blocks, offsets, links)
    return None if offset is None else document.text[offset : offset + 20]


@pytest.mark.parametrize(
    ("name", "lands_on"),
    [
        ("otters-a-life", "Otters: a life"),
        ("diet--habits", "Diet & habits"),  # GitHub drops "&" and keeps both spaces
        ("diet--habits-1", "Diet & habits"),
        ("Café-Society", "Café society"),
        ("fn-7", "URCHIN-NOTE"),  # how this app writes a reference
        ("fn-sleep", "SLEEP-NOTE"),
        ("fn1", "SLEEP-NOTE"),  # markdown-it numbers footnotes by first reference
        ("fn2", "URCHIN-NOTE"),
        ("fn7", "URCHIN-NOTE"),  # a label wins over markdown-it's number
        ("fn:sleep", "SLEEP-NOTE"),  # Pandoc, kramdown
        ("user-content-fn-7", "URCHIN-NOTE"),  # GitHub
        ("fnref1", "[sleep]"),  # back to the reference in the text
        ("fnref1:1", "[sleep]"),
        ("fnref2", "[7]"),
        ("top", "Otters: a life"),
        ("nowhere", None),
        ("fn9", None),
    ],
)
def test_markdown_anchors(name: str, lands_on: str | None) -> None:
    landed = land(parse_markdown(MARKDOWN), name)
    if lands_on is None:
        assert landed is None
    else:
        assert landed is not None and landed.startswith(lands_on), landed


def test_second_reference_of_a_footnote_is_its_own_place() -> None:
    document = parse_markdown(MARKDOWN)
    first = find_anchor("fnref1", document.blocks, document.block_starts, _links(document))
    second = find_anchor("fnref1:1", document.blocks, document.block_starts, _links(document))
    assert first is not None and second is not None and second > first


def _links(document: Document) -> list:  # type: ignore[type-arg]
    return [
        link
        for block, offset in zip(document.blocks, document.block_starts, strict=True)
        for link in block_links(block, offset)
    ]


PAGE = """<html><head><title>Survey</title></head><body><article>
<h1>Survey</h1>
<p>Counting otters<sup id="fnref1"><a href="#fn1">1</a></sup> is slow work that takes a long
time, as every surveyor knows, and the numbers vary from year to year.</p>
<h2 id="conclusion">Conclusion</h2>
<p>In conclusion, the <a id="mid"></a>MIDDLE-MARK counts rose over the years we watched.</p>
<ol><li id="fn1"><p>FOOTNOTE-TEXT: counted at dawn. <a href="#fnref1">↩</a></p></li></ol>
</article></body></html>
"""


@pytest.mark.parametrize(
    ("name", "lands_on"),
    [
        ("conclusion", "Conclusion"),  # the heading, not the word in the paragraph
        ("fn1", "FOOTNOTE-TEXT"),
        ("fnref1", "1 is slow"),
        ("mid", "MIDDLE-MARK"),
        ("absent", None),
    ],
)
def test_saved_page_ids(tmp_path: Path, name: str, lands_on: str | None) -> None:
    page = tmp_path / "survey.html"
    page.write_text(PAGE, encoding="utf-8")
    article = load_path(page)
    text = article.document.text  # type: ignore[union-attr]
    offset = page_anchor_offset(page, name, text)
    if lands_on is None:
        assert offset is None
    else:
        # extraction may put a bracket before an anchored run of text: allow a character
        assert offset is not None and lands_on in text[offset : offset + len(lands_on) + 1]


@pytest.mark.parametrize(
    ("environ", "platform", "can_open"),
    [
        ({}, "linux", False),  # SSH, a console: no display
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"BROWSER": "firefox"}, "linux", True),  # the user chose one
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_whether_a_browser_can_be_opened(environ: dict, platform: str, can_open: bool) -> None:  # type: ignore[type-arg]
    assert (browser_problem(environ, platform) is None) is can_open
