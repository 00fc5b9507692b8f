"""How reader looks: the main screen, the help screen, and an 80×24 terminal (the list, the
article full-screen, the notes panel), the search results and a 64-column terminal.

Update the pictures after an intended change with `pytest tests/snapshots --snapshot-update`
and look at them in snapshot_report.html before committing.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.ui.helpers import app_for, main_screen, screen_text, wait_loaded, wait_until


async def _loaded(pilot: Pilot) -> None:
    await wait_loaded(pilot, pilot.app)  # type: ignore[arg-type]
    await pilot.pause(0.2)


async def _listed(pilot: Pilot) -> None:
    """Every article listed (a narrow terminal shows the list alone, not yet an article)."""
    app = pilot.app
    await wait_until(pilot, lambda: "3 of 3 articles" in screen_text(app))  # type: ignore[arg-type]
    await wait_until(pilot, lambda: not main_screen(app).scanning)  # type: ignore[arg-type]
    await pilot.pause(0.2)


async def _read_red_rooms(pilot: Pilot) -> None:
    await _listed(pilot)
    await pilot.press("f", *"red rooms", "enter", "enter")
    screen = main_screen(pilot.app)  # type: ignore[arg-type]
    await wait_until(pilot, lambda: screen.reading_view.finished)
    await pilot.pause(0.3)


def test_main_screen(snap_compare, library: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        app_for(library, data_dir=data_dir), terminal_size=(120, 34), run_before=_loaded
    )


def test_help_screen(snap_compare, library: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    async def open_help(pilot: Pilot) -> None:
        await _loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.2)

    assert snap_compare(
        app_for(library, data_dir=data_dir), terminal_size=(100, 40), run_before=open_help
    )


def test_list_at_80x24(snap_compare, library: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        app_for(library, data_dir=data_dir), terminal_size=(80, 24), run_before=_listed
    )


def test_full_screen_reading_at_80x24(snap_compare, library: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        app_for(library, data_dir=data_dir), terminal_size=(80, 24), run_before=_read_red_rooms
    )


def test_notes_panel_at_80x24(snap_compare, library: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    async def open_notes(pilot: Pilot) -> None:
        await _read_red_rooms(pilot)
        await pilot.press("a")
        screen = main_screen(pilot.app)  # type: ignore[arg-type]
        await wait_until(pilot, lambda: screen.notes_panel.editor.has_focus)
        await pilot.press(*"A note beside the article")
        await wait_until(pilot, lambda: "saved ✓" in screen_text(pilot.app))  # type: ignore[arg-type]
        await pilot.press("escape")  # back to the article: no blinking cursor in the picture
        await wait_until(pilot, lambda: screen.reading_view.has_focus)
        await pilot.pause(0.3)

    assert snap_compare(
        app_for(library, data_dir=data_dir), terminal_size=(80, 24), run_before=open_notes
    )


def test_search_results(snap_compare, library: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    async def search(pilot: Pilot) -> None:
        await _loaded(pilot)
        await pilot.press("slash", *"killer")
        await wait_until(pilot, lambda: "results" in screen_text(pilot.app))  # type: ignore[arg-type]
        pilot.app.screen.query_one("#search-input").cursor_blink = False  # a still picture
        await pilot.pause(1.0)  # the results after the first screenful arrive a little later

    assert snap_compare(
        app_for(library, data_dir=data_dir), terminal_size=(100, 30), run_before=search
    )


def test_narrow_terminal_reading(snap_compare, library: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        app_for(library, data_dir=data_dir), terminal_size=(64, 24), run_before=_read_red_rooms
    )
