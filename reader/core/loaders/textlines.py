"""Line-level judgements for plain text: indents, widths, layout, and joining wrapped lines."""

from __future__ import annotations

import itertools
import re

PROSE_FILL = 0.9
"""A wrapped prose line plus the next word reaches this share of the wrap width."""

_LEADERS = re.compile(r"(?:\.{4,}|(?:\. ){4,})\s*\S*$")
_BOX = re.compile(r"[\u2500-\u257f]")
_BORDER = re.compile(r"^\s*[+|][-=+|: ]{3,}$")
_GAP = re.compile(r"\S {3,}\S")
_ART_RUNS = tuple(char * 4 for char in "-=_~*+<>|#")
LAYOUT_SAMPLE = 200
ALIGNED_INDENT = 20
"""Lines indented this far are centred or right-aligned: layout, not prose."""
_UNDERLINE = re.compile(r"([=\-~^*#+`'\"])\1{2,}")
_RULE = re.compile(r"([-=*_~#+.•·])(?:\s*\1){2,}")
_BULLET = re.compile(r"^(?:[-*•+‣◦]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+\S")
_FIELD = re.compile(r"^[A-Z][\w-]*(?: [\w-]+){0,3}:(?:\s|$)")
_CODE_CHARS = frozenset("{}[]()<>=;/\\|#$&*_+@%^`~")
_CODE_STARTS = (">>>", "$ ", "#include", "def ", "class ", "import ", "return ")
_SPACE_RUNS = re.compile(r" {2,}")


def indent_of(line: str) -> int:
    """Leading blanks in columns, tabs counting to the next multiple of four."""
    stripped = line.lstrip(" \t")
    if not stripped:
        return 0
    return len(line[: len(line) - len(stripped)].expandtabs(4))


def display_width(line: str) -> int:
    """Cells a line takes: wide East Asian characters count twice (approximately)."""
    if line.isascii():
        return len(line)
    return len(line) + sum(1 for char in line if char >= "\u2e80")


def dedent(lines: tuple[str, ...], indent: int) -> str:
    return "\n".join(line.expandtabs(4)[indent:] for line in lines)


def is_rule(text: str) -> bool:
    """ "-----", "* * *", "~~~": a thematic break."""
    return bool(_RULE.fullmatch(text))


def setext_heading_level(lines: tuple[str, ...]) -> tuple[str, int] | None:
    """(text, level) for "Title\\n=====" or "=====\\nTitle\\n=====" segments."""
    if len(lines) == 3 and lines[0].strip() == lines[2].strip():
        lines = lines[1:]
    if len(lines) != 2:
        return None
    text, underline = lines[0].strip(), lines[1].strip()
    match = _UNDERLINE.fullmatch(underline)
    if not match or is_rule(text) or len(underline) < len(text) // 2:
        return None
    return text, 2 if match.group(1) == "=" else 3


def is_layout(lines: tuple[str, ...]) -> bool:
    """Tables, tables of contents and column layouts: joining their lines would wreck them.

    Long segments are judged by their first lines, which keeps a 1 MB file fast.
    """
    lines = lines[:LAYOUT_SAMPLE]
    count = len(lines)
    if any(_BOX.search(line) or _BORDER.match(line) for line in lines):
        return True
    leaders = sum(1 for line in lines if ("...." in line or ". . . ." in line))
    leaders = leaders and sum(1 for line in lines if _LEADERS.search(line))
    art = sum(1 for line in lines if any(run in line for run in _ART_RUNS))
    gaps = sum(1 for line in lines if _is_column_line(line))
    return leaders * 2 >= count or art * 3 >= count or (gaps >= 2 and gaps * 2 >= count)


def _is_column_line(line: str) -> bool:
    stripped = line.strip()
    return bool(_GAP.search(stripped)) or "\t" in stripped or indent_of(line) >= ALIGNED_INDENT


def is_codeish(lines: tuple[str, ...]) -> bool:
    """Source code rather than verse or a quotation: punctuation-dense, or code-like starts."""
    text = "".join(lines)
    visible = len(text) - text.count(" ")
    symbols = sum(1 for char in text if char in _CODE_CHARS)
    starts = sum(1 for line in lines if line.lstrip().startswith(_CODE_STARTS))
    return symbols > visible * 0.06 or starts * 3 >= len(lines)


def reflow(lines: tuple[str, ...], wrap_width: int) -> str:
    """A segment's text: wrapped prose joined into one line; layout keeps its line breaks."""
    stripped = [line.strip() for line in lines]
    if len(lines) == 1:
        return stripped[0]
    if sum(1 for line in stripped if _BULLET.match(line)) >= 2 and _BULLET.match(stripped[0]):
        return "\n".join(join_lines(item) for item in _list_items(stripped))
    fields = sum(1 for line in stripped if _FIELD.match(line))
    if fields >= 2 and fields * 2 >= len(lines):
        return "\n".join(stripped)
    indents = [indent_of(line) for line in lines]
    first, rest = indents[0], indents[1:]
    if min(rest) > first:  # hanging indent: a term and its definition, or a list item
        if len(stripped[0]) < 40 and not _BULLET.match(stripped[0]):
            return stripped[0] + "\n" + join_lines(stripped[1:])
        return join_lines(stripped)
    if len(set(rest)) > 1 or not _wrapped(lines, wrap_width):
        return dedent(lines, min(indents))
    return join_lines(stripped)


def _wrapped(lines: tuple[str, ...], wrap_width: int) -> bool:
    """Whether the lines were broken because the next word did not fit (prose), not by intent.

    Verse and addresses end their lines well short of the margin; the word after a wrapped
    prose line would have pushed it past about the wrap width.
    """
    full = 0
    for line, following in itertools.pairwise(lines):
        next_word = following.split(maxsplit=1)[0]
        full += display_width(line) + 1 + display_width(next_word) >= wrap_width * PROSE_FILL
    return full >= (len(lines) - 1) * 0.6


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: a space between words, none between CJK characters or at "co-\\nop"."""
    parts = [lines[0]]
    for before, after in itertools.pairwise(lines):
        parts.append("" if _joins_tight(before, after) else " ")
        parts.append(after)
    return _SPACE_RUNS.sub(" ", "".join(parts))


def _joins_tight(before: str, after: str) -> bool:
    last, first = before[-1], after[0]
    if last >= "\u2e80" and first >= "\u2e80":
        return True
    return last == "-" and before[-2:-1].isalpha() and first.isalpha()


def starts_list_item(line: str) -> bool:
    return bool(_BULLET.match(line.lstrip()))


def _list_items(lines: list[str]) -> list[list[str]]:
    items: list[list[str]] = []
    for line in lines:
        if _BULLET.match(line) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return items
