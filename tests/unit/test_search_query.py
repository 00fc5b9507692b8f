"""The search box's language: a table of queries, hostile ones included, and totality."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.search.query import MAX_TERMS, Clause, Query, Term, TermKind, parse

WORD, PHRASE, PREFIX = TermKind.WORD, TermKind.PHRASE, TermKind.PREFIX


def words(*texts: str) -> tuple[Clause, ...]:
    return tuple(Clause((Term(text),)) for text in texts)


CASES = [
    ("killers", Query(words("killers"))),
    ("rust  async", Query(words("rust", "async"))),
    ('"exact phrase" here', Query((Clause((Term("exact phrase", PHRASE),)), *words("here")))),
    ("comput*", Query((Clause((Term("comput", PREFIX),)),))),
    ("-excluded word", Query(words("word"), excluded=(Term("excluded"),))),
    ('-"not this"', Query(excluded=(Term("not this", PHRASE),))),
    (
        "rust OR go async",
        Query((Clause((Term("rust"), Term("go"))), *words("async"))),
    ),
    ("a OR b OR c", Query((Clause((Term("a"), Term("b"), Term("c"))),))),
    ("or lowercase", Query(words("or", "lowercase"))),
    # Malformed syntax is searched as plain words.
    ("OR OR", Query(words("or", "or"))),
    ("OR cats", Query(words("or", "cats"))),
    ("cats OR", Query(words("cats", "or"))),
    ("cats OR OR dogs", Query((*words("cats"), Clause((Term("or"), Term("dogs")))))),
    ("cats OR -dogs", Query(words("cats", "or"), excluded=(Term("dogs"),))),
    ('"unbalanced quote', Query(words("unbalanced", "quote"))),
    ('one "two" "three', Query((*words("one"), Clause((Term("two", PHRASE),)), *words("three")))),
    ("-", Query()),
    ("- -- ---", Query()),
    ("*", Query()),
    ("** ?! …", Query()),
    ("title:", Query(words("title:"))),
    ("title:*", Query(words("title"))),
    ('title:""', Query(words("title"))),
    ("foo:bar", Query(words("foo", "bar"))),
    ("is:maybe", Query(words("is", "maybe"))),
    ("after:yesterday", Query(words("after", "yesterday"))),
    ("after:2024-13-01", Query(words("after", "2024-13-01"))),
    ("kil\x1b[31mler\x00 x\u202ey", Query(words("kil[31mler", "xy"))),
    ("tab\tand\nnewline", Query(words("tab", "and", "newline"))),
    # Fields and filters.
    ("title:killer", Query((Clause((Term("killer", field="title"),)),))),
    ("Title:Killer", Query((Clause((Term("Killer", field="title"),)),))),
    ('author:"Ada Lovelace"', Query((Clause((Term("Ada Lovelace", PHRASE, "author"),)),))),
    ("title:kil*", Query((Clause((Term("kil", PREFIX, "title"),)),))),
    ("tag:Python", Query(tags=("python",))),
    ('tag:"machine learning"', Query(tags=("machine learning",))),
    ("in:/Notes/Work/", Query(folders=("notes/work",))),
    ("-tag:draft -in:archive", Query(excluded_tags=("draft",), excluded_folders=("archive",))),
    ("is:read", Query(read=True)),
    ("is:unread rust", Query(words("rust"), read=False)),
    ("-is:read", Query(read=False)),
    (
        "after:2024-01-01 before:2024-07",
        Query(after=dt.date(2024, 1, 1), before=dt.date(2024, 7, 1)),
    ),
    ("after:2024", Query(after=dt.date(2024, 1, 1))),
    ("after:2023 after:2024-03", Query(after=dt.date(2024, 3, 1))),
    (
        "tag:crime killers -movie after:2020",
        Query(
            words("killers"),
            excluded=(Term("movie"),),
            tags=("crime",),
            after=dt.date(2020, 1, 1),
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_query_table(text: str, expected: Query) -> None:
    assert parse(text) == expected


def test_empty_and_filter_only_queries_say_so() -> None:
    assert parse("").is_empty
    assert parse("  - * ").is_empty
    assert not parse("tag:x").is_empty
    assert not parse("-spam").is_empty


def test_a_thousand_words_are_capped_and_the_user_told() -> None:
    query = parse(" ".join(f"word{i}" for i in range(1000)))
    assert len(query.clauses) == MAX_TERMS
    assert query.clauses[-1].terms[0].text == f"word{MAX_TERMS - 1}"
    assert any(str(MAX_TERMS) in note for note in query.notes)


def test_a_huge_query_string_is_bounded() -> None:
    assert len(parse("x" * 1_000_000).clauses[0].terms[0].text) <= 4_000


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("ki", "ki"),
        ("rust ki", "ki"),
        ("title:ki", "ki"),
        ("ki ", None),  # a finished word
        ("ki*", None),  # already a prefix
        ('"ki"', None),  # a phrase is exact
        ("-ki", None),  # an exclusion is not widened
        ("rust OR ki", "ki"),
    ],
)
def test_the_word_being_typed_is_marked(text: str, typed: str | None) -> None:
    marked = [term.text for term in parse(text, typing=True).positive_terms if term.typed]
    assert marked == ([typed] if typed else [])
    assert not any(term.typed for term in parse(text).positive_terms)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(), st.booleans())
def test_any_string_parses(text: str, typing: bool) -> None:
    query = parse(text, typing=typing)
    assert len(query.clauses) <= MAX_TERMS


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            ["OR", "-", "*", '"', "title:", "tag:", "in:", "is:read", "after:2024", "a", "b*"]
        ),
        max_size=12,
    ),
)
def test_any_mix_of_syntax_parses(pieces: list[str]) -> None:
    parse(" ".join(pieces))
    parse("".join(pieces), typing=True)
