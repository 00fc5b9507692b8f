"""A library folder full of files that try to break a reader, for tests to reuse.

Every hostile byte is written from escapes in this code ("\\x1b"), never stored literally, and
the files are only built under a test's tmp_path. Nothing here should ever be printed raw.
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

ESC = "\x1b"
BEL = "\x07"
MARKUP_TITLE = (
    f"[@click=app.screenshot()]x[/] {ESC}[31mred{ESC}[0m "
    f"{ESC}]8;;https://evil.example/{ESC}\\link{ESC}]8;;{ESC}\\ {ESC}]0;pwned{BEL}"
)
"""Rich markup with an action, SGR colour, an OSC 8 hyperlink and an OSC title change."""

NON_UTF8_NAME = b"caf\xe9-\xff.txt"
"""A file name that is not valid UTF-8 (Latin-1 "café" and a stray byte)."""

HUGE_SIZE = 2 * 1024**3
BIG_COUNT = 20_000
TABLE_ROWS = 5_000


def _write(root: Path, name: str, data: bytes | str) -> None:
    path = root / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def _front(fields: str, body: str = "Body text.\n") -> str:
    return f"---\n{fields}\n---\n{body}"


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    return _front("\n".join(lines) + "\ntitle: Laughs", "The body survives.\n")


def _deep_yaml(depth: int = 10_000) -> str:
    return _front("title: " + "[" * depth, "Deep body.\n")


def _big_markdown() -> str:
    return "# Many paragraphs\n\n" + "".join(
        f"Paragraph {i} has a few words in it.\n\n" for i in range(BIG_COUNT)
    )


def _big_code() -> str:
    lines = "".join(f"line_{i} = {i}  # comment\n" for i in range(BIG_COUNT))
    return f"# A long listing\n\n```python\n{lines}```\n"


def _big_table() -> str:
    rows = "".join(f"| {i} | name {i} | {i * 3} |\n" for i in range(TABLE_ROWS))
    return "# A long table\n\n| id | name | value |\n|---|---|---|\n" + rows


def make_hostile_library(root: Path) -> dict[str, str]:
    """Build hostile files in `root`; return {file name: what a loader should do with it}.

    The non-UTF-8 name is returned decoded with `os.fsdecode` (surrogate escapes), which is
    how `Path.iterdir` reports it.
    """
    root.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def add(name: str, data: bytes | str, outcome: str) -> None:
        _write(root, name, data)
        expected[name] = outcome

    add("empty.md", b"", "skipped: empty file")
    add("blank.txt", " \n\t\n\n", "skipped: only whitespace")
    add("binary.txt", bytes(range(256)) * 64, "skipped: binary (NUL bytes)")
    add("nul-laden.md", b"# Title\n\n" + b"text\x00" * 2000, "skipped: binary (NUL bytes)")
    add("program", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "skipped: binary, no extension")
    add("notes", "A note without an extension.\n\nIt is text.\n", "article: text, no suffix")
    add("billion-laughs.md", _billion_laughs(), "article: front matter refused (aliases)")
    add("bad-date.md", _front("title: Bad date\ndate: 2024-13-45"), "article: date None, warning")
    add("deep.md", _deep_yaml(), "article: front matter refused (too deep)")
    add("title-int.md", _front("title: 42"), 'article: title "42"')
    add("title-list.md", _front("title: [Part, One]"), 'article: title "Part, One"')
    add("title-date.md", _front("title: 2024-07-23"), 'article: title "2024-07-23"')
    add("title-null.md", _front("title:", "# Heading title\n\nText.\n"), "article: heading title")
    add(
        "markup-title.md",
        _front(f"title: {json.dumps(MARKUP_TITLE)}", f"Body {ESC}[2J here.\n"),
        "article: title keeps markup and escapes as literal text",
    )
    add("markup-title.txt", f"{MARKUP_TITLE}\n\nBody {ESC}[2J here.\n", "article: same, text")
    add("many-paragraphs.md", _big_markdown(), f"article: {BIG_COUNT} paragraphs, bounded time")
    add("long-code.md", _big_code(), f"article: one {BIG_COUNT}-line code block")
    add("long-table.md", _big_table(), f"article: a {TABLE_ROWS}-row table")
    japanese = (
        "羅生門\n芥川龍之介\n\n　ある日の暮方の事である。一人の下人が、雨やみを待っていた。\n"
    )
    add("shift-jis.txt", japanese.encode("shift_jis"), 'article: title "羅生門"')
    add(
        "utf16.txt",
        codecs.BOM_UTF16_LE + "Unicode title\n\nSome UTF-16 text, “quoted”.\n".encode("utf-16-le"),
        'article: title "Unicode title"',
    )
    add("report.pdf", b"%PDF-1.4\n", "skipped: unsupported file type .pdf")

    with open(root / "huge.txt", "wb") as huge:
        huge.truncate(HUGE_SIZE)  # sparse: no disk used
    expected["huge.txt"] = "skipped: too large (never read)"

    os.mkfifo(root / "x.md")
    expected["x.md"] = "skipped: not a regular file (FIFO), without blocking"

    loop = root / "loop"
    loop.mkdir()
    (loop / "self").symlink_to(loop, target_is_directory=True)
    (root / "loop-a.md").symlink_to(root / "loop-b.md")
    (root / "loop-b.md").symlink_to(root / "loop-a.md")
    expected["loop-a.md"] = "skipped: symlink loop"
    expected["loop-b.md"] = "skipped: symlink loop"

    (root / "passwd.txt").symlink_to("/etc/passwd")
    expected["passwd.txt"] = "article or skipped (the walker keeps it out of the library)"

    fd = os.open(os.path.join(os.fsencode(root), NON_UTF8_NAME), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"Non-UTF-8 name\n\nThe name is Latin-1 bytes.\n")
    os.close(fd)
    expected[os.fsdecode(NON_UTF8_NAME)] = 'article: title "Non-UTF-8 name"'
    return expected
