"""Markdown reduced to its words without parsing it: what the indexer stores and searches.

A full markdown-it parse costs ~2 ms for a 4 KB article, which is two minutes of a 100,000-file
cold index. Search and word counts need the words, not the structure, so a few regular
expressions do; the reading pane still parses properly, and hits are found in its text.
"""

from __future__ import annotations

import html
import re

# No expression may rescan the rest of a line from each of a long run of openers ("[a](b[a](b",
# "<http:<http:", blanks before a pipe): one file of them took minutes. So link text holds no
# "[", a link target no "](", an autolink no "<", and blank runs are tried from their start.
_FENCE_LINE = re.compile(r"^ {0,3}(?:`{3,}|~{3,}).*$", re.MULTILINE)
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)
_TABLE_RULE = re.compile(
    r"^[ \t]*(?:\|[ \t]*)?:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*(?:\|[ \t]*)?$", re.M
)
_LINE_PREFIX = re.compile(
    r"^[ \t]*(?:>[ \t]?)*(?:#{1,6}[ \t]+|[-*+][ \t]+(?:\[[ xX]\][ \t]+)?|\d{1,9}[.)][ \t]+)?", re.M
)
_HEADING_TAIL = re.compile(r"(?<![ \t])[ \t]+#+[ \t]*$", re.MULTILINE)
_SETEXT_RULE = re.compile(r"^ {0,3}(?:=+|-{2,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]\n]*)\](?:\((?:[^)\]\n]|\](?!\())*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^>\n]{0,300}>")
_UNDERSCORES = re.compile(r"(?<!\w)_{1,3}|_{1,3}(?!\w)")
_ESCAPES = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|>~])")
_PIPES = re.compile(r"(?:(?<![ \t])[ \t]+)?\|[ \t]*")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def markdown_words(source: str) -> str:
    """The readable words of a Markdown body, paragraphs separated by blank lines.

    Each expression runs only when its trigger characters occur: most articles have no
    tables, fences or HTML, and scanning for them is most of the cost.
    """
    text = source
    if "<!--" in text:
        text = _without_comments(text)
    if "```" in text or "~~~" in text:
        text = _FENCE_LINE.sub("", text)
    if "]:" in text:
        text = _REFERENCE_DEFINITION.sub("", text)
    if "---" in text or "===" in text or "***" in text or "___" in text:
        text = _TABLE_RULE.sub("", text) if "|" in text else text
        text = _SETEXT_RULE.sub("", text)
    text = _LINE_PREFIX.sub("", text)
    if " #" in text:
        text = _HEADING_TAIL.sub("", text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
        text = _TAG.sub("", text)
    if "](" in text or "][" in text:
        text = _IMAGE_OR_LINK.sub(r"\1", text)
    if "\\" in text:
        text = _ESCAPES.sub("", text)
    text = text.replace("*", "").replace("`", "").replace("~~", "")
    if "_" in text:
        text = _UNDERSCORES.sub("", text)
    if "|" in text:
        text = _PIPES.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    paragraphs = (
        " ".join(filter(None, (line.strip() for line in part.split("\n"))))
        for part in _BLANK_LINES.split(text)
    )
    return "\n\n".join(part for part in paragraphs if part)


def _without_comments(text: str) -> str:
    """`text` without HTML comments; once one is left open, none after it can close.

    A lazy `<!--.*?-->` rescans the rest of the text from every unclosed opener: quadratic.
    """
    parts: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        parts.append(text[pos:start])
        pos = end + 3
    parts.append(text[pos:])
    return "".join(parts)
