"""Which text of a saved page is the article: three extractions, compared by coverage.

trafilatura is the first choice: it is the best at leaving menus, "related stories" and
footers out. But on some pages it keeps a fraction of the article (a long spec page, a page
whose paragraphs sit in table cells, a study description in a `<dl>`). So every page is also
read by readability-lxml, an independent algorithm, and by the page's own `<main>`/`<article>`
element when it has one. The main text is what those independent reads agree on; when
trafilatura's text covers too little of it (measured in 8-word shingles), the candidate that
covers it best wins, and the article's metadata says which one and why.

Before any extraction the page is tidied: pilcrow and "#" anchor links, Wikipedia's `[edit]`
links and hidden elements go, links that wrap a heading's text become plain text (extractors
drop headings that look like navigation), and reference markers keep a space on each side.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from configparser import ConfigParser
from dataclasses import dataclass
from functools import cache

from lxml import etree
from lxml import html as lxml_html

from reader.core.loaders.html_blocks import element_blocks
from reader.core.models import Block, BlockKind

SHINGLE = 8
"""Words per shingle: long enough that boilerplate and article rarely share one."""
GOOD_COVERAGE = 0.95
"""trafilatura is kept when it covers this share of the main text (the acceptance bar is 90%:
the margin is for the reference's own noise)."""
SHORT_PAGE = 300
"""A page with no more words than this, menus and footers left out, is read whole."""
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
"""A word, or one CJK character: those scripts put no spaces between words."""
_ANCHOR_TEXT = frozenset(("¶", "#", "§", "🔗", "link", "permalink", "anchor", ""))
_EDIT_CLASSES = re.compile(r"\b(mw-editsection|editsection|mw-jump-link|noprint|hatnote)\b")
_ANCHOR_CLASSES = re.compile(r"\b(pilcrow|headerlink|anchor-link|header-anchor|hash-link)\b")
_BOILERPLATE = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript")


@dataclass(frozen=True)
class Extraction:
    """The article's blocks and how they were chosen."""

    blocks: tuple[Block, ...]
    method: str
    """"trafilatura", "readability", "main element" or "page text"."""
    coverage: float
    """Share of the main text's shingles the chosen blocks hold (1.0 when nothing to compare)."""
    note: str = ""
    """Why this one, for the header: "trafilatura kept 12% of the main text"."""


def tidy(tree: lxml_html.HtmlElement) -> None:
    """Remove what no extraction should keep, in place (see the module docstring)."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        classes = element.get("class", "")
        pointless = element.tag == "a" and _is_self_anchor(element, classes)
        if pointless or _EDIT_CLASSES.search(classes) or _is_hidden(element):
            _drop(element)
        elif element.tag == "sup" and "reference" in classes:
            element.tail = " " + (element.tail or "").lstrip()
            if element.getprevious() is None and element.getparent() is not None:
                parent = element.getparent()
                parent.text = (parent.text or "").rstrip() + " "
    for pre in list(tree.iter("pre")):
        if len(pre) != 1 or pre[0].tag != "code":
            _wrap_children(pre)  # else trafilatura calls a <pre> of prose a quote
    for heading in tree.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        for link in list(heading.iter("a")):
            if link is not heading:
                link.drop_tag()


def extract(tree: lxml_html.HtmlElement) -> Extraction:
    """The article of a tidied page (see the module docstring for how the winner is chosen)."""
    candidates: dict[str, tuple[Block, ...]] = {}
    _add(candidates, "trafilatura", _trafilatura(tree, recall=False))
    _add(candidates, "readability", _readability(tree))
    main_element = _main_element(tree)
    if main_element is not None:
        _add(candidates, "main element", element_blocks(_without_boilerplate(main_element)))
    reference = _reference(candidates)
    body = tree.find(".//body")
    small = len((body if body is not None else tree).text_content().split()) <= 2 * SHORT_PAGE
    page = _page_text(tree) if small or not candidates else ()
    if small and _words(page) <= SHORT_PAGE and coverage(page, reference) >= GOOD_COVERAGE:
        return Extraction(page, "page text", coverage(page, reference))  # all article
    first = coverage(candidates.get("trafilatura", ()), reference)
    sections = _sections(candidates)
    keeps_sections = _headings(candidates.get("trafilatura", ())) >= sections - 1
    if "trafilatura" in candidates and first >= GOOD_COVERAGE and keeps_sections:
        return Extraction(candidates["trafilatura"], "trafilatura", first)
    _add(candidates, "trafilatura (recall)", _trafilatura(tree, recall=True))
    if not candidates:
        return Extraction(page, "page text", 1.0)
    if not reference:
        name = next(iter(candidates))
        return Extraction(candidates[name], name, 1.0)
    scores = {name: _score(blocks, reference) for name, blocks in candidates.items()}
    for name, blocks in candidates.items():
        if _headings(blocks) < sections - 1:
            scores[name] -= 0.1  # it lost the page's sections: a reading that keeps them wins
    # The first of these within a few points of the best wins: trafilatura leaves the most
    # boilerplate out, readability next; the main element is taken as the page marks it.
    best_score = max(scores.values())
    best = next(name for name in _PREFERENCE if scores.get(name, -1.0) >= best_score - 0.03)
    kept = coverage(candidates[best], reference)
    note = f"trafilatura kept {first:.0%} of the main text, {best} {kept:.0%}"
    if first >= GOOD_COVERAGE:
        note = f"trafilatura lost the headings ({sections} in the page), {best} keeps them"
    return Extraction(candidates[best], best, kept, "" if best == "trafilatura" else note)


_PREFERENCE = ("trafilatura", "trafilatura (recall)", "readability", "main element")


def _add(candidates: dict[str, tuple[Block, ...]], name: str, blocks: tuple[Block, ...]) -> None:
    if any(block.text.strip() for block in blocks):
        candidates[name] = blocks


def shingles(text: str, size: int = SHINGLE) -> set[tuple[str, ...]]:
    """Every run of `size` words (casefolded, NFKC), the unit coverage is counted in."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return set(zip(*(words[offset:] for offset in range(size)), strict=False))


def coverage(blocks: tuple[Block, ...], reference: set[tuple[str, ...]]) -> float:
    """Share of `reference` shingles found in the blocks' text."""
    if not reference:
        return 1.0
    return len(reference & block_shingles(blocks)) / len(reference)


def block_shingles(blocks: tuple[Block, ...]) -> set[tuple[str, ...]]:
    """The shingles of each block on its own: two extractions that order or interleave blocks
    differently (one keeps a list between two paragraphs) still share every block's."""
    found = _SHINGLES.get(id(blocks))
    if found is None or found[0] is not blocks:
        shingled: set[tuple[str, ...]] = set()
        for block in blocks:
            shingled |= shingles(block.text)
        found = _SHINGLES[id(blocks)] = (blocks, shingled)
        if len(_SHINGLES) > 8:
            _SHINGLES.pop(next(iter(_SHINGLES)))
    return found[1]


_SHINGLES: dict[int, tuple[tuple[Block, ...], set[tuple[str, ...]]]] = {}
"""The last few candidates' shingles: each is compared more than once."""


def blocks_text(blocks: tuple[Block, ...]) -> str:
    return "\n\n".join(block.text for block in blocks)


def _reference(candidates: dict[str, tuple[Block, ...]]) -> set[tuple[str, ...]]:
    """The main text: readability's, plus what the `<main>` element and trafilatura agree on
    beyond it (a list readability's cleaning dropped). A `<main>` alone is not trusted: pages
    put "Most read" and "Related stories" inside it."""
    main = block_shingles(candidates.get("main element", ()))
    if "readability" not in candidates:
        return main or block_shingles(candidates.get("trafilatura", ()))
    return block_shingles(candidates["readability"]) | (
        main & block_shingles(candidates.get("trafilatura", ()))
    )


def _score(blocks: tuple[Block, ...], reference: set[tuple[str, ...]]) -> float:
    """Coverage of the main text, less half the share of the candidate that is not in it
    (boilerplate a wider reading takes along)."""
    own = block_shingles(blocks)
    extra = len(own - reference) / len(own) if own else 0.0
    return coverage(blocks, reference) - 0.5 * extra


def _sections(candidates: dict[str, tuple[Block, ...]]) -> int:
    """How many headings the page's article has, by the most trusted independent reading."""
    for name in _INDEPENDENT:
        if name in candidates:
            return _headings(candidates[name])
    return 0


_INDEPENDENT = ("readability", "main element")


def _headings(blocks: tuple[Block, ...]) -> int:
    return sum(1 for block in blocks if block.kind is BlockKind.HEADING)


def _words(blocks: tuple[Block, ...]) -> int:
    return sum(len(block.text.split()) for block in blocks)


def _trafilatura(tree: lxml_html.HtmlElement, *, recall: bool) -> tuple[Block, ...]:
    import trafilatura  # slow to import; only pages need it

    _quiet("trafilatura")

    try:
        document = trafilatura.bare_extraction(
            _copy(tree),
            include_formatting=True,
            include_links=True,
            include_images=True,
            include_tables=True,
            include_comments=False,
            favor_recall=recall,
            with_metadata=False,
            config=_trafilatura_config(),
        )
    except Exception:  # trafilatura has many internal failure modes; other candidates remain
        return ()
    body = getattr(document, "body", None)
    return element_blocks(body) if body is not None else ()


@cache
def _quiet(name: str) -> None:
    """A library's warnings about a page's markup are not the user's business, and on the
    reading pane's thread they would be written over the screen."""
    logging.getLogger(name).setLevel(logging.ERROR)


@cache
def _trafilatura_config() -> ConfigParser:
    """trafilatura's defaults, except that a short article is kept as extracted: below 250
    characters it would otherwise fall back to the page's text flattened into one paragraph
    (`<h1>Tiny</h1><p>Hello <a>…` read as "TinyHello js link")."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _readability(tree: lxml_html.HtmlElement) -> tuple[Block, ...]:
    try:
        from readability import Document as Readability

        _quiet("readability")

        summary = Readability(_copy(tree)).summary(html_partial=True)
        return element_blocks(lxml_html.fragment_fromstring(summary, create_parent="div"))
    except Exception:  # an independent read is a bonus; a failure leaves the others
        return ()


def _main_element(tree: lxml_html.HtmlElement) -> etree._Element | None:
    """The page's own `<main>`, `[role=main]` or single `<article>`, if it marks one."""
    found = tree.find(".//main")
    if found is None:
        found = next(iter(tree.xpath(".//*[@role='main']")), None)
    if found is None:
        articles = tree.findall(".//article")
        found = articles[0] if len(articles) == 1 else None
    return found


def _without_boilerplate(element: etree._Element) -> etree._Element:
    copy = _copy(element)
    for node in list(copy.iter(*_BOILERPLATE)):
        if node is not copy:
            _drop(node)
    return copy


def _page_text(tree: lxml_html.HtmlElement) -> tuple[Block, ...]:
    body = tree.find(".//body")
    return element_blocks(_without_boilerplate(body if body is not None else tree))


def _copy(element: etree._Element) -> etree._Element:
    from copy import deepcopy

    return deepcopy(element)


def _is_self_anchor(link: etree._Element, classes: str) -> bool:
    """A link to a place on its own page that says nothing: `¶`, `#`, an empty anchor."""
    href = link.get("href") or ""
    if _ANCHOR_CLASSES.search(classes):
        return True
    if not href.startswith("#") or len(link):
        return False
    return (link.text or "").strip().casefold() in _ANCHOR_TEXT


def _is_hidden(element: etree._Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return element.tag not in ("html", "body")
    style = element.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


def _wrap_children(pre: etree._Element) -> None:
    """`<pre>…</pre>` → `<pre><span>…</span></pre>`, which trafilatura keeps as a code block."""
    span = etree.Element("span")
    span.text, pre.text = pre.text, None
    for child in list(pre):
        span.append(child)
    pre.append(span)


def _drop(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    element.drop_tree()
