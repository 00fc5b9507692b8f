"""Plain text laid out in fixed columns keeps its layout (issue "Faithful articles", part 3).

RFC pages lose their page furniture, tables and diagrams become PREFORMATTED blocks exactly as
written, lists keep their markers and hanging indents, setext underlines make headings, and
ordinary hard-wrapped prose is still joined into paragraphs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.loaders import load_bytes, load_path
from reader.core.models import Article, Block, BlockKind

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "articles"


def load_text(text: str, name: str = "note.txt") -> Article:
    result = load_bytes(name, text.encode("utf-8"))
    assert isinstance(result, Article), result
    return result


def of_kind(article: Article, kind: BlockKind) -> list[Block]:
    return [block for block in article.document.blocks if block.kind is kind]


def block_with(article: Article, needle: str) -> Block:
    return next(block for block in article.document.blocks if needle in block.text)


# --- RFC-style pages ------------------------------------------------------------------------

RFC_ABNF = (
    "       Status-Code    =\n"
    '            "100"  ; Section 10.1.1: Continue\n'
    '          | "101"  ; Section 10.1.2: Switching Protocols\n'
    '          | "200"  ; Section 10.2.1: OK'
)

RFC_PAGES = f"""\
Network Working Group                                        J. Example
Request for Comments: 9999                                  Example Org
Category: Informational                                      March 2024


                    The Example Transfer Protocol

Status of This Memo

   This memo provides information for the Internet community.  It does
   not specify an Internet standard of any kind.

1.  Introduction

   The Example Transfer Protocol moves examples from one place to
   another place, and this paragraph is long enough that it runs on to
   the next page of the document, where it continues after the page



Example                       Informational                     [Page 1]
\f
RFC 9999                 Example Transfer Protocol              March 2024


   break without a blank line of its own.

1.2.  Requirements

{RFC_ABNF}

   The steps are:

   1.  Open a connection to the server and send the request line,
       followed by the header fields.

   2.  Read the response.



Example                       Informational                     [Page 2]
\f
RFC 9999                 Example Transfer Protocol              March 2024


2.  Security Considerations

   None at all.
"""


@pytest.fixture(scope="module")
def rfc() -> Article:
    return load_text(RFC_PAGES, "rfc9999.txt")


def test_rfc_page_furniture_is_dropped(rfc: Article) -> None:
    text = rfc.document.text
    assert "[Page" not in text
    assert "\f" not in text
    assert "RFC 9999                 Example Transfer Protocol" not in text
    assert "Example                       Informational" not in text


def test_rfc_paragraph_cut_by_a_page_break_is_joined(rfc: Article) -> None:
    paragraph = block_with(rfc, "The Example Transfer Protocol moves")
    assert paragraph.kind is BlockKind.PARAGRAPH
    assert paragraph.text.endswith(
        "where it continues after the page break without a blank line of its own."
    )


def test_rfc_section_headings_are_headings_across_pages(rfc: Article) -> None:
    headings = [(block.text, block.level) for block in of_kind(rfc, BlockKind.HEADING)]
    assert headings == [
        ("Status of This Memo", 2),
        ("1.  Introduction", 2),
        ("1.2.  Requirements", 3),
        ("2.  Security Considerations", 2),
    ]
    assert rfc.title == "The Example Transfer Protocol"
    blocks = rfc.document.blocks
    after_break = blocks.index(block_with(rfc, "1.2.  Requirements"))
    assert blocks[after_break - 1].text.startswith("The Example Transfer Protocol moves")


def test_rfc_grammar_and_header_keep_their_columns(rfc: Article) -> None:
    preformatted = [block.text for block in of_kind(rfc, BlockKind.PREFORMATTED)]
    assert RFC_ABNF in preformatted
    assert preformatted[0].startswith("Network Working Group                 ")
    assert not of_kind(rfc, BlockKind.CODE)


def test_rfc_numbered_steps_are_list_items(rfc: Article) -> None:
    items = [(item.marker, item.level, item.text) for item in of_kind(rfc, BlockKind.LIST_ITEM)]
    assert items == [
        (
            "1.",
            0,
            "Open a connection to the server and send the request line, followed by the "
            "header fields.",
        ),
        ("2.", 0, "Read the response."),
    ]


def test_form_feeds_alone_make_pages() -> None:
    page = "A paragraph of words that ends here.\n\n" * 3
    footer = "Someone                     Informational                 [Page {}]\n"
    text = "A Title\n\n" + page + footer.format(1) + "\f\n" + page + footer.format(2)
    loaded = load_text(text)
    assert "[Page" not in loaded.document.text
    assert [block.kind for block in loaded.document.blocks] == [BlockKind.PARAGRAPH] * 6


# --- tables and diagrams --------------------------------------------------------------------

BOXED_TABLE = """\
    +--------+-------+----------+
    | Method | Safe  | Cacheable |
    +--------+-------+----------+
    | GET    | yes   | yes      |
    | POST   | no    | rarely   |
    +--------+-------+----------+"""

PLAIN_TABLE = """\
Name        Born   Country
Ada         1815   England
Grace       1906   United States"""

NARROW_TABLE = """\
Tool  Kind  Year
make  build  1976
cron  timer  1975"""

DIAGRAM = """\
      Client                Server
        |   SYN               |
        |-------------------->|
        |   SYN+ACK           |
        |<--------------------|"""

TABLES = f"""\
Tables in a saved note

Some prose before the tables, wrapped at the usual width of a text file so
that the document has a wrap width to measure.

{BOXED_TABLE}

{PLAIN_TABLE}

{NARROW_TABLE}

{DIAGRAM}

And some prose after them, which is still an ordinary paragraph of words
that reads on from one line to the next.
"""


@pytest.fixture(scope="module")
def tables() -> Article:
    return load_text(TABLES)


@pytest.mark.parametrize("layout", [BOXED_TABLE, PLAIN_TABLE, NARROW_TABLE, DIAGRAM])
def test_tables_and_diagrams_are_preformatted_exactly(tables: Article, layout: str) -> None:
    block = block_with(tables, layout.split("\n")[1].strip())
    assert block.kind is BlockKind.PREFORMATTED
    assert block.text == layout


def test_prose_around_tables_is_still_prose(tables: Article) -> None:
    paragraphs = [block.text for block in of_kind(tables, BlockKind.PARAGRAPH)]
    assert paragraphs == [
        "Some prose before the tables, wrapped at the usual width of a text file so that the "
        "document has a wrap width to measure.",
        "And some prose after them, which is still an ordinary paragraph of words that reads "
        "on from one line to the next.",
    ]


def test_long_preformatted_runs_are_cut_into_bounded_blocks() -> None:
    rows = "\n".join(f"row {index:05}      value {index:05}      more" for index in range(450))
    loaded = load_text(f"Big table\n\n{rows}\n")
    pieces = of_kind(loaded, BlockKind.PREFORMATTED)
    assert [piece.text.count("\n") + 1 for piece in pieces] == [200, 200, 50]
    assert "\n".join(piece.text for piece in pieces) == rows


LITERAL_CODE = """\
    def foo():
        \"\"\"
        This is the second line of the docstring.
        \"\"\""""


def test_indented_block_after_double_colon_is_preformatted() -> None:
    text = (
        "Docstrings\n\nThe docstring in this example is three lines long::\n\n"
        f"{LITERAL_CODE}\n\n    x = foo()\n\nBack to prose after the example.\n"
    )
    loaded = load_text(text)
    assert [(block.kind, block.text) for block in loaded.document.blocks] == [
        (BlockKind.PARAGRAPH, "The docstring in this example is three lines long::"),
        (BlockKind.PREFORMATTED, LITERAL_CODE),
        (BlockKind.PREFORMATTED, "    x = foo()"),
        (BlockKind.PARAGRAPH, "Back to prose after the example."),
    ]


# --- prose stays prose ----------------------------------------------------------------------

GUTENBERG_STYLE = """\
THE TALE

  It was a bright cold day in April, and the clocks were striking.  The
hero walked home.  He was tired, and the wind was sharp, and the road
went on.  Dust swirled.  He did not stop to look at the shops or at the
people who stood about in the doorways.
  The second paragraph starts with an indent of its own, as books do,
and its lines are wrapped at the same width as the first one was, so it
reads as prose.
"""


def test_hard_wrapped_prose_with_double_spaces_is_reflowed() -> None:
    loaded = load_text(GUTENBERG_STYLE)
    assert [block.kind for block in loaded.document.blocks] == [BlockKind.PARAGRAPH] * 2
    first, second = (block.text for block in loaded.document.blocks)
    assert first.startswith("It was a bright cold day in April, and the clocks were striking. The")
    assert first.endswith("stood about in the doorways.")
    assert second.startswith("The second paragraph starts with an indent of its own")
    assert "\n" not in first + second


# --- lists ----------------------------------------------------------------------------------

LISTS = """\
Shopping

Before the lists, a paragraph that is long enough to be a paragraph of
prose and not a heading.

1. Buy flour from the shop on the corner, the one with the green door
   and the bell that rings.
2. Buy eggs.
   a) Brown ones if they have them, white ones
      otherwise.
   b) A dozen.

The things to take:
- a bag
- the list itself, written out on the back of an envelope so that it
  is not forgotten
* money
"""


def test_numbered_and_bulleted_items_keep_their_hanging_indent() -> None:
    loaded = load_text(LISTS)
    items = [(item.marker, item.level, item.text) for item in of_kind(loaded, BlockKind.LIST_ITEM)]
    assert items == [
        (
            "1.",
            0,
            "Buy flour from the shop on the corner, the one with the green door and the bell "
            "that rings.",
        ),
        ("2.", 0, "Buy eggs."),
        ("a)", 1, "Brown ones if they have them, white ones otherwise."),
        ("b)", 1, "A dozen."),
        ("•", 0, "a bag"),
        (
            "•",
            0,
            "the list itself, written out on the back of an envelope so that it is not forgotten",
        ),
        ("•", 0, "money"),
    ]
    assert block_with(loaded, "The things to take:").kind is BlockKind.PARAGRAPH


def test_numbered_lines_apart_are_a_list_not_headings() -> None:
    loaded = load_text("Steps\n\n1. Preheat the oven.\n\n2. Mix the batter.\n\n3. Bake it.\n")
    assert [(b.kind, b.marker, b.text) for b in loaded.document.blocks] == [
        (BlockKind.LIST_ITEM, "1.", "Preheat the oven."),
        (BlockKind.LIST_ITEM, "2.", "Mix the batter."),
        (BlockKind.LIST_ITEM, "3.", "Bake it."),
    ]


# --- setext headings ------------------------------------------------------------------------


def test_setext_title_leaves_no_stray_rule() -> None:
    loaded = load_text("My Notes\n========\n\nThe body of the notes, one sentence long.\n")
    assert loaded.title == "My Notes"
    assert [block.kind for block in loaded.document.blocks] == [BlockKind.PARAGRAPH]
    assert "===" not in loaded.document.text


def test_setext_underlines_make_headings_by_level() -> None:
    text = (
        "Title line\n\nA paragraph of text that is long enough to be prose here.\n\n"
        "Part One\n========\nText right under the underline, with no blank line.\n\n"
        "A Section\n---------\n\nMore text.\n"
    )
    loaded = load_text(text)
    assert [(b.kind, b.text, b.level) for b in loaded.document.blocks[1:]] == [
        (BlockKind.HEADING, "Part One", 1),
        (BlockKind.PARAGRAPH, "Text right under the underline, with no blank line.", 0),
        (BlockKind.HEADING, "A Section", 2),
        (BlockKind.PARAGRAPH, "More text.", 0),
    ]
    assert not of_kind(loaded, BlockKind.RULE)


# --- IETF titles ----------------------------------------------------------------------------

DRAFT = """\



HTTPbis Working Group                                   R. Fielding, Ed.
Internet-Draft                                                     Adobe
Obsoletes: 2145,2616 (if approved)                       J. Reschke, Ed.
Intended status: Standards Track                        February 6, 2014
Expires: August 10, 2014


     Hypertext Transfer Protocol (HTTP/1.1): Message Syntax and Routing
                   draft-ietf-httpbis-p1-messaging-26

Abstract

   The Hypertext Transfer Protocol (HTTP) is a stateless application-
   level protocol for distributed, collaborative, hypertext information
   systems.
"""

TWO_LINE_DRAFT = """\
Network Working Group                                         A. Author
Internet-Draft                                              Example Inc.
Intended status: Informational                              May 1, 2020
Expires: November 2, 2020


          A Rather Long Title for a Document That Needs Two Lines
                              to Say It All
                    draft-author-long-title-example-03

Abstract

   This document has a title on two centred lines.
"""


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (DRAFT, "Hypertext Transfer Protocol (HTTP/1.1): Message Syntax and Routing"),
        (
            TWO_LINE_DRAFT,
            "A Rather Long Title for a Document That Needs Two Lines to Say It All",
        ),
    ],
)
def test_ietf_draft_title_is_its_centred_title(text: str, title: str) -> None:
    loaded = load_text(text, "draft-ietf-httpbis-p1-messaging-26.txt")
    assert loaded.title == title
    assert "draft-" not in loaded.title and "…" not in loaded.title
    assert loaded.document.blocks[0].kind is BlockKind.PREFORMATTED  # the header block


# --- the shared corpus ----------------------------------------------------------------------

corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def _corpus_article(name: str) -> Article:
    result = load_path(CORPUS / name)
    assert isinstance(result, Article), result
    return result


@corpus
def test_corpus_rfc_2616_is_preformatted_with_headings() -> None:
    rfc = _corpus_article("rfc_rfc2616.txt")
    kinds = {block.kind for block in rfc.document.blocks}
    assert {BlockKind.PREFORMATTED, BlockKind.HEADING, BlockKind.PARAGRAPH} <= kinds
    assert BlockKind.CODE not in kinds
    assert "[Page" not in rfc.document.text
    toc = block_with(rfc, "Introduction .....")
    assert toc.kind is BlockKind.PREFORMATTED
    assert toc.text.startswith("   1   Introduction ....")
    grammar = block_with(rfc, "Status-Code    =")
    assert grammar.kind is BlockKind.PREFORMATTED
    assert '\n            "100"  ; Section 10.1.1: Continue\n' in grammar.text
    purpose = block_with(rfc, "The Hypertext Transfer Protocol (HTTP) is an application-level")
    assert purpose.kind is BlockKind.PARAGRAPH and "\n" not in purpose.text
    headings = [block.text for block in of_kind(rfc, BlockKind.HEADING)]
    assert {"1.1 Purpose", "1.2 Requirements", "3.6.1 Chunked Transfer Coding"} <= set(headings)


@corpus
@pytest.mark.parametrize(
    ("name", "opening"),
    [("gutenberg_972.txt", "ABASEMENT, n."), ("gutenberg_22367-8.txt", "Als Gregor Samsa")],
)
def test_corpus_gutenberg_text_is_still_paragraphs(name: str, opening: str) -> None:
    book = _corpus_article(name)
    blocks = book.document.blocks
    prose = [block for block in blocks if block.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE)]
    assert len(prose) >= 0.9 * len(blocks)
    assert len(of_kind(book, BlockKind.PREFORMATTED)) <= 3
    long = [block for block in prose if len(block.text) > 300]
    joined = [block for block in long if "\n" not in block.text]  # the rest is verse
    assert len(joined) >= 0.8 * len(long)
    first = block_with(book, opening)
    assert first.kind is BlockKind.PARAGRAPH and "\n" not in first.text
    royalty = block_with(book, "You pay a royalty fee of 20%")  # "- You pay …" in the licence
    assert (royalty.kind, royalty.marker) == (BlockKind.LIST_ITEM, "•")
