"""Saved web pages: the article extracted from the page, metadata from its head.

trafilatura finds the main text (not menus, footers or scripts) and writes it as Markdown, which
the Markdown block parser turns into blocks, so links, emphasis, tables and images survive.
It is imported on first use because it takes a quarter of a second to import and most
libraries hold no HTML. Nothing is ever fetched: no URL is passed and images stay as targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from reader.core.loaders.markdown_doc import iter_markdown_blocks
from reader.core.loaders.metadata import (
    coerce_date,
    coerce_tags,
    coerce_text,
    first_sentence,
    humanise_stem,
)
from reader.core.loaders.textblocks import text_blocks
from reader.core.models import ArticleMeta, ArticleStream, Block, Skipped

UNTITLED = "Untitled"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_FENCE = re.compile(r"^\s*(```|~~~)")
_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form")
_TITLE_KEYS = ("og:title", "twitter:title", "dc.title")
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "byl", "sailthru.author")
_DATE_KEYS = (
    "article:published_time",
    "date",
    "pubdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "article:modified_time",
)
_DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc.description")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first kilobytes, if any."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def html_stream(path: Path, text: str) -> ArticleStream | Skipped:
    """An article from a saved page; the body is extracted at once (one parse of the page)."""
    tree = _parse(text)
    if tree is None:
        return Skipped(path, "no article text found in the page")
    meta = _meta(tree)
    blocks = _extract(tree, text)
    if not any(block.text.strip() for block in blocks):
        return Skipped(path, "no article text found in the page")
    heading = _first_heading(tree)
    title = meta.pop("title")
    if heading and (not title or (heading in title and len(heading) >= len(title) // 3)):
        title = heading  # "Post | Site name" in <title>; the page's own h1 is cleaner
    title = _without_site_name(title, meta.pop("site_name")) or humanise_stem(path.stem)
    title = title or first_sentence(blocks[0].text) or UNTITLED
    article_meta = ArticleMeta(title=title, **meta, format="html")
    return ArticleStream(path, article_meta, _chunks(blocks))


def _parse(text: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError):
        return None


def _chunks(blocks: tuple[Block, ...]) -> Iterator[tuple[Block, ...]]:
    yield blocks


def _meta(tree: lxml_html.HtmlElement) -> dict:
    """Title, author, date, tags, description and URL from <title>, <meta> and Open Graph."""
    values: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        content = element.get("content")
        if key and content:
            values.setdefault(key, []).append(content)
    title = _pick(values, _TITLE_KEYS) or coerce_text(tree.findtext(".//title"))
    canonical = tree.find(".//link[@rel='canonical']")
    url = _pick(values, ("og:url",)) or (canonical.get("href", "") if canonical is not None else "")
    return {
        "title": title,
        "site_name": _pick(values, ("og:site_name", "application-name")),
        "author": next((a for a in _all(values, _AUTHOR_KEYS) if "://" not in a), ""),
        "date": next(filter(None, map(coerce_date, _all(values, _DATE_KEYS))), None),
        "tags": coerce_tags(values.get("article:tag"), values.get("keywords")),
        "description": coerce_text(_pick(values, _DESCRIPTION_KEYS), 2_000),
        "url": coerce_text(url, 2_000),
    }


def _without_site_name(title: str, site_name: str) -> str:
    """ "Post title | Site" -> "Post title", when the tail is the site's name (or short)."""
    for separator in (" | ", " – ", " — ", " - ", " :: ", " · "):
        head, found, tail = title.rpartition(separator)
        if not found or len(head) < 10:
            continue
        if tail.casefold() == site_name.casefold() or (separator == " | " and len(tail) <= 30):
            return head.strip()
    return title


def _all(values: dict[str, list[str]], keys: tuple[str, ...]) -> list[str]:
    return [coerce_text(value) for key in keys for value in values.get(key, [])]


def _pick(values: dict[str, list[str]], keys: tuple[str, ...]) -> str:
    return next((value for value in _all(values, keys) if value), "")


def _first_heading(tree: lxml_html.HtmlElement) -> str:
    heading = tree.find(".//h1")
    return coerce_text(heading.text_content()) if heading is not None else ""


def _extract(tree: lxml_html.HtmlElement, text: str) -> tuple[Block, ...]:
    """The main text as blocks: trafilatura's Markdown, else the page's visible text."""
    import trafilatura  # slow to import; only pages need it

    try:
        markdown = trafilatura.extract(
            tree,
            output_format="markdown",
            include_formatting=True,
            include_links=True,
            include_images=True,
            include_tables=True,
            include_comments=False,
        )
    except Exception:  # trafilatura has many internal failure modes; fall back to plain text
        markdown = None
    if markdown and markdown.strip():
        source = _unindent_outside_fences(markdown)
        return tuple(block for chunk in iter_markdown_blocks(source) for block in chunk)
    return tuple(block for chunk in text_blocks(_visible_text(text)) for block in chunk)


def _unindent_outside_fences(markdown: str) -> str:
    """Deep indents outside fences are the page source's layout, not Markdown code blocks."""
    lines = markdown.split("\n")
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and line[:4].isspace():
            lines[index] = line.lstrip()
    return "\n".join(lines)


def _visible_text(text: str) -> str:
    """The body's text without scripts, styles and navigation, one line per source line."""
    tree = _parse(text)  # again: trafilatura may have pruned the first tree
    if tree is None:
        return ""
    body = tree.find(".//body")
    root = body if body is not None else tree
    for element in list(root.iter(*_DROP)):
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()
    return "\n".join(line.strip() for line in root.text_content().split("\n"))
