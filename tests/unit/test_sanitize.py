"""The one door to the screen: any string comes out drawable, markup-free and bounded."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text
from textual.content import Content

from reader.core.sanitize import ELLIPSIS, MAX_DISPLAY, inert, safe_line, safe_text

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MARKUP = [
    "[bold]x[/bold]",
    "[@click=app.quit]x[/]",
    "[ @click=app.quit]x[/]",
    "[$accent @click=app.quit]x[/]",
    "[@click=app.screenshot('notes.db','DATA_DIR')]Read me[/]",
    "[link=https://evil.example]x[/link]",
    ":warning: [red]x",
]
ATTACKS = {
    "CSI": "\x1b[2J\x1b[31mred",
    "OSC 0 title": "\x1b]0;pwned\x07",
    "OSC 52 clipboard": "\x1b]52;c;cm0gLXJmIH4K\x1b\\",
    "OSC 8 link": "\x1b]8;;https://evil.example/\x1b\\x\x1b]8;;\x1b\\",
    "DCS": "\x1bPq#0;2;0;0;0\x1b\\",
    "APC": "\x1b_Gf=100;AAAA\x1b\\",
    "C1 CSI": "\x9b2J",
    "C1 OSC": "\x9d0;pwned\x9c",
    "NUL": "a\x00b",
    "DEL": "a\x7fb",
    "BEL BS CR": "a\x07\x08\rb",
    "bidi override": "invoice\u202egnp.exe",
    "bidi isolate": "\u2066x\u2069",
    "line separator": "a\u2028b",
    "lone surrogate": "caf\udce9",
}

unicode_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
"""Any code points, including controls, surrogates, private use and unassigned ones."""


def unsafe(text: str) -> list[str]:
    """What a terminal could act on: C0 (newline/tab too), DEL, C1, surrogates, bidi controls."""
    return [
        f"U+{ord(char):04X}"
        for char in text
        if unicodedata.category(char) in ("Cc", "Cs") or char in BIDI
    ]


def terminal_bytes(text: Text | str) -> str:
    """What Rich writes to a colour terminal for `text` (the way the app's strips are written)."""
    console = Console(force_terminal=True, color_system="truecolor", width=10_000)
    with console.capture() as capture:
        console.print(text, end="", soft_wrap=True)
    return capture.get()


@given(unicode_text)
def test_inert_output_has_nothing_a_terminal_acts_on(value: str) -> None:
    assert unsafe(inert(value)) == []


@given(unicode_text)
def test_multi_line_mode_keeps_only_newlines_and_tabs(value: str) -> None:
    result = inert(value, single_line=False, limit=None)
    assert set(unsafe(result)) <= {"U+0009", "U+000A"}
    assert result.count("\n") == value.count("\n")  # paragraphs survive (notes export)


@given(unicode_text)
def test_safe_text_draws_exactly_the_inert_string(value: str) -> None:
    text = safe_text(value)
    assert text.plain == inert(value)
    assert text.spans == []  # nothing was read as markup
    assert "@click" not in str(text.style)


@given(st.text(max_size=3_000), st.integers(min_value=1, max_value=500))
def test_length_is_bounded(value: str, limit: int) -> None:
    result = inert(value, limit=limit)
    assert len(result) <= limit
    if len(value) > limit:
        assert result.endswith(ELLIPSIS)


@given(unicode_text)
def test_default_bound_holds_even_when_every_character_is_expanded(value: str) -> None:
    assert len(inert(value * 50)) <= MAX_DISPLAY


@given(unicode_text)
def test_safe_line_keeps_length_one_for_one(value: str) -> None:
    result = safe_line(value)
    assert len(result) == len(value)
    assert unsafe(result) == []


@given(st.text(st.characters(codec="utf-8"), max_size=200))
def test_printable_text_passes_unchanged(value: str) -> None:
    if value.isprintable():
        assert inert(value, limit=None) == value
        assert safe_line(value) == value


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_is_kept_as_literal_text(markup: str) -> None:
    text = safe_text(markup)
    assert text.plain == markup
    assert text.spans == []
    assert str(Content.from_text(text)) == markup
    assert terminal_bytes(text) == markup  # no style, no link, no action


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=list(ATTACKS))
def test_control_sequences_become_visible_symbols(attack: str) -> None:
    shown = inert(attack)
    assert unsafe(shown) == []
    written = terminal_bytes(safe_text(attack))
    assert "\x1b" not in written and unsafe(written) == []
    line = safe_line(attack)
    assert len(line) == len(attack) and unsafe(line) == []


def test_control_pictures_show_what_was_there() -> None:
    assert inert("\x1b]0;t\x07") == "\u241b]0;t\u2407"  # ␛]0;t␇
    assert inert("a\x00b\x7f") == "a\u2400b\u2421"  # ␀ and ␡
    assert inert("\x9b31m") == "<U+009B>31m"
    assert inert("\u202egnp.exe") == "<U+202E>gnp.exe"
    assert inert("two\nlines\tand tab") == "two lines and tab"
    assert inert("two\nlines", single_line=False) == "two\nlines"
    assert safe_line("a\tb\x1bc\x9bd\u202ee") == "a b\u241bc\ufffdd\ufffde"


@pytest.mark.parametrize("value", [42, None, 3.5, ["a", "\x1b]0;x\x07"], {"k": "\x9b"}])
def test_any_value_is_made_inert(value: object) -> None:
    assert unsafe(inert(value)) == []


def test_the_naive_ways_are_not_safe() -> None:
    """Why the door exists: what Rich and Textual do with the same strings on their own."""
    from rich.markup import escape

    assert "@click" in str(Content.from_markup(escape("[ @click=app.quit]x[/]")).spans)
    assert "\x1b" in terminal_bytes(Text("\x1b]0;pwned\x07"))  # Text strips only BEL etc.
