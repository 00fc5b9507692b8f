"""Markdown to Document: what each construct shows, chunked parsing, and hostile input."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.loaders import markdown_doc
from reader.core.loaders.markdown_doc import iter_markdown_blocks, parse_markdown
from reader.core.models import Block, BlockKind, Document, SpanKind

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "articles"
FRONT_MATTER = re.compile(r"\A(?:---\n.*?\n---|\+\+\+\n.*?\n\+\+\+)[ \t]*(?:\n|\Z)", re.DOTALL)

H, P, LI, Q = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE


def shown(source: str) -> list[tuple[BlockKind, str]]:
    return [(block.kind, block.text) for block in parse_markdown(source).blocks]


def styled(doc: Document) -> list[tuple[SpanKind, str, str]]:
    """Every span as (kind, the words it covers in `Document.text`, target)."""
    found = []
    for block, start in zip(doc.blocks, doc.block_starts, strict=True):
        for span in block.spans:
            words = doc.text[start + span.start : start + span.end]
            found.append((span.kind, words, span.target))
    return found


def assert_spans_in_bounds(blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        for span in block.spans:
            assert 0 <= span.start < span.end <= len(block.text), (block, span)


TEXT_CASES = [
    ("# Title", [(H, "Title")]),
    ("Setext\n======", [(H, "Setext")]),
    ("one\ntwo", [(P, "one two")]),  # softbreak: a space
    ("one  \ntwo", [(P, "one\ntwo")]),  # hardbreak: a newline
    ("one\\\ntwo", [(P, "one\ntwo")]),
    ("one\r\ntwo\r\n\r\n```\r\ncode\r\n```", [(P, "one two"), (BlockKind.CODE, "code")]),
    ("see ![a cat](cat.png) here", [(P, "see [image: a cat] here")]),
    ("Press <kbd>Ctrl</kbd>+<kbd>C</kbd>", [(P, "Press Ctrl+C")]),
    ("line<br>next", [(P, "line\nnext")]),
    ("a<!-- hidden -->b", [(P, "ab")]),
    ("<!-- a comment\n\nover lines -->\n\nafter", [(P, "after")]),
    ("<details><summary>x</summary>\n\nbody\n\n</details>", [(P, "x"), (P, "body")]),
    ("<div>\n<p>Hello <b>there</b></p>\n</div>", [(P, "Hello there")]),
    ("<script>alert(1)</script>\n\nsafe", [(P, "safe")]),
    ("&amp; &copy; &#65;", [(P, "& © A")]),
    ("> quoted *words*", [(Q, "quoted words")]),
    ("> # Heading in quote\n> - item in quote", [(Q, "Heading in quote"), (Q, "• item in quote")]),
    ("- \n- real", [(LI, "real")]),  # an empty item shows nothing
    ("<div></div>", []),
    ("", []),
    ("   \n\n  ", []),
]


@pytest.mark.parametrize(("source", "expected"), TEXT_CASES)
def test_block_kinds_and_text(source: str, expected: list[tuple[BlockKind, str]]) -> None:
    assert shown(source) == expected


SPAN_CASES = [
    ("# A *b* c", [(SpanKind.EMPHASIS, "b", "")]),
    ("**bold** and `code`", [(SpanKind.STRONG, "bold", ""), (SpanKind.CODE, "code", "")]),
    ("~~gone~~ text", [(SpanKind.STRIKE, "gone", "")]),
    (
        "read [the docs](https://example.com/x)",
        [(SpanKind.LINK, "the docs", "https://example.com/x")],
    ),
    ("[run](javascript:alert(1))", [(SpanKind.LINK, "run", "javascript:alert(1)")]),
    ("[f](file:///etc/passwd)", [(SpanKind.LINK, "f", "file:///etc/passwd")]),
    ("[d](data:text/html;base64,PHA+)", [(SpanKind.LINK, "d", "data:text/html;base64,PHA+")]),
    ("[ü](<https://例え.jp/ä b>)", [(SpanKind.LINK, "ü", "https://例え.jp/ä b")]),  # not encoded
    ("<https://x.org/a%20b>", [(SpanKind.LINK, "https://x.org/a%20b", "https://x.org/a%20b")]),
    ("<me@example.com>", [(SpanKind.LINK, "me@example.com", "mailto:me@example.com")]),
    ("see ![a cat](cat.png)", [(SpanKind.LINK, "[image: a cat]", "cat.png")]),
    ("[*deep* link](u)", [(SpanKind.LINK, "deep link", "u"), (SpanKind.EMPHASIS, "deep", "")]),
    ("- item with [a link](u)", [(SpanKind.LINK, "a link", "u")]),
    ("> quoted [link](u)", [(SpanKind.LINK, "link", "u")]),
    ("> - listed [link](u)", [(SpanKind.LINK, "link", "u")]),  # after the "• " prefix
    ("- [ ] task [link](u)", [(SpanKind.LINK, "link", "u")]),  # after the checkbox is removed
    ("para\n\n# Second *em*", [(SpanKind.EMPHASIS, "em", "")]),  # offsets past block 0
]


@pytest.mark.parametrize(("source", "expected"), SPAN_CASES)
def test_span_offsets_cover_the_visible_words(source: str, expected: list) -> None:
    assert styled(parse_markdown(source)) == expected


def test_heading_levels() -> None:
    doc = parse_markdown("# One\n\n### Three\n\n###### Six")
    assert [(b.kind, b.level) for b in doc.blocks] == [(H, 1), (H, 3), (H, 6)]


def test_image_paragraph_becomes_image_block_and_is_never_fetched() -> None:
    alt, bare = parse_markdown("![A *red* barn](https://img.example/barn.png)\n\n![](x.png)").blocks
    assert (alt.kind, alt.text, alt.marker) == (
        BlockKind.IMAGE,
        "A red barn",
        "https://img.example/barn.png",
    )
    assert (bare.kind, bare.text, bare.marker) == (BlockKind.IMAGE, "image", "x.png")


def test_reference_links_resolve() -> None:
    doc = parse_markdown("Read [the spec][s] and [S].\n\n[s]: https://spec.example/ 'Spec'")
    assert styled(doc) == [
        (SpanKind.LINK, "the spec", "https://spec.example/"),
        (SpanKind.LINK, "S", "https://spec.example/"),
    ]


def list_shape(source: str) -> list[tuple[str, str, int, str]]:
    return [(b.kind.value, b.text, b.level, b.marker) for b in parse_markdown(source).blocks]


def test_bullets_change_with_depth() -> None:
    source = "- one\n  - two\n    - three\n      - four\n- back"
    assert list_shape(source) == [
        ("list_item", "one", 0, "•"),
        ("list_item", "two", 1, "◦"),
        ("list_item", "three", 2, "▪"),
        ("list_item", "four", 3, "•"),
        ("list_item", "back", 0, "•"),
    ]


def test_ordered_list_respects_start_and_nests_bullets() -> None:
    assert list_shape("7. seven\n8. eight\n   * inner") == [
        ("list_item", "seven", 0, "7."),
        ("list_item", "eight", 0, "8."),
        ("list_item", "inner", 1, "◦"),
    ]


def test_task_list_items_show_checkboxes() -> None:
    assert list_shape("- [ ] todo\n- [x] done\n- [X] also") == [
        ("list_item", "todo", 0, "☐"),
        ("list_item", "done", 0, "☑"),
        ("list_item", "also", 0, "☑"),
    ]


def test_continuation_paragraph_and_code_in_a_list_item() -> None:
    source = "1. first\n\n   more of first\n\n   ```sh\n   ls -l\n   ```\n2. second"
    assert list_shape(source) == [
        ("list_item", "first", 0, "1."),
        ("list_item", "more of first", 0, ""),
        ("code", "ls -l", 0, ""),
        ("list_item", "second", 0, "2."),
    ]


def test_quote_depth_and_one_block_per_paragraph() -> None:
    doc = parse_markdown("> outer\n>\n> second\n>> inner")
    assert [(b.kind, b.text, b.level) for b in doc.blocks] == [
        (Q, "outer", 0),
        (Q, "second", 0),
        (Q, "inner", 1),
    ]


def test_code_blocks_keep_language_and_lines() -> None:
    fenced, tilde, indented = parse_markdown(
        "```python {.numbered}\nx = 1\n\n# comment\n```\n\n"
        "~~~\nplain\n~~~\n\n    indented\n      more\n"
    ).blocks
    assert (fenced.kind, fenced.language, fenced.text) == (
        BlockKind.CODE,
        "python",
        "x = 1\n\n# comment",
    )
    assert (tilde.language, tilde.text) == ("", "plain")
    assert (indented.kind, indented.text) == (BlockKind.CODE, "indented\n  more")


def test_table_rows_are_plain_cells() -> None:
    (table,) = parse_markdown(
        "| Name | *Role* |\n|---|:-:|\n| **Ada** | [maths](u) `x` |\n| Bob | |"
    ).blocks
    assert table.kind is BlockKind.TABLE
    assert table.rows == (("Name", "Role"), ("Ada", "maths x"), ("Bob", ""))
    assert table.text == "Name\tRole\nAda\tmaths x\nBob\t"


def test_footnotes_link_to_definitions_where_they_are() -> None:
    doc = parse_markdown(
        "Claim[^src] here.\n\n[^src]: A source.\n\n    Second paragraph.\n\nAfter."
    )
    claim, note, more, after = doc.blocks
    assert claim.text == "Claim[src] here."
    assert styled(doc)[0] == (SpanKind.LINK, "[src]", "#fn-src")
    assert (note.kind, note.marker, note.text) == (BlockKind.FOOTNOTE, "src", "A source.")
    assert (more.kind, more.marker, more.text) == (BlockKind.FOOTNOTE, "", "Second paragraph.")
    assert after.kind is P


def test_undefined_footnote_stays_literal() -> None:
    assert shown("See [^nowhere].") == [(P, "See [^nowhere].")]


def test_rule_is_kept_with_empty_text() -> None:
    assert shown("above\n\n---\n\nbelow") == [(P, "above"), (BlockKind.RULE, ""), (P, "below")]


def test_document_text_joins_blocks() -> None:
    assert parse_markdown("# T\n\nbody *x*\n\n- item").text == "T\n\nbody x\n\nitem"


# --- chunked parsing ---------------------------------------------------------------------------

SAMPLE = """\
## Section

A paragraph citing [the spec][spec] and a note[^note]. Some more words to fill the line.

```python
# not a heading

def f():

    return 1
```

1. first

2. second

<!-- a comment

# hidden heading -->

| a | b |
|---|---|
| 1 | 2 |

> quoted
"""
TAIL = "\n[spec]: https://spec.example/\n\n[^note]: The note.\n"
CODE = "# not a heading\n\ndef f():\n\n    return 1"


@pytest.fixture(scope="module")
def big_source() -> str:
    return SAMPLE * (1_000_000 // len(SAMPLE)) + TAIL


@pytest.fixture(scope="module")
def big_chunks(big_source: str) -> list[tuple[Block, ...]]:
    return list(iter_markdown_blocks(big_source))


def test_a_megabyte_arrives_in_many_chunks_equal_to_the_whole(big_source, big_chunks) -> None:
    assert len(big_chunks) > 10
    assert parse_markdown(big_source).blocks == tuple(b for chunk in big_chunks for b in chunk)


def test_the_first_chunk_comes_from_a_small_prefix(big_chunks) -> None:
    first_text = sum(len(block.text) for block in big_chunks[0])
    assert 2_000 < first_text < 20_000


def test_fenced_code_is_never_split_or_read_as_markdown(big_chunks) -> None:
    blocks = [b for chunk in big_chunks for b in chunk]
    codes = [b for b in blocks if b.kind is BlockKind.CODE]
    assert codes and all(b.text == CODE for b in codes)
    assert not any("not a heading" in b.text or "hidden" in b.text for b in blocks if b.kind is H)
    items = [b.marker for b in blocks if b.kind is LI]
    assert set(items) == {"1.", "2."}  # a loose list split across chunks would renumber


def test_definitions_at_the_end_resolve_in_the_first_chunk(big_chunks) -> None:
    links = styled(Document(big_chunks[0]))
    assert (SpanKind.LINK, "the spec", "https://spec.example/") in links
    assert (SpanKind.LINK, "[note]", "#fn-note") in links
    assert big_chunks[-1][-1] == Block(BlockKind.FOOTNOTE, "The note.", marker="note")


TRICKY = """\
Para one.

3. loose

4. list

   continued

<pre>
keep

  this
</pre>

~~~
tilde

# fence
~~~

    indented

    code

<!--

comment -->

[^n]: note

    more note

Text[^n] and [ref].

[ref]: /r
"""


def test_cutting_at_every_safe_place_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = parse_markdown(TRICKY * 3)
    monkeypatch.setattr(markdown_doc, "FIRST_CHUNK", 1)
    monkeypatch.setattr(markdown_doc, "CHUNK", 1)
    chunks = list(iter_markdown_blocks(TRICKY * 3))
    assert len(chunks) > 10
    assert tuple(b for chunk in chunks for b in chunk) == whole.blocks


# --- totality ----------------------------------------------------------------------------------

HOSTILE = {
    "deep quotes": ">" * 10_000 + " deep",
    "deep lists": "- " * 5_000 + "deep",
    "open brackets": "[" * 10_000 + "deep",
    "link soup": "[a](" * 5_000 + "deep",
    "emphasis soup": "*_" * 5_000 + "deep",
    "unbalanced fences": "```\ncode\n\n~~~\n```` deep\n" * 50,
    "unclosed comment": "<!--\n\n# deep",
    "raw html soup": "<div>" * 5_000 + "deep",
    "definitions soup": "[a]: <" * 2_000 + "deep",
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_never_raises_or_loses_text(source: str) -> None:
    doc = parse_markdown(source)
    assert "deep" in doc.text
    assert_spans_in_bounds(doc.blocks)


def test_control_characters_are_kept_for_the_sanitiser() -> None:
    doc = parse_markdown("a\x00b\x1b[31mc\n\n```\n\x1b]0;x\x07\n```")
    assert [b.text for b in doc.blocks] == ["a\x00b\x1b[31mc", "\x1b]0;x\x07"]


def test_huge_table_and_code_block_are_fast() -> None:
    table = "| a | b |\n|---|---|\n" + "| *1* | `2` |\n" * 5_000
    code = "```\n" + "x = 1\n" * 20_000 + "```\n"
    started = time.perf_counter()
    (tbl,) = parse_markdown(table).blocks
    (cod,) = parse_markdown(code).blocks
    assert time.perf_counter() - started < 3  # about a second on a loaded 2-core machine
    assert len(tbl.rows) == 5_001 and tbl.rows[-1] == ("1", "2")
    assert cod.text.count("\n") == 19_999


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("#*_`~[]()!<>|-+:^ \n\t\\&;1aA\x00\x1b")), max_size=300)
)
def test_any_string_gives_a_document_with_valid_spans(source: str) -> None:
    doc = parse_markdown(source)
    assert_spans_in_bounds(doc.blocks)
    assert all(b.text or b.kind is BlockKind.RULE for b in doc.blocks)


# --- the shared corpus -------------------------------------------------------------------------


def corpus_markdown() -> list[Path]:
    return sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.skipif(not corpus_markdown(), reason="shared corpus not present")
def test_every_corpus_article_parses_to_text() -> None:
    for path in corpus_markdown():
        source = FRONT_MATTER.sub("", path.read_text(encoding="utf-8", errors="replace"))
        doc = parse_markdown(source)
        assert doc.text.strip(), path.name
        assert_spans_in_bounds(doc.blocks)
