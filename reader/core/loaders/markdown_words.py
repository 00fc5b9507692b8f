"""Markdown reduced to its words without parsing it: what the indexer stores and searches.

A full markdown-it parse costs ~2 ms for a 4 KB article, which is two minutes of a 100,000-file
cold index. Search and word counts need the words, not the structure, so a few regular
expressions do; the reading pane still parses properly, and hits are found in its text.
"""

from __future__ import annotations

import html
import re

from reader.core.loaders.markdown_inline import (
    MDX_CLOSE,
    MDX_OPEN,
    admonition_title,
    container_callout,
    is_esm,
    without_heading_attributes,
)

# No expression may rescan the rest of a line from each of a long run of openers ("[a](b[a](b",
# "<http:<http:", blanks before a pipe): one file of them took minutes. So link text holds no
# "[", a link target no "](", an autolink no "<", and blank runs are tried from their start.
_FENCE_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,}).*$", re.MULTILINE)  # in lists, callouts too
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
# a tag may go on over lines (JSX attributes often do), but not over a blank one
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*+(?:\n(?=[ \t]*[^<>\s])[^<>\n]*+)*+>")
_UNDERSCORES = re.compile(r"(?<!\w)_{1,3}|_{1,3}(?!\w)")
_ESCAPES = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|>~])")
_PIPES = re.compile(r"(?:(?<![ \t])[ \t]+)?\|[ \t]*")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")

# Dialects, read line by line outside fences (`_dialects`) where one of these occurs
_DIALECT_HINTS = (MDX_OPEN, "{#", "{:", "{.", "!!!", "???", ":::", "[!", '=== "')
_DIALECT_HINTS += ("\nimport", "\nexport")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})")
_ADMONITION = re.compile(r"[ \t]*(?:!!!|\?\?\?\+?)[ \t]+([A-Za-z].*)$")
_CONTENT_TAB = re.compile(r'[ \t]*===[!+]?[ \t]+"([^"\n]*)"[ \t]*$')
_CONTAINER = re.compile(r" {0,3}:{3,}(.*)$")
_ALERT = re.compile(r"([ \t]*(?:>[ \t]?)+)\[!([A-Za-z]+)\][ \t]*$")
_ALERTS = frozenset(("note", "tip", "important", "warning", "caution"))
_DEFINITION = re.compile(r"^ {0,3}[:~][ \t]+(?=\S)")
_ATX = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")


def markdown_words(source: str) -> str:
    """The readable words of a Markdown body, paragraphs separated by blank lines.

    Each expression runs only when its trigger characters occur: most articles have no
    tables, fences or HTML, and scanning for them is most of the cost.
    """
    text = source
    if text.startswith(("import", "export")) or any(hint in text for hint in _DIALECT_HINTS):
        text = _dialects(text)
    elif "\n: " in text or "\n~ " in text:
        text = _definitions(text)
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


def _definitions(text: str) -> str:
    """`text` without definition list markers (": definition" under a term)."""
    return "\n".join(_DEFINITION.sub("", line, count=1) for line in text.split("\n"))


def _dialects(text: str) -> str:
    """`text` with the syntax of Markdown dialects read as the full parse reads it, outside
    fenced code: MDX comments and top-level `import`/`export` statements dropped, heading
    attributes dropped, admonition, container and alert markers turned into their titles,
    content tab markers into their labels and definition list markers dropped."""
    lines = text.split("\n")
    last_close = text.rfind(MDX_CLOSE)
    out: list[str] = []
    fence = ""
    esm = comment = False
    offset = 0  # where the current line starts in `text`
    previous = ""
    for index, line in enumerate(lines):
        start, offset = offset, offset + len(line) + 1
        if comment:  # inside an MDX comment: up to its end
            end = line.find(MDX_CLOSE)
            if end < 0:
                continue
            comment, line = False, line[end + 3 :]
        if fence:
            out.append(line)
            closing = _FENCE_OPEN.match(line)
            if closing and _closes(fence, closing.group(1), line[closing.end() :]):
                fence = ""
            continue
        if esm:
            esm = bool(line.strip())
            if not esm:
                out.append(line)
                previous = line
            continue
        if opening := _FENCE_OPEN.match(line):
            fence = opening.group(1)
            out.append(line)
            previous = line
            continue
        if MDX_OPEN in line:
            line, comment = _without_line_comments(line, start, last_close)
        if not previous.strip() and is_esm(line):
            esm = True
            continue
        line = _dialect_line(line, lines[index + 1] if index + 1 < len(lines) else "")
        out.append(line)
        previous = line
    return "\n".join(out)


def _without_line_comments(line: str, start: int, last_close: int) -> tuple[str, bool]:
    """`line` without its MDX comments, and whether the last one goes on past its end. A
    comment with no `*/}` anywhere after it is text; `start` is where `line` is in the text
    whose last `*/}` is at `last_close`."""
    parts: list[str] = []
    pos = 0
    while (opener := line.find(MDX_OPEN, pos)) >= 0 and start + opener + 3 <= last_close:
        parts.append(line[pos:opener])
        end = line.find(MDX_CLOSE, opener + 3)
        if end < 0:
            return "".join(parts), True
        pos = end + 3
    parts.append(line[pos:])
    return "".join(parts), False


def _dialect_line(line: str, following: str) -> str:
    """One line outside fences with its dialect markers read (see `_dialects`)."""
    first = line.lstrip(" \t")[:1]
    if first in ("!", "?") and (match := _ADMONITION.match(line)):
        return admonition_title(match.group(1))
    if first == ":":
        if match := _CONTAINER.match(line):
            if not match.group(1).strip():
                return ""
            callout = container_callout(match.group(1))
            if callout is not None:
                return callout[1]
        return _DEFINITION.sub("", line, count=1)
    if first == "~":
        return _DEFINITION.sub("", line, count=1)
    if first == "=" and (match := _CONTENT_TAB.match(line)):
        return match.group(1)
    alert = _ALERT.match(line) if first == ">" and "[!" in line else None
    if alert and alert.group(2).lower() in _ALERTS:
        return alert.group(1) + alert.group(2).capitalize()
    heading = _ATX.match(line) or (line.strip() and _UNDERLINE.match(following))
    return without_heading_attributes(line) if heading and line.rstrip().endswith("}") else line


def _closes(fence: str, marker: str, rest: str) -> bool:
    return marker[0] == fence[0] and len(marker) >= len(fence) and not rest.strip()
