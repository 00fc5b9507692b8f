"""Plain text as a reader sees it: titles, tags, captions, paragraphs and preserved layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.loaders import load_bytes, load_path
from reader.core.models import Article, Block, BlockKind

ARTICLES = Path(__file__).resolve().parents[2] / "articles"
RED_ROOMS = ARTICLES / "000_96f240a574451fba.txt"
PIRACY = ARTICLES / "004_b953ce4bd95ef384.txt"


def load_text(text: str, name: str = "note.txt") -> Article:
    result = load_bytes(name, text.encode("utf-8"))
    assert isinstance(result, Article), result
    return result


def kinds(article: Article) -> list[BlockKind]:
    return [block.kind for block in article.document.blocks]


def of_kind(article: Article, kind: BlockKind) -> list[Block]:
    return [block for block in article.document.blocks if block.kind is kind]


# --- the two seed articles ------------------------------------------------------------------


@pytest.fixture(scope="module")
def red_rooms() -> Article:
    result = load_path(RED_ROOMS)
    assert isinstance(result, Article), result
    return result


@pytest.fixture(scope="module")
def piracy() -> Article:
    result = load_path(PIRACY)
    assert isinstance(result, Article), result
    return result


def test_seed_title_from_short_first_line(red_rooms: Article) -> None:
    assert red_rooms.title == (
        "Pascal Plante’s Red Rooms is a transgressive, tension wrought serial killer cyber-thriller"
    )
    assert red_rooms.meta.format == "text"
    assert not red_rooms.document.text.startswith("Pascal Plante’s Red Rooms is")


def test_seed_categories_line_becomes_tags(red_rooms: Article, piracy: Article) -> None:
    assert red_rooms.meta.tags == ("Movies",)
    assert "Categories:" not in red_rooms.document.text
    assert piracy.meta.tags == ()


def test_seed_captions(red_rooms: Article) -> None:
    assert [block.text for block in of_kind(red_rooms, BlockKind.CAPTION)] == [
        "Screenshot 2024 07 23 At 75048pm",
        "Courtesy Nemesis Films",
        "Screenshot 2024 07 23 At 75058pm",
        "Courtesy Nemesis Films",
    ]
    last = red_rooms.document.blocks[-1]
    assert last.kind is BlockKind.PARAGRAPH
    assert last.text.startswith("Red Rooms is out in limited theatrical release")


def test_seed_is_never_markdown(red_rooms: Article, piracy: Article) -> None:
    assert "[Ed note: I can feel you walking away" in red_rooms.document.text
    assert "Don’t F**k with Cats" in piracy.document.text
    for seed in (red_rooms, piracy):
        assert all(not block.spans for block in seed.document.blocks)
        assert set(kinds(seed)) <= {BlockKind.PARAGRAPH, BlockKind.CAPTION}


def test_seed_title_from_first_sentence_when_first_line_is_a_paragraph(piracy: Article) -> None:
    assert piracy.title == (
        "No matter how hard movies like Hackers, Blackhat, and Unfriended may work to…"
    )
    assert piracy.title.startswith("No matter how hard movies like Hackers")
    assert "004_b953ce4bd95ef384" not in piracy.title


def test_seed_unwrapped_lines_are_paragraphs(piracy: Article) -> None:
    lines = [line for line in PIRACY.read_text().split("\n") if line.strip()]
    assert len(piracy.document.blocks) == len(lines)
    assert piracy.document.blocks[0].text == lines[0]


# --- paragraphs and layout ------------------------------------------------------------------

WRAPPED = """\
A Title

This is a hard-wrapped paragraph of prose, as found in Project Gutenberg
books and RFCs, where every line is broken at about seventy characters
and the reader should see it joined into one flowing paragraph again.

A second paragraph follows after a blank line, and it is also wrapped at
the same width so that the document has a clear wrap width to measure by
and a self-
contained hyphenated word.

  To men a man is but a mind.  Who cares
  What face he carries or what form he wears?

Table of Contents

   1   Introduction ...................................................7
   1.1    Purpose......................................................7
   2   Notational Conventions .........................................14

    def reading_minutes(words: int) -> int:
        return max(1, round(words / 230))

- first item of a list
- second item that is long enough to wrap onto
  a continuation line
"""


@pytest.fixture(scope="module")
def wrapped() -> Article:
    return load_text(WRAPPED)


def test_hard_wrapped_prose_is_joined(wrapped: Article) -> None:
    first = wrapped.document.blocks[0]
    assert first.kind is BlockKind.PARAGRAPH
    assert "\n" not in first.text
    assert first.text.startswith("This is a hard-wrapped paragraph of prose, as found in Project")
    assert "self-contained" in wrapped.document.blocks[1].text


def test_verse_keeps_its_line_breaks(wrapped: Article) -> None:
    verse = wrapped.document.blocks[2]
    assert verse.text == (
        "To men a man is but a mind.  Who cares\nWhat face he carries or what form he wears?"
    )


def test_table_of_contents_is_preformatted(wrapped: Article) -> None:
    toc = of_kind(wrapped, BlockKind.PREFORMATTED)[0]
    assert toc.text.split("\n")[1] == (
        "   1.1    Purpose......................................................7"
    )
    assert not of_kind(wrapped, BlockKind.CODE)  # plain text never claims to be code


def test_indented_code_is_preformatted(wrapped: Article) -> None:
    code = of_kind(wrapped, BlockKind.PREFORMATTED)[1]
    assert code.text == (
        "    def reading_minutes(words: int) -> int:\n        return max(1, round(words / 230))"
    )


def test_list_items_keep_their_own_lines(wrapped: Article) -> None:
    items = of_kind(wrapped, BlockKind.LIST_ITEM)
    assert [(item.marker, item.level, item.text) for item in items] == [
        ("•", 0, "first item of a list"),
        ("•", 0, "second item that is long enough to wrap onto a continuation line"),
    ]


def test_headings_are_conservative(wrapped: Article) -> None:
    assert not of_kind(wrapped, BlockKind.HEADING)  # "Table of Contents" is not Title Case proof


def test_numbered_and_setext_headings() -> None:
    loaded = load_text(
        "Spec\n\nAbstract\n========\n\nSome text that is long enough to be a paragraph here.\n\n"
        "1.2 Requirements\n\nMore text that is long enough to be a paragraph here.\n"
    )
    assert [(block.text, block.level) for block in of_kind(loaded, BlockKind.HEADING)] == [
        ("Abstract", 1),
        ("1.2 Requirements", 3),
    ]
    assert not of_kind(loaded, BlockKind.RULE)


def test_short_lines_are_not_all_captions() -> None:
    loaded = load_text("Title\n\nYes.\n\nI see\n\nA long paragraph. " * 3)
    assert not of_kind(loaded, BlockKind.CAPTION)


def test_photo_credit_lines_are_captions() -> None:
    loaded = load_text(
        "Title\n\nA paragraph of text that ends properly.\n\nPhoto: Jane Doe/Agency\n\n"
        "Image credit Some Studio\n\nAnother paragraph that ends properly.\n"
    )
    assert [block.text for block in of_kind(loaded, BlockKind.CAPTION)] == [
        "Photo: Jane Doe/Agency",
        "Image credit Some Studio",
    ]


# --- titles and metadata ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("Short title\n\nBody.\n", "x.txt", "Short title"),
        (
            "A first line that ends in a full stop.\n\nBody.\n",
            "x.txt",
            "A first line that ends in a full stop",
        ),
        ("\n\n   \nIndented title\n\nBody.\n", "x.txt", "Indented title"),
        (
            "PEP: 20\nTitle: The Zen of Python\nAuthor: Tim\n\nBody.\n",
            "pep.txt",
            "The Zen of Python",
        ),
        ("Short. " + "word " * 100, "004_b953ce4bd95ef384.txt", "Short"),
        ("---\n\n***\n", "my-first_post.txt", "My first post"),
        ("---\n\n***\n", "004_b953ce4bd95ef384.txt", "Untitled"),
        ("Fish &amp; chips &#8212; AT&T\n\nBody.\n", "x.txt", "Fish & chips — AT&T"),
        ("Notes\n=====\n\nBody.\n", "x.txt", "Notes"),
    ],
)
def test_titles(text: str, name: str, title: str) -> None:
    assert load_text(text, name).title == title


def test_a_one_line_file_keeps_its_line_as_the_body() -> None:
    loaded = load_text("Just one line\n")
    assert loaded.title == "Just one line"
    assert loaded.document.text == "Just one line"


def test_long_first_sentence_is_shortened_at_a_word() -> None:
    title = load_text("word " * 100, "my-first_post.txt").title
    assert title == ("word " * 15).strip() + "…"


def test_centred_title_near_the_top() -> None:
    loaded = load_text(
        "Network Working Group                                      R. Fielding\n"
        "Request for Comments: 2616                                   UC Irvine\n\n\n"
        "                Hypertext Transfer Protocol -- HTTP/1.1\n\n"
        "Status of this Memo\n\n   This document specifies a protocol.\n"
    )
    assert loaded.title == "Hypertext Transfer Protocol -- HTTP/1.1"
    assert loaded.document.blocks[0].kind is BlockKind.PREFORMATTED


def test_byline_and_date_lines() -> None:
    loaded = load_text("The Title\nBy Jane Doe\n\nDate: July 23, 2024\n\nBody text.\n")
    assert loaded.meta.author == "Jane Doe"
    assert loaded.meta.date is not None and loaded.meta.date.day == 23
    assert "By Jane Doe" not in loaded.document.text


def test_tags_lines_at_the_end() -> None:
    loaded = load_text("Title\n\nBody.\n\nTags: a, b; c\nCategories: Movies\n\n")
    assert loaded.meta.tags == ("a", "b", "c", "Movies")
    assert loaded.document.text == "Body."


def test_aozora_title_author_and_ruby() -> None:
    body = "　ある日の暮方《くれがた》の事である。｜一人の下人《げにん》が待っていた。"
    text = f"羅生門\n芥川龍之介\n\n{body}\n"
    loaded = load_text(text)
    assert loaded.title == "羅生門"
    assert loaded.meta.author == "芥川龍之介"
    assert loaded.document.text == "ある日の暮方の事である。一人の下人が待っていた。"


def test_chinese_book_title_marks_are_kept() -> None:
    loaded = load_text("读书\n\n我喜欢《红楼梦》这本书。\n")
    assert "《红楼梦》" in loaded.document.text
