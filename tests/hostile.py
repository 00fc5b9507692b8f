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


def _make_socket(path: Path) -> bool:
    """A UNIX socket file at `path`, if the path is short enough for one."""
    import socket

    with socket.socket(socket.AF_UNIX) as server:
        try:
            server.bind(str(path))
        except OSError:  # a socket path is limited to about 100 bytes
            return False
    return True


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
    (root / "zero.md").symlink_to("/dev/zero")
    expected["zero.md"] = "skipped: a device (the walker: a link to outside the library)"
    (root / "dangling.md").symlink_to(root / "gone.md")
    expected["dangling.md"] = "skipped: broken link"
    (root / "pipe-link.md").symlink_to(root / "x.md")
    expected["pipe-link.md"] = "skipped: a link to a FIFO, without blocking"
    if _make_socket(root / "socket.md"):
        expected["socket.md"] = "skipped: not a regular file (socket), without blocking"

    fd = os.open(os.path.join(os.fsencode(root), NON_UTF8_NAME), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"Non-UTF-8 name\n\nThe name is Latin-1 bytes.\n")
    os.close(fd)
    expected[os.fsdecode(NON_UTF8_NAME)] = 'article: title "Non-UTF-8 name"'
    return expected


# -- display attacks: markup and terminal control sequences in everything the app shows ------

OSC_TITLE = f"{ESC}]0;pwned-title{BEL}"
"""OSC 0: would set the terminal (and tmux pane) title to "pwned-title"."""
OSC_CLIPBOARD = f"{ESC}]52;c;cm0gLXJmIH4K{BEL}"
"""OSC 52: would put "rm -rf ~" on the clipboard (tmux: a paste buffer)."""
CSI_CLEAR = f"{ESC}[2J{ESC}[31m"
DCS = f"{ESC}Pq#0;2;0;0;0{ESC}\\"
C1_CSI = "\x9b31m"
C1_OSC = "\x9d0;c1-title\x9c"
BIDI = "\u202egnp.exe"
CONTROLS = f"{OSC_TITLE}{OSC_CLIPBOARD}{CSI_CLEAR}{DCS}{C1_CSI}{C1_OSC}{BIDI}\x7f"
"""Every control-sequence attack in one string."""


def click_markup(data_dir: Path) -> list[str]:
    """Content markup that would run an action if a widget parsed it (one per escape trick)."""
    target = str(data_dir).replace("'", "")
    return [
        f"[@click=app.screenshot('owned.svg','{target}')]Read me[/]",
        "[ @click=app.quit]Quit me[/]",
        "[$accent @click=app.quit]Accent me[/]",
        "[@click=app.bell]Ring[/] [bold]bold[/bold]",
    ]


def make_display_library(root: Path, data_dir: Path) -> dict[str, str]:
    """Articles whose titles, bodies, authors, tags, links and names carry markup and controls.

    Returns {file name: a word that appears in its title}, to find each row again.
    `data_dir` is where a screenshot action hidden in the markup would write.
    """
    root.mkdir(parents=True, exist_ok=True)
    click, quit_, accent, bell = click_markup(data_dir)
    yaml_title = json.dumps(f"Alpha {click} {CONTROLS}")
    front = (
        f"---\ntitle: {yaml_title}\n"
        # YAML's own escapes make new control characters after any byte filter.
        f'author: "{quit_} \\e]0;yaml-author\\a \\e]52;c;eWFtbA==\\a"\n'
        f"tags: [{json.dumps(accent)}, {json.dumps(CONTROLS)}]\n"
        f'summary: "\\x1b[2J"\n---\n'
        f"# Heading {bell} {OSC_TITLE}\n\n"
        f"Body {click} and {CONTROLS} text.\n\n"
        f"- item {quit_} {C1_CSI}\n\n"
        f"> quote {accent} {OSC_CLIPBOARD}\n\n"
        f"```\ncode {click} {CSI_CLEAR} {DCS}\n```\n\n"
        f"| a | b |\n|---|---|\n| {accent} | {OSC_TITLE} |\n\n"
        "Links: [script](javascript:alert(1)), [encoded](%66ile:///etc/passwd), "
        "[zero](/dev/zero), [osc](%1b]0;link-title%07), "
        "[clip](https://example.com/%1b]52;c;bGluaw==%07), "
        "[sibling](beta.txt).\n\n"
        "![remote image](http://127.0.0.1:9/tracker.png)\n"
    )
    names: dict[str, str] = {}
    _write(root, "alpha.md", front)
    names["alpha.md"] = "Alpha"
    _write(root, "beta.txt", f"Beta {quit_} {CONTROLS}\n\nPlain body {click} {CONTROLS}.\n")
    names["beta.txt"] = "Beta"
    html = (
        "<html><head><title>Gamma &#27;]0;html-title&#7; &#x1b;]52;c;aHRtbA==&#x7; "
        f"{accent} &#x9b;31m &#x202e;</title></head><body><article><h1>The third page</h1>"
        f"<p>Paragraph &#27;[2J {click} &#x1b;P1$r&#x1b;\\ with enough words to be kept as "
        "the article text by the extractor, and then some more words follow here.</p>"
        f'<p>Another <a href="%1b]0;a-title%07">link</a> and <a href="jav&#x09;ascript:x">'
        "script</a> paragraph with yet more words so that it is kept.</p>"
        "</article></body></html>"
    )
    _write(root, "gamma.html", html)
    names["gamma.html"] = "Gamma"
    # File names: markup (no "/" allowed, so unclosed tags) and control characters.
    _write(root, "[@click=app.quit]Delta.md", "Just a paragraph, no heading.\n")
    names["[@click=app.quit]Delta.md"] = "paragraph"
    _write(root, f"Epsilon {ESC}]0;name-title{BEL}.txt", "\n")  # blank: skipped, name shown
    _write(root, f"[ @click=app.quit]Zeta{ESC}[2J\u202e.md", "")  # empty: skipped, name shown
    return names
