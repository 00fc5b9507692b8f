"""Saved web pages: the article extracted from the page, metadata from its head.

The page is parsed once with lxml; `html_extract` tidies it and picks the article from three
extractions by coverage, and `html_blocks` turns the winner's tree into blocks with its
structure (headings, lists, tables, code, quotes, links, images, captions). The title comes from
`html_title`'s ranked rule. trafilatura and readability are imported on first use because they
are slow to import and most libraries hold no HTML. Nothing is ever fetched: no URL is passed
and images stay as targets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from reader.core.loaders.html_extract import Extraction, extract, tidy
from reader.core.loaders.html_title import choose_title
from reader.core.loaders.metadata import (
    coerce_date,
    coerce_tags,
    coerce_text,
    first_sentence,
    humanise_stem,
)
from reader.core.models import ArticleMeta, ArticleStream, Block, Skipped

UNTITLED = "Untitled"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
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
    h1 = _first_heading(tree)
    tidy(tree)
    extraction = extract(tree)
    blocks = extraction.blocks
    if not any(block.text.strip() for block in blocks):
        return Skipped(path, "no article text found in the page")
    title = choose_title(
        og_title=meta.pop("og_title"),
        html_title=meta.pop("html_title"),
        h1=h1,
        site_name=meta.pop("site_name"),
        url=meta["url"],
    )
    title = title or humanise_stem(path.stem) or first_sentence(blocks[0].text) or UNTITLED
    article_meta = ArticleMeta(title=title, **meta, format="html", extraction=_describe(extraction))
    return ArticleStream(path, article_meta, _chunks(blocks))


def _describe(extraction: Extraction) -> str:
    """How the text was found, for the header: "readability (trafilatura kept 12% …)"."""
    if extraction.method == "trafilatura":
        return ""
    if extraction.method == "page text":
        return "the whole page (it is short)"
    return f"{extraction.method}: {extraction.note}" if extraction.note else extraction.method


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
    canonical = tree.find(".//link[@rel='canonical']")
    url = _pick(values, ("og:url",)) or (canonical.get("href", "") if canonical is not None else "")
    return {
        "og_title": _pick(values, _TITLE_KEYS),
        "html_title": coerce_text(tree.findtext(".//title")),
        "site_name": _pick(values, ("og:site_name", "application-name")),
        "author": next((a for a in _all(values, _AUTHOR_KEYS) if "://" not in a), ""),
        "date": next(filter(None, map(coerce_date, _all(values, _DATE_KEYS))), None)
        or json_ld_date(tree),
        "tags": coerce_tags(values.get("article:tag"), values.get("keywords")),
        "description": coerce_text(_pick(values, _DESCRIPTION_KEYS), 2_000),
        "url": coerce_text(url, 2_000),
    }


def _all(values: dict[str, list[str]], keys: tuple[str, ...]) -> list[str]:
    return [coerce_text(value) for key in keys for value in values.get(key, [])]


def _pick(values: dict[str, list[str]], keys: tuple[str, ...]) -> str:
    return next((value for value in _all(values, keys) if value), "")


def _first_heading(tree: lxml_html.HtmlElement) -> str:
    heading = tree.find(".//h1")
    return coerce_text(heading.text_content()) if heading is not None else ""


_LD_DATE_KEYS = ("datePublished", "dateCreated", "uploadDate", "dateModified")


def json_ld_date(tree: lxml_html.HtmlElement) -> dt.datetime | None:
    """The publication date a page states in its JSON-LD (schema.org), if any."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text[:200_000])
        except ValueError:
            continue
        for item in _ld_items(data, depth=0):
            for key in _LD_DATE_KEYS:
                date = coerce_date(item.get(key)) if isinstance(item.get(key), str) else None
                if date is not None:
                    return date
    return None


def _ld_items(data: object, depth: int) -> Iterator[dict]:
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data[:50]:
            yield from _ld_items(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _ld_items(data.get("@graph"), depth + 1)
