"""The loaders' public API: files, reasons for skipping, encodings, formats, totality."""

from __future__ import annotations

import codecs
import os
import pickle
import threading
from pathlib import Path

import pytest

from reader.core.loaders import (
    DEFAULT_MAX_BYTES,
    SUPPORTED_SUFFIXES,
    is_candidate,
    load_bytes,
    load_path,
    open_stream,
)
from reader.core.models import Article, ArticleStream, BlockKind, Skipped
from reader.core.sanitize import inert
from tests.hostile import (
    BIG_COUNT,
    ESC,
    NON_UTF8_NAME,
    TABLE_ROWS,
    make_hostile_library,
)


def article(result: Article | Skipped) -> Article:
    assert isinstance(result, Article), result
    return result


def skipped(result: Article | Skipped) -> str:
    assert isinstance(result, Skipped), result
    return result.reason


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("hostile")
    return root, make_hostile_library(root)


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", True),
        ("a.TEXT", True),
        ("post.md", True),
        ("post.Markdown", True),
        ("page.html", True),
        ("page.HTM", True),
        ("README", True),
        ("paper.pdf", False),
        ("photo.jpg", False),
        (".hidden", False),
        ("archive.tar.gz", False),
    ],
)
def test_is_candidate_by_name(name: str, expected: bool) -> None:
    assert is_candidate(Path(name)) is expected


def test_supported_suffixes_are_the_documented_ones() -> None:
    assert {".txt", ".text", ".md", ".markdown", ".html", ".htm"} == SUPPORTED_SUFFIXES


def test_default_limit_comes_from_config() -> None:
    from reader.core.config import DEFAULT_MAX_BYTES as CONFIG_LIMIT

    assert DEFAULT_MAX_BYTES == CONFIG_LIMIT


# --- files that are not articles --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.md", "empty file"),
        ("blank.txt", "empty file (only whitespace)"),
        ("binary.txt", "binary file (contains NUL bytes)"),
        ("nul-laden.md", "binary file (contains NUL bytes)"),
        ("program", "binary file (contains NUL bytes)"),
        ("report.pdf", "unsupported file type .pdf"),
        ("huge.txt", "too large (2 GB; limit 8 MB)"),
        ("x.md", "not a regular file (FIFO)"),
        ("loop-a.md", "unreadable: too many levels of symbolic links"),
    ],
)
def test_hostile_files_are_skipped_with_a_reason(
    hostile: tuple[Path, dict[str, str]], name: str, reason: str
) -> None:
    root, _ = hostile
    assert skipped(load_path(root / name)) == reason


def test_fifo_does_not_block(hostile: tuple[Path, dict[str, str]]) -> None:
    root, _ = hostile
    results: list[Article | Skipped] = []
    worker = threading.Thread(target=lambda: results.append(load_path(root / "x.md")), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "opening a FIFO blocked"
    assert skipped(results[0]) == "not a regular file (FIFO)"


def test_huge_sparse_file_is_not_read(
    hostile: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = hostile
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    assert skipped(load_path(root / "huge.txt")).startswith("too large")
    assert reads == []


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Title\n\n" + "word " * 400)
    assert skipped(load_path(path, max_bytes=1024)) == "too large (2 KB; limit 1 KB)"
    assert article(load_path(path, max_bytes=4096)).title == "Title"


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.md"
    path.write_text("# Secret\n")

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    assert skipped(load_path(path)) == "unreadable: permission denied"


def test_missing_file_and_directory_are_skipped(tmp_path: Path) -> None:
    assert skipped(load_path(tmp_path / "gone.md")) == "unreadable: file not found"
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert skipped(load_path(folder)) == "not a regular file (directory)"


def test_unexpected_errors_become_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.md"
    path.write_text("# A\n")

    def explode(*args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr("reader.core.loaders.markdown.split_front_matter", explode)
    assert skipped(load_path(path)) == "could not be read: RuntimeError"


# --- hostile files that are articles ----------------------------------------------------------


def test_symlink_to_a_file_outside_is_read(hostile: tuple[Path, dict[str, str]]) -> None:
    root, _ = hostile
    result = load_path(root / "passwd.txt")
    assert isinstance(result, Article | Skipped)  # the walker, not the loader, keeps it out


def test_non_utf8_file_name_loads(hostile: tuple[Path, dict[str, str]]) -> None:
    root, _ = hostile
    path = root / os.fsdecode(NON_UTF8_NAME)
    loaded = article(load_path(path))
    assert loaded.title == "Non-UTF-8 name"
    assert loaded.path == path


def test_markup_and_escapes_in_titles_stay_literal(hostile: tuple[Path, dict[str, str]]) -> None:
    root, _ = hostile
    for name in ("markup-title.md", "markup-title.txt"):
        loaded = article(load_path(root / name))
        assert loaded.title.startswith("[@click=app.screenshot()]x[/]")
        assert ESC in loaded.title  # kept for the sanitiser, which shows it as a symbol
        assert ESC not in inert(loaded.title)
        assert not loaded.document.blocks[0].spans


def test_every_hostile_file_gives_an_article_or_a_reason(
    hostile: tuple[Path, dict[str, str]],
) -> None:
    root, expected = hostile
    for name, outcome in expected.items():
        result = load_path(root / name)
        if outcome.startswith("skipped"):
            assert isinstance(result, Skipped) and result.reason, name
        elif outcome.startswith("article"):
            assert isinstance(result, Article) and result.title.strip(), name


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("many-paragraphs.md", BlockKind.PARAGRAPH),
        ("long-code.md", BlockKind.CODE),
        ("long-table.md", BlockKind.TABLE),
    ],
)
def test_big_documents_load_whole_in_bounded_blocks(
    hostile: tuple[Path, dict[str, str]], name: str, kind: BlockKind
) -> None:
    root, _ = hostile
    loaded = article(load_path(root / name))
    body = [block for block in loaded.document.blocks if block.kind is not BlockKind.HEADING]
    assert body and all(block.kind is kind for block in body)
    if kind is BlockKind.PARAGRAPH:
        assert len(body) == BIG_COUNT
    elif kind is BlockKind.CODE:  # cut into pieces the reading view lays out quickly
        assert sum(block.text.count("\n") + 1 for block in body) == BIG_COUNT
        assert all(block.text.count("\n") < 200 for block in body)
    else:
        assert sum(len(block.rows) - 1 for block in body) == TABLE_ROWS


def test_results_pickle_for_worker_processes(hostile: tuple[Path, dict[str, str]]) -> None:
    root, _ = hostile
    for name in ("bad-date.md", "shift-jis.txt", "empty.md"):
        result = load_path(root / name)
        assert pickle.loads(pickle.dumps(result)) == result


# --- encodings ----------------------------------------------------------------------------------

FRENCH = "L’été à Paris\n\n« Déjà vu », dit-elle — “c’est ça”.\n"
JAPANESE = "吾輩は猫である\n\n吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。\n"


@pytest.mark.parametrize(
    ("data", "title", "body"),
    [
        (FRENCH.encode("utf-8"), "L’été à Paris", "« Déjà vu », dit-elle — “c’est ça”."),
        (codecs.BOM_UTF8 + FRENCH.encode(), "L’été à Paris", "« Déjà vu », dit-elle — “c’est ça”."),
        (FRENCH.encode("cp1252"), "L’été à Paris", "« Déjà vu », dit-elle — “c’est ça”."),
        ("Größe\n\nÜber Maße.\n".encode("latin-1"), "Größe", "Über Maße."),
        (JAPANESE.encode("shift_jis"), "吾輩は猫である", "吾輩は猫である。名前はまだ無い。"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "L’été à Paris", "« Déjà vu »"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), "L’été à Paris", "« Déjà vu »"),
        (FRENCH.encode("utf-32"), "L’été à Paris", "« Déjà vu »"),
        (FRENCH.replace("\n", "\r\n").encode(), "L’été à Paris", "« Déjà vu »"),
        (FRENCH.replace("\n", "\r").encode(), "L’été à Paris", "« Déjà vu »"),
    ],
)
def test_encodings_decode_to_the_same_text(data: bytes, title: str, body: str) -> None:
    loaded = article(load_bytes("note.txt", data))
    assert loaded.title == title
    assert loaded.document.text.startswith(body)
    assert "\r" not in loaded.document.text


def test_undecodable_bytes_are_replaced_not_fatal() -> None:
    loaded = article(load_bytes("a.txt", b"Title\n\nbad \xff\xfe byte and more ascii text here\n"))
    assert loaded.title == "Title"


def test_control_character_soup_is_binary() -> None:
    assert skipped(load_bytes("a.txt", bytes([1, 2, 3, 4, 5, 6]) * 200)) == (
        "binary file (control characters)"
    )


# --- formats --------------------------------------------------------------------------------


def test_files_without_suffix_are_sniffed() -> None:
    assert article(load_bytes("notes", b"Plain\n\n# not a heading\n")).meta.format == "text"
    page = b"<!DOCTYPE html><html><head><title>Page</title></head><body><p>Hi there.</p></body>"
    assert article(load_bytes("saved", page)).meta.format == "html"
    post = b"---\ntitle: Post\n---\nBody *text*.\n"
    assert article(load_bytes("post", post)).meta.format == "markdown"


def test_open_stream_gives_metadata_before_the_body_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("---\ntitle: Big\n---\n" + "Paragraph text here.\n\n" * 5_000)
    stream = open_stream(path)
    assert isinstance(stream, ArticleStream)
    assert stream.meta.title == "Big"
    first = next(stream.chunks)
    assert first and first[0].text == "Paragraph text here."


def test_text_streams_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Long\n\n" + "A paragraph of plain text.\n\n" * 1_000)
    stream = open_stream(path)
    assert isinstance(stream, ArticleStream)
    chunks = list(stream.chunks)
    assert len(chunks) > 1
    assert sum(len(chunk) for chunk in chunks) == 1_000


def test_a_failing_parser_ends_the_stream_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(source: str):
        yield ()
        raise ValueError("parser bug")

    monkeypatch.setattr("reader.core.loaders.markdown.iter_markdown_blocks", failing)
    path = tmp_path / "a.md"
    path.write_text("# A\n\nText.\n")
    loaded = article(load_path(path))
    assert loaded.document.text == "(The rest of this file could not be shown: ValueError.)"


# --- HTML ---------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Ignored | Example Site</title>
<meta property="og:title" content="The real title | Example Site">
<meta property="og:site_name" content="Example Site">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-07-23T10:00:00+02:00">
<meta property="article:tag" content="Movies"><meta property="article:tag" content="Film">
<meta name="description" content="What it is about.">
<meta property="og:url" content="https://example.com/post">
<script>var tracking = "SCRIPT TEXT";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/about">MENU ITEM</a></nav>
<article>
<h1>The real title</h1>
<p>First paragraph of the article with <em>emphasis</em> and a
<a href="https://example.com/more">link</a>. It goes on for a while so that
the extractor is sure this is the main text of the page and not a menu.</p>
<p>Second paragraph, also long enough to count as content rather than boilerplate,
with an entity &#27; and some more words to make it substantial.</p>
<img src="https://tracker.example/pixel.png" alt="A picture">
</article>
<footer>FOOTER TEXT &copy; 2024</footer>
</body></html>"""


def test_html_article_is_extracted_without_menus_or_scripts() -> None:
    loaded = article(load_bytes("page.html", PAGE.encode()))
    text = loaded.document.text
    assert "First paragraph of the article" in text
    for junk in ("SCRIPT TEXT", "MENU ITEM", "FOOTER TEXT"):
        assert junk not in text
    meta = loaded.meta
    assert meta.title == "The real title"
    assert meta.author == "Jane Doe"
    assert meta.date is not None and (meta.date.year, meta.date.month, meta.date.day) == (
        2024,
        7,
        23,
    )
    assert meta.tags == ("Movies", "Film")
    assert meta.description == "What it is about."
    assert meta.url == "https://example.com/post"
    assert meta.format == "html"


def test_html_declared_charset_is_used() -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body>'
        "<p>Le caf\xe9 est tr\xe8s bon, dit-il, et tout le monde est d\x27accord l\xe0-dessus "
        "depuis des ann\xe9es, sans exception.</p></body></html>"
    ).encode("latin-1")
    loaded = article(load_bytes("page.html", page))
    assert loaded.title == "Café"
    assert "très bon" in loaded.document.text


def test_html_without_text_is_skipped() -> None:
    page = b"<html><head><script>x()</script></head><body><style>p{}</style> </body></html>"
    assert skipped(load_bytes("empty.html", page)) == "no article text found in the page"


def test_html_never_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the loader tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert article(load_bytes("page.html", PAGE.encode())).title == "The real title"


def test_huge_code_blocks_and_tables_are_cut_into_pieces_without_losing_text() -> None:
    from reader.core.loaders import MAX_CODE_LINES, MAX_TABLE_ROWS
    from reader.core.models import BlockKind

    lines = [f"x_{i} = {i}" for i in range(5_000)]
    code = load_bytes("big.md", ("```python\n" + "\n".join(lines) + "\n```\n").encode())
    pieces = code.document.blocks
    assert all(block.kind is BlockKind.CODE for block in pieces)
    assert all(block.text.count("\n") < MAX_CODE_LINES for block in pieces)
    assert "\n".join(block.text for block in pieces).split("\n") == lines

    rows = [f"| {i} | {i * 2} |" for i in range(1_000)]
    table = load_bytes("t.md", ("| a | b |\n|---|---|\n" + "\n".join(rows)).encode())
    parts = table.document.blocks
    assert all(part.rows[0] == ("a", "b") for part in parts)  # each piece keeps the header
    assert all(len(part.rows) <= MAX_TABLE_ROWS + 1 for part in parts)
    assert [row for part in parts for row in part.rows[1:]] == [
        (str(i), str(i * 2)) for i in range(1_000)
    ]


def test_a_huge_preformatted_block_is_cut_into_pieces_that_keep_text_and_links() -> None:
    from reader.core.loaders import MAX_CODE_LINES, bounded
    from reader.core.models import Block, BlockKind, Span, SpanKind

    lines = [f"{n:6d}   column   {n * 7:8d}" for n in range(3 * MAX_CODE_LINES + 5)]
    text = "\n".join(lines)
    target = text.index(lines[2 * MAX_CODE_LINES + 3])
    link = Span(target, target + 6, SpanKind.LINK, "https://example.org/")
    pieces = bounded(Block(BlockKind.PREFORMATTED, text, (link,)))
    assert len(pieces) == 4
    assert "\n".join(piece.text for piece in pieces) == text
    linked = [(piece.text[s.start : s.end], s.target) for piece in pieces for s in piece.spans]
    assert linked == [(text[target : target + 6], "https://example.org/")]
