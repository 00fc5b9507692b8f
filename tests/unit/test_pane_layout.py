"""Which panes the main screen shows at each terminal width (reader.ui.pane_layout.arrange).

What a user sees: under 100 columns one pane at a time; from 100 the list beside the article;
the article, whenever it is shown, never narrower than 40 columns; the panes fill the width.
"""

from __future__ import annotations

import itertools

import pytest

from reader.ui.pane_layout import ARTICLE_MIN, NARROW, arrange

WIDTHS = (60, 80, 99, 100, 140, 200)
FLAGS = list(itertools.product((False, True), repeat=2))  # (reading, notes)


def shown_widths(layout) -> int:  # type: ignore[no-untyped-def]
    return (
        (layout.list_width if layout.show_list else 0)
        + (layout.article_width if layout.show_reading else 0)
        + (layout.notes_width if layout.show_notes else 0)
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("reading", "notes"), FLAGS)
def test_the_article_is_never_narrower_than_40_when_shown(
    width: int, reading: bool, notes: bool
) -> None:
    layout = arrange(width, reading=reading, notes=notes)
    assert ARTICLE_MIN == 40
    if layout.show_reading:
        assert layout.article_width >= 40
    else:
        assert layout.article_width == 0


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("reading", "notes"), FLAGS)
def test_the_shown_panes_fill_the_terminal_exactly(width: int, reading: bool, notes: bool) -> None:
    layout = arrange(width, reading=reading, notes=notes)
    assert shown_widths(layout) == width
    assert layout.show_list or layout.show_reading or layout.show_notes
    if not layout.show_list:
        assert layout.list_width == 0


@pytest.mark.parametrize("width", [w for w in WIDTHS if w < 100])
@pytest.mark.parametrize(("reading", "notes"), FLAGS)
def test_under_100_columns_the_list_is_never_beside_another_pane(
    width: int, reading: bool, notes: bool
) -> None:
    layout = arrange(width, reading=reading, notes=notes)
    assert layout.narrow
    if layout.show_list:
        assert layout.list_width == width
        assert not layout.show_reading and not layout.show_notes


@pytest.mark.parametrize("width", [w for w in WIDTHS if w < 100])
def test_under_100_columns_the_list_alone_takes_the_full_width(width: int) -> None:
    layout = arrange(width, reading=False, notes=False)
    assert layout.show_list and layout.list_width == width
    assert not layout.show_reading and not layout.show_notes


@pytest.mark.parametrize("width", [w for w in WIDTHS if w < 100])
def test_under_100_columns_reading_is_the_article_alone(width: int) -> None:
    layout = arrange(width, reading=True, notes=False)
    assert not layout.show_list
    assert layout.show_reading and layout.article_width == width


@pytest.mark.parametrize("width", [w for w in WIDTHS if w >= 100])
def test_from_100_columns_list_and_article_stand_side_by_side(width: int) -> None:
    layout = arrange(width, reading=False, notes=False)
    assert not layout.narrow
    assert layout.show_list and layout.show_reading and not layout.show_notes
    assert 0 < layout.list_width < width
    assert layout.article_width >= 40
    assert layout.list_width + layout.article_width == width


@pytest.mark.parametrize("width", WIDTHS)
def test_full_screen_reading_hides_the_list_at_any_width(width: int) -> None:
    layout = arrange(width, reading=True, notes=False)
    assert not layout.show_list and layout.list_width == 0
    assert layout.show_reading and layout.article_width == width


def test_notes_at_80_sit_beside_an_article_of_at_least_40() -> None:
    layout = arrange(80, reading=True, notes=True)
    assert layout.show_notes and layout.show_reading and not layout.show_list
    assert layout.article_width >= 40
    assert arrange(80, reading=False, notes=True) == layout  # notes imply reading when narrow


def test_notes_at_60_replace_the_article() -> None:
    layout = arrange(60, reading=True, notes=True)
    assert layout.show_notes and not layout.show_reading and not layout.show_list
    assert layout.notes_width == 60


def test_notes_at_140_keep_list_article_and_notes() -> None:
    layout = arrange(140, reading=False, notes=True)
    assert layout.show_list and layout.show_reading and layout.show_notes
    assert layout.article_width >= 40
    assert layout.list_width > 0 and layout.notes_width > 0


def test_notes_at_100_give_way_to_the_article_rather_than_squeeze_it() -> None:
    layout = arrange(100, reading=False, notes=True)
    assert layout.show_reading and layout.article_width >= 40 and layout.show_notes


def test_every_width_from_60_to_300_keeps_the_rules() -> None:
    for width, (reading, notes) in itertools.product(range(60, 301), FLAGS):
        layout = arrange(width, reading=reading, notes=notes)
        where = f"width {width}, reading={reading}, notes={notes}: {layout}"
        assert shown_widths(layout) == width, where
        assert layout.narrow == (width < NARROW), where
        if layout.show_reading:
            assert layout.article_width >= ARTICLE_MIN, where
        if layout.narrow and layout.show_list:
            assert not layout.show_reading and not layout.show_notes, where
        if reading:
            assert not layout.show_list, where
        if not notes:
            assert not layout.show_notes, where
            assert layout.show_reading == (reading or not layout.narrow), where


def test_classes_name_what_is_hidden() -> None:
    assert arrange(80, reading=False, notes=False).classes == {
        "-narrow": True,
        "-hide-list": False,
        "-hide-reading": True,
        "-notes-open": False,
    }
    assert arrange(140, reading=True, notes=False).classes["-hide-list"] is True
