"""How reader looks: the main screen, the help screen and a narrow terminal.

Update the pictures after an intended change with `pytest tests/snapshots --snapshot-update`
and look at them in snapshot_report.html before committing.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.ui.helpers import app_for, wait_loaded


async def _loaded(pilot: Pilot) -> None:
    await wait_loaded(pilot, pilot.app)  # type: ignore[arg-type]
    await pilot.pause(0.2)


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


def test_narrow_terminal_reading(snap_compare, library: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    async def open_first(pilot: Pilot) -> None:
        await _loaded(pilot)
        await pilot.press("f", *"red rooms", "enter", "enter")
        await pilot.pause(0.5)

    assert snap_compare(
        app_for(library, data_dir=data_dir), terminal_size=(64, 24), run_before=open_first
    )
