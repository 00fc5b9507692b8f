"""Anchoring: a highlight finds its passage again after the article's text was edited."""

from __future__ import annotations

import random
import time

import pytest

from reader.core.notes.anchoring import Anchor, locate, make_anchor

ARTICLE = (
    "Readers annotate. The best terminal annotation tool today anchors highlights to a "
    "book's structure, which breaks when a local file is edited.\n\n"
    "Store each highlight the way Hypothesis does: the exact quote, about thirty characters "
    "of context before and after, and its position in the article's text.\n\n"
    "When the article's file changes, find the passage again, exact match first, then fuzzy "
    "matching weighted by quote, context and position.\n\n"
    "A highlight that cannot be placed is never deleted: it is shown as orphaned with its "
    "quote and comment. Notes follow an article that is renamed or moved."
)
QUOTE = "the exact quote, about thirty characters of context"


def anchor_for(quote: str = QUOTE, text: str = ARTICLE) -> Anchor:
    start = text.index(quote)
    return make_anchor(text, start, start + len(quote))


def found(anchor: Anchor, text: str) -> str | None:
    located = locate(anchor, text)
    return None if located is None else text[located.start : located.end]


def test_nothing_changed_is_exact_at_the_same_place() -> None:
    anchor = anchor_for()
    located = locate(anchor, ARTICLE)
    assert located is not None
    assert (located.start, located.end, located.exact) == (anchor.start, anchor.end, True)


def test_anchor_keeps_the_context_on_both_sides() -> None:
    anchor = anchor_for()
    assert ARTICLE[anchor.start - 32 : anchor.start] == anchor.prefix
    assert ARTICLE[anchor.end : anchor.end + 32] == anchor.suffix
    with pytest.raises(ValueError):
        make_anchor(ARTICLE, 10, 10)


EDITS = [
    # (what happened, new text, the passage the highlight must cover now)
    ("insertion before", "A new first paragraph.\n\n" + ARTICLE, QUOTE),
    ("deletion before", ARTICLE.replace("Readers annotate. ", ""), QUOTE),
    (
        "a word inside the quote changed",
        ARTICLE.replace("about thirty characters", "about forty characters"),
        "the exact quote, about forty characters of context",
    ),
    (
        "reflowed whitespace",
        ARTICLE.replace("the exact quote, about thirty", "the exact\nquote,  about\n thirty"),
        "the exact\nquote,  about\n thirty characters of context",
    ),
    (
        "a word changed and text inserted before",
        "Preface.\n\n" + ARTICLE.replace("exact quote", "precise quote"),
        "the precise quote, about thirty characters of context",
    ),
    (
        "paragraphs reordered",
        "\n\n".join(reversed(ARTICLE.split("\n\n"))),
        QUOTE,
    ),
]


@pytest.mark.parametrize(("case", "new_text", "expected"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edited_article_keeps_the_highlight_on_its_passage(
    case: str, new_text: str, expected: str
) -> None:
    located = locate(anchor_for(), new_text)
    assert located is not None, case
    assert new_text[located.start : located.end] == expected
    assert located.exact == (expected == QUOTE)


@pytest.mark.parametrize(
    ("old", "new"), [("exact", "precise"), ("characters", "letters"), ("thirty", "30")]
)
def test_a_changed_first_middle_or_last_word_stays_inside_the_highlight(old: str, new: str) -> None:
    quote = "exact quote, about thirty characters"
    edited = "Preface.\n\n" + ARTICLE.replace(old, new)
    assert found(anchor_for(quote), edited) == quote.replace(old, new)


def test_a_long_quote_with_a_changed_word_is_found_by_its_ends() -> None:
    quote = ARTICLE.split("\n\n")[2]  # longer than Bitap's 32 characters
    edited = ARTICLE.replace("exact match first", "an exact match first")
    edited = "Intro paragraph.\n\n" + edited
    expected = edited.split("\n\n")[3]
    assert found(anchor_for(quote), edited) == expected


def test_a_repeated_quote_goes_to_the_occurrence_with_the_same_context() -> None:
    text = (
        "In the first section we say: remember this phrase, it matters. Then more.\n\n"
        "Later, a different context: remember this phrase, again. The end."
    )
    anchor = anchor_for("remember this phrase", text)
    second = text.rindex("remember this phrase")
    anchor = make_anchor(text, second, second + len("remember this phrase"))
    # Text inserted before both: offsets are stale, the quote occurs twice.
    edited = "New opening words that shift everything along.\n\n" + text
    located = locate(anchor, edited)
    assert located is not None and located.exact
    assert located.start == edited.rindex("remember this phrase")


def test_a_repeated_quote_stays_put_when_the_other_one_moves_near() -> None:
    text = "alpha beta gamma. " * 3 + "delta alpha beta gamma epsilon."
    anchor = make_anchor(text, text.index("delta") + 6, text.index("delta") + 6 + 16)
    edited = text.replace("alpha beta gamma. ", "", 1)
    located = locate(anchor, edited)
    assert located is not None
    assert edited[located.start - 6 : located.start] == "delta "


@pytest.mark.parametrize(
    ("case", "edit"),
    [
        ("the file truncated", lambda text: text[: text.index(QUOTE) - 10]),
        ("the passage removed", lambda text: text.replace(text.split("\n\n")[1] + "\n\n", "")),
        ("everything rewritten", lambda text: "Entirely different words now. " * 20),
        ("an empty file", lambda text: ""),
    ],
)
def test_a_passage_that_is_gone_is_orphaned_not_moved(case: str, edit) -> None:  # type: ignore[no-untyped-def]
    assert locate(anchor_for(), edit(ARTICLE)) is None, case


def test_a_short_quote_does_not_jump_to_a_similar_word_elsewhere() -> None:
    text = "The cat sat on the mat.\n\nA dog lay on the rug."
    anchor = anchor_for("cat sat", text)
    edited = "A dog lay on the rug.\n\nThe bat sits."
    assert locate(anchor, edited) is None


def test_anchoring_a_megabyte_article_is_quick() -> None:
    """Opening an edited 1 MB article re-anchors its highlights without a visible pause."""
    rng = random.Random(4)
    words = [
        "".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 8))) for _ in range(3000)
    ]
    text = " ".join(rng.choice(words) for _ in range(200_000))[:1_000_000]
    start = 700_000
    anchor = make_anchor(text, start, start + 120)
    edited = text[:100_000] + "inserted words " * 50 + text[100_000 : start + 40]
    edited += "CHANGED" + text[start + 47 :]
    began = time.perf_counter()
    located = locate(anchor, edited)
    elapsed = time.perf_counter() - began
    assert located is not None and not located.exact
    assert edited[located.start : located.end].endswith(anchor.quote[-30:])
    assert elapsed < 3.0  # 0.3 s measured; the bound catches a pathological slowdown
