"""An open article whose file changes on disk: the list shows its new title without `R`, and
the pane shows the new text."""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import app_for, screen_text, wait_loaded, wait_until


async def test_an_edited_open_file_shows_its_new_title_without_a_rescan(
    tmp_path: Path, data_dir: Path
) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    article = library / "draft.md"
    article.write_text("---\ntitle: First draft title\n---\n\nThe old opening line.\n")
    (library / "other.md").write_text("---\ntitle: Another article\n---\n\nText.\n")
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("f", *"first draft", "enter", "enter")
        await wait_until(pilot, lambda: "The old opening line." in screen_text(app))
        await pilot.press("escape")  # back to the list
        await pilot.press("f", "ctrl+u", "enter")
        article.write_text("---\ntitle: Second draft title\n---\n\nA new opening line.\n")
        await wait_until(pilot, lambda: "Second draft title" in screen_text(app), timeout=20)
        await wait_until(pilot, lambda: "A new opening line." in screen_text(app), timeout=20)
        assert "First draft title" not in screen_text(app)
        assert screen.current is not None and screen.current.title == "Second draft title"
