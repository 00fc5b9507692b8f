"""Line-level judgements for plain text: indents, widths, layout, and joining wrapped lines."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable

PROSE_FILL = 0.9
"""A wrapped prose line plus the next word reaches this share of the wrap width."""

_LEADERS = re.compile(r"(?:\.{4,}|(?:\. ){4,})\s*\S*$")
_BOX = re.compile(r"[\u2500-\u257f]")
_BORDER = re.compile(r"^\s*[+|][-=+|: ]{3,}$")
_GAP = re.compile(r"\S {3,}\S")
_ART_RUNS = tuple(char * 4 for char in "-=_~*+<>|#")
LAYOUT_SAMPLE = 200
CODE_AFTER_WIDTH = 60
"""A code-like start ("return ", "import ") after a line this wide is wrapped prose."""
ALIGNED_INDENT = 20
"""Lines indented this far are centred or right-aligned: layout, not prose."""
_UNDERLINE = re.compile(r"([=\-~^*#+`'\"])\1{2,}")
_RULE = re.compile(r"([-=*_~#+.•·])(?:\s*\1){2,}")
_BULLET = re.compile(r"^(?:[-*•+‣◦]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+\S")
_FIELD = re.compile(r"^[A-Z][\w-]*(?: [\w-]+){0,3}:(?:\s|$)")
_CODE_CHARS = frozenset("{}[]()<>=;/\\|#$&*_+@%^`~")
_CODE_STARTS = (">>>", "$ ", "#include", "def ", "class ", "import ", "return ")
_SPACE_RUNS = re.compile(r" {2,}")
_RST_LITERAL = re.compile(r"``[^`\n]{1,80}``")
_MARKER = re.compile(
    r"(?P<marker>[-*•+‣◦]|\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)]|\([a-zA-Z]\)|[A-Z]\)"
    r"|(?:ii|iii|iv|vi|vii|viii|ix)[.)]|o(?= {2}))(?P<gap>[ \t]+)(?=\S)"
)
_INNER_GAP = re.compile(r"(\S)( {2,})(?=\S)")
_SENTENCE_GAP = frozenset(".?!:")
_FOOTER = re.compile(r"^\S.*\S {2,}\[Page [0-9ivxlc]+\]$")
_RUNNING_HEAD = re.compile(r"^(?:RFC \d+|Internet[- ]Draft|INTERNET[- ]DRAFT|draft-\S+) {2,}\S")
_YEAR_END = re.compile(r"(?:19|20)\d\d$")
_IETF_FIELD = re.compile(
    r"^(?P<strong>Network Working Group|Internet Engineering Task Force|Request for Comments:"
    r"|Internet[- ]Draft|INTERNET[- ]DRAFT|Independent Submission|Internet Research Task Force)"
    r"|^(?:Intended [Ss]tatus|Category|Obsoletes|Updates|ISSN|Expires|STD|BCP):",
)


def indent_of(line: str) -> int:
    """Leading blanks in columns, tabs counting to the next multiple of four."""
    stripped = line.lstrip(" \t")
    if not stripped:
        return 0
    blanks = len(line) - len(stripped)
    if line.find("\t", 0, blanks) < 0:
        return blanks
    return len(line[:blanks].expandtabs(4))


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


def setext_start(lines: tuple[str, ...] | list[str]) -> tuple[str, int, int] | None:
    """(text, level, lines taken) when `lines` open with a title and its underline (and maybe
    an overline); None otherwise. What follows the underline is the next block."""
    overline = len(lines) >= 3 and bool(_UNDERLINE.fullmatch(lines[0].strip()))
    if overline and lines[0].strip() == lines[2].strip():
        lines, taken = lines[1:3], 3
    else:
        lines, taken = lines[:2], 2
    if len(lines) != 2:
        return None
    text, underline = lines[0].strip(), lines[1].strip()
    match = _UNDERLINE.fullmatch(underline)
    if not match or is_rule(text) or len(underline) < len(text) // 2:
        return None
    if not any(char.isalnum() for char in text) or display_width(text) > 100:
        return None
    return text, {"=": 1, "-": 2}.get(match.group(1), 3), taken


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
    if indent_of(line) >= ALIGNED_INDENT:
        return True
    stripped = line.strip()
    if "\t" not in stripped and not _GAP.search(stripped):
        return False
    marker = list_marker(line)
    stripped = line.expandtabs(4)[marker[1] :] if marker else stripped
    return bool(_GAP.search(stripped)) or "\t" in stripped


def is_codeish(lines: tuple[str, ...]) -> bool:
    """Source code rather than verse or a quotation: punctuation-dense, or code-like starts
    (not after a long line: prose wraps onto "return 400 or 500 when…"). Inline literals in
    reStructuredText prose (``__hash__``) count as words."""
    text = _RST_LITERAL.sub("x", "".join(lines))
    visible = len(text) - text.count(" ")
    symbols = sum(1 for char in text if char in _CODE_CHARS)
    starts = sum(
        1
        for index, line in enumerate(lines)
        if line.lstrip().startswith(_CODE_STARTS)
        and (index == 0 or display_width(lines[index - 1]) < CODE_AFTER_WIDTH)
    )
    return symbols > visible * 0.06 or starts * 3 >= len(lines)


def reflow_lines(lines: tuple[str, ...], wrap_width: int) -> tuple[str, bool]:
    """(text, kept): wrapped prose joined into one line, a term and its definition on two
    lines (kept False); anything else keeps its line breaks, dedented (kept True)."""
    stripped = [line.strip() for line in lines]
    if len(lines) == 1:
        return stripped[0], False
    fields = sum(1 for line in stripped if _FIELD.match(line))
    if fields >= 2 and fields * 2 >= len(lines):
        return "\n".join(stripped), True
    indents = [indent_of(line) for line in lines]
    first, rest = indents[0], indents[1:]
    if min(rest) > first:  # hanging indent: a term and its definition, or a list item
        if len(stripped[0]) < 40 and not _BULLET.match(stripped[0]):
            return stripped[0] + "\n" + join_lines(stripped[1:]), False
        return join_lines(stripped), False
    if len(set(rest)) > 1 or not _wrapped(lines, wrap_width):
        return dedent(lines, min(indents)), True
    return join_lines(stripped), False


def is_verse(lines: tuple[str, ...]) -> bool:
    """Short lines that each start with a capital, as verse and addresses are written."""
    stripped = [line.strip() for line in lines]
    capitals = sum(1 for line in stripped if line.lstrip("\"'“‘(").lstrip()[:1].isupper())
    return capitals * 3 >= len(lines) * 2


def paragraphs_by_indent(lines: tuple[str, ...], wrap_width: int) -> list[str] | None:
    """Wrapped paragraphs told apart by indent alone, with no blank line between them: each
    starts at the first line's indent and continues at one other indent (a first-line indent,
    as in books, or a hanging one, as in a play's speeches or a list of terms, whose short
    first line stays on a line of its own). None unless the continued lines are full to the
    wrap width, as wrapped prose is."""
    indents = [indent_of(line) for line in lines]
    if len(set(indents)) != 2:
        return None
    starts = indents[0]
    groups: list[list[str]] = []
    for line, indent in zip(lines, indents, strict=True):
        if indent == starts or not groups:
            groups.append([line])
        else:
            groups[-1].append(line)
    terms = [len(group) > 1 and _full_lines([group[:2]], wrap_width) == 0 for group in groups]
    pairs = [
        pair
        for group, term in zip(groups, terms, strict=True)
        for pair in itertools.pairwise(group[term:])
    ]
    ends = [(group[-1], after[0]) for group, after in itertools.pairwise(groups)]
    if len(groups) < 2 or not pairs or _full_lines(pairs, wrap_width) < len(pairs) * 0.6:
        return None
    if _full_lines(ends, wrap_width) * 3 > len(ends):  # paragraphs end short of the margin
        return None
    return [
        group[0].strip() + "\n" + join_lines([line.strip() for line in group[1:]])
        if term
        else join_lines([line.strip() for line in group])
        for group, term in zip(groups, terms, strict=True)
    ]


def has_gap(text: str) -> bool:
    """Three or more blanks between words: columns."""
    return bool(_GAP.search(text))


def _wrapped(lines: tuple[str, ...], wrap_width: int) -> bool:
    """Whether the lines were broken because the next word did not fit (prose), not by intent.

    Verse and addresses end their lines well short of the margin; the word after a wrapped
    prose line would have pushed it past about the wrap width.
    """
    return _full_lines(itertools.pairwise(lines), wrap_width) >= (len(lines) - 1) * 0.6


def _full_lines(pairs: Iterable[tuple[str, str]], wrap_width: int) -> int:
    """How many lines the first word of the line after them would have pushed past the wrap
    width."""
    full = 0
    for line, following in pairs:
        next_word = following.split(maxsplit=1)[0]
        full += display_width(line) + 1 + display_width(next_word) >= wrap_width * PROSE_FILL
    return full


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


ListEntry = tuple[str, int, str]
"""A list item: (marker, indent of the marker, text with its wrapped lines joined)."""


def list_items(lines: tuple[str, ...]) -> tuple[list[str], list[ListEntry]] | None:
    """(lines before the list, items) for a segment that is a list: it starts with a list
    marker, or an introduction ending in ":" is followed by two or more marked lines. Lines
    without a marker continue the item above them."""
    markers = [list_marker(line) for line in lines]
    first = next((index for index, marker in enumerate(markers) if marker), None)
    if first is None:
        return None
    if first > 0 and (
        sum(1 for marker in markers if marker) < 2 or not lines[first - 1].endswith(":")
    ):
        return None
    entries: list[ListEntry] = []
    parts: list[str] = []
    marker_text, indent = "", 0
    for line, marker in zip(lines[first:], markers[first:], strict=True):
        if marker is None:
            parts.append(line.strip())
            continue
        if parts:
            entries.append((marker_text, indent, join_lines(parts)))
        marker_text, indent = marker[0], indent_of(line)
        parts = [line.expandtabs(4)[marker[1] :].strip()]
    entries.append((marker_text, indent, join_lines(parts)))
    return list(lines[:first]), entries


def list_marker(line: str) -> tuple[str, int] | None:
    """(marker, column where the item's text starts) for "1. text", "a) text", "- text"."""
    stripped = line.lstrip(" \t")
    match = _MARKER.match(stripped)
    if match is None:
        return None
    end = len(line) - len(stripped) + match.end()
    return match.group("marker"), len(line[:end].expandtabs(4)) if "\t" in line else end


def column_starts(line: str) -> list[int]:
    """Columns where text resumes after a run of two or more blanks inside the line: the
    starts of aligned columns. Two blanks after a full stop are sentence spacing, not a
    column, and the blanks after a leading list marker do not count."""
    line = line.expandtabs(8).rstrip()
    if "  " not in line.lstrip():
        return []
    marker = list_marker(line)
    start = marker[1] if marker else indent_of(line)
    starts = []
    for match in _INNER_GAP.finditer(line, start):
        if len(match.group(2)) == 2 and match.group(1) in _SENTENCE_GAP:
            continue
        starts.append(match.end())
    return starts


def has_aligned_columns(lines: tuple[str, ...]) -> bool:
    """Whether most lines have a column (text after two or more blanks) that starts at the same
    position as a column in another line: a table or a laid-out form, not prose."""
    lines = lines[:LAYOUT_SAMPLE]
    if len(lines) < 2:
        return False
    per_line = [set(column_starts(line)) for line in lines]
    counts = Counter(start for starts in per_line for start in starts)
    aligned = sum(1 for starts in per_line if any(counts[start] >= 2 for start in starts))
    return aligned >= 2 and aligned * 2 >= len(lines)


def is_ietf_header(lines: tuple[str, ...] | list[str]) -> bool:
    """The two-column block that opens an RFC or Internet-Draft ("Request for Comments: 2616
    ...  UC Irvine")."""
    fields = [_IETF_FIELD.match(line) for line in lines[:30]]
    strong = any(match and match.group("strong") for match in fields)
    return strong or sum(1 for match in fields if match) >= 2


def is_paged(lines: list[str]) -> bool:
    """Whether the text is cut into pages: form feeds or "[Page N]" footers."""
    footers = feeds = 0
    for line in (line for line in lines if "[Page " in line or "\f" in line):
        feeds += "\f" in line
        footers += bool(_FOOTER.match(line.strip("\f").rstrip()))
        if footers >= 2 or (feeds and footers):
            return True
    return False


def without_page_furniture(lines: list[str]) -> list[str]:
    """The lines without page breaks: "[Page N]" footers, form feeds, the running header at the
    top of each page, and the blank lines around them. A paragraph cut by a page break is
    joined again when the lines on both sides have the same indent and the first does not end
    a sentence."""
    out: list[str] = []
    breaks: list[int] = []
    at_break = False
    for line in lines:
        stripped = line.replace("\f", "").rstrip()
        footer = bool(_FOOTER.match(stripped))
        if footer or "\f" in line:
            if not at_break:
                breaks.append(len(out))
            at_break = True
            if footer or not stripped or _is_running_head(stripped):
                continue
        elif at_break and (not stripped or _is_running_head(stripped)):
            continue
        at_break = False
        out.append(stripped)
    return _join_page_breaks(out, breaks)


def _is_running_head(line: str) -> bool:
    """ "RFC 2616        HTTP/1.1        June 1999": three columns at the margin, ending in a
    year, or starting with the document's number or draft name."""
    if _RUNNING_HEAD.match(line):
        return True
    return (
        indent_of(line) == 0 and len(_INNER_GAP.findall(line)) >= 2 and bool(_YEAR_END.search(line))
    )


def _join_page_breaks(lines: list[str], breaks: list[int]) -> list[str]:
    """Blank lines at each break collapsed to one, or to none where a paragraph continues."""
    drop: set[int] = set()
    for at in breaks:
        before = at - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        after = at
        while after < len(lines) and not lines[after].strip():
            after += 1
        if before < 0 or after >= len(lines):
            continue
        gap = range(before + 1, after)
        last, first = lines[before], lines[after]
        continues = indent_of(last) == indent_of(first) and last.rstrip()[-1] not in ".!?:"
        drop.update(gap if continues else list(gap)[1:])
    return [line for index, line in enumerate(lines) if index not in drop]
