"""Where an id of a saved web page lands in the article text the app shows.

Extraction (trafilatura, then Markdown) keeps a page's text but drops its ids, so `#methods` or
`#fn1` in a saved page cannot be found in the blocks. When such a link is followed, the page is
read again, the element with that id (or an `<a name>`) is found, and the words of the block it
sits in are looked up in the article text; the offset is then moved on by the text that comes
before the element inside that block. Whitespace is compared loosely, since extraction reflows
it. Only the page itself is read; nothing is fetched.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from reader.core.loaders.decode import decode_text
from reader.core.loaders.files import read_file
from reader.core.loaders.html import declared_charset
from reader.core.models import BLOCK_SEPARATOR

MAX_PAGE_BYTES = 8 * 1024 * 1024
"""A page larger than this is not read again (the loader would have skipped it anyway)."""
NEEDLE_WORDS = (12, 6, 3, 1)
"""How many of the block's first words are looked for, longest first."""
_BLOCK_TAG = re.compile(r"p|li|d[dt]|h[1-6]|blockquote|pre|t[dh]|figcaption|caption")
"""Elements whose words extraction keeps together as one block."""


def page_anchor_offset(path: Path, name: str, text: str) -> int | None:
    """The offset in `text` (the article as shown) of the element of the page with id `name`.

    Args:
        path: the saved page.
        name: the id (or `<a name>`), without `#`.
        text: the article's text as the app shows it (`Document.text`).

    Returns:
        The offset, or None when the page has no such id or its words are not in `text`.
    """
    data = read_file(path, MAX_PAGE_BYTES)
    if not isinstance(data, bytes):
        return None
    source = decode_text(data, declared_charset(data))
    if source is None or not name:
        return None
    try:
        tree = lxml_html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", source, count=1))
    except (etree.ParserError, ValueError):
        return None
    element = _element(tree, name)
    if element is None:
        return None
    block = _block_of(element)
    return locate(text, block.text_content(), _loose_length(_text_before(block, element)))


def _element(tree: lxml_html.HtmlElement, name: str) -> lxml_html.HtmlElement | None:
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.get("id") == name or (element.tag == "a" and element.get("name") == name):
            return element
    return None


def _block_of(element: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The element itself, or the nearest enclosing block whose words extraction keeps together."""
    node: lxml_html.HtmlElement | None = element
    while node is not None:
        if (
            isinstance(node.tag, str)
            and _BLOCK_TAG.fullmatch(node.tag)
            and node.text_content().strip()
        ):
            return node
        node = node.getparent()
    return element


def _text_before(block: lxml_html.HtmlElement, element: lxml_html.HtmlElement) -> str:
    """The text of `block` that comes before `element` starts."""
    if block is element:
        return ""
    parts: list[str] = []
    for event, node in etree.iterwalk(block, events=("start", "end")):
        if node is element:
            break
        if event == "start" and isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        elif event == "end" and node is not block and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def _loose_length(text: str) -> int:
    """Characters of `text` with leading space dropped and each run of whitespace as one."""
    return len(re.sub(r"\s+", " ", text.lstrip()))


def locate(text: str, block_text: str, inner: int) -> int | None:
    """Where the words of `block_text` appear in `text`, moved on by `inner` characters.

    A match at the start of a block of `text` is preferred to one inside a paragraph (a heading
    called "Conclusion" rather than the word in a sentence that names it).
    """
    words = block_text.split()
    if not words:
        return None
    for count in NEEDLE_WORDS:
        pattern = re.compile(r"\s+".join(re.escape(word) for word in words[:count]))
        found = None
        for match in pattern.finditer(text):
            found = found or match
            if match.start() == 0 or text.endswith(BLOCK_SEPARATOR, 0, match.start()):
                found = match
                break
        if found is not None:
            return _advance(text, found.start(), inner)
    return None


def _advance(text: str, start: int, inner: int) -> int:
    """`start` moved on by `inner` characters, counting each run of whitespace as one."""
    position, counted = start, 0
    while counted < inner and position < len(text):
        if text[position].isspace():
            while position < len(text) and text[position].isspace():
                position += 1
        else:
            position += 1
        counted += 1
    return position
