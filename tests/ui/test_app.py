"""The whole app under Pilot: list, preview, sort, filter, open, memory of position and state."""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import app_for, screen_text, wait_loaded, wait_until

SEED_1_TITLE = (
    "Pascal Plante’s Red Rooms is a transgressive, tension wrought serial killer cyber-thriller"
)
SIZE = (140, 40)


def titles(screen) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.title for row in screen.article_list.rows]


async def test_samples_are_listed_with_real_titles(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        shown = titles(screen)
        assert len(shown) == 3
        assert SEED_1_TITLE in shown
        assert "Getting started with reader" in shown
        assert any(title.startswith("No matter how hard movies like Hackers") for title in shown)
        assert not any("b953ce4bd95ef384" in title for title in shown)
        assert "3 of 3 articles" in screen_text(app)


async def test_moving_through_the_list_previews_each_article(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        first = screen.current
        await pilot.press("j")
        await wait_until(pilot, lambda: screen.current is not first)
        await wait_until(pilot, lambda: screen.reading_view.finished)
        await pilot.pause()
        assert screen.current is screen.article_list.cursor_summary
        assert screen.current.title[:30] in screen_text(app)


async def test_sorting_by_title_orders_rows_alphabetically(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("s")  # date → title
        await pilot.pause()
        assert titles(screen) == sorted(titles(screen), key=str.casefold)
        assert "by title" in screen_text(app)


async def test_filter_narrows_the_list_and_escape_clears_it(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("f", *"red rooms")
        await pilot.pause()
        assert titles(screen) == [SEED_1_TITLE]
        assert "1 of 3 articles" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert len(titles(screen)) == 3
        assert screen.article_list.has_focus


async def test_enter_opens_the_article_and_marks_it_read(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        opened = screen.article_list.cursor_summary
        await pilot.press("enter")
        await pilot.pause()
        assert screen.reading_view.has_focus
        assert screen.article_list.is_read(opened.id)
    # Read state survives a restart.
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        assert screen.article_list.is_read(opened.id)
        unread = [row for row in screen.article_list.rows if not row.read]
        assert len(unread) == 2


async def test_reading_position_is_restored_next_time(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("f", *"hackers", "enter", "enter")
        await wait_until(pilot, lambda: screen.reading_view.finished)
        await pilot.press("space", "space")
        await pilot.pause(0.2)
        position = screen.reading_view.top_offset
        assert position > 0
        await pilot.press("q", "q")  # back to the list, then quit
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)  # the filter and the article are remembered
        assert "hackers" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.reading_view.finished)
        await wait_until(pilot, lambda: screen.reading_view.top_offset == position)


async def test_theme_choice_is_remembered(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        app.theme = "nord"
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        assert app.theme == "nord"


async def test_help_lists_every_key(library: Path, data_dir: Path) -> None:
    from rich.console import Console

    from reader.ui.screens.help import HelpScreen

    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Keys" in screen_text(app)
        console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(app.screen._table())
        help_text = console.export_text()
        for words in ("Switch pane", "Filter", "Sort", "Quit", "Page down", "Open", "Theme"):
            assert words in help_text, words
        for key in ("tab", "ctrl+p", "PgDn", "?"):
            assert key in help_text, key
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_offers_every_command(library: Path, data_dir: Path) -> None:
    from reader.ui.commands import COMMANDS

    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        offered = {command.title for command in app.get_system_commands(app.screen)}
        assert {command.title for command in COMMANDS} <= offered
        assert "Theme" in offered


async def test_skipped_files_are_listed_with_reasons(library: Path, data_dir: Path) -> None:
    (library / "empty.md").write_bytes(b"")
    (library / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        assert len(titles(screen)) == 3
        assert "2 skipped" in screen_text(app)
        await pilot.press("S")
        await wait_until(pilot, lambda: "empty.md" in screen_text(app))
        text = screen_text(app)
        assert "image.txt" in text
        assert "empty" in text.lower()
        assert "binary" in text.lower()


async def test_refused_link_says_why_and_opens_nothing(
    library: Path, data_dir: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        screen.links.activate("javascript:alert(1)")
        screen.links.activate("%66ile:///etc/passwd")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert sum("Link not followed" in message for message in messages) == 2
        assert opened == []


async def test_external_link_is_shown_before_it_opens(
    library: Path, data_dir: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    monkeypatch.setenv("DISPLAY", ":0")  # a graphical session, where a browser is tried
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        screen.links.activate("https://example.org/a?b=c")
        await pilot.pause()
        assert "https://example.org/a?b=c" in screen_text(app)
        assert opened == []
        await pilot.press("y")
        await wait_until(pilot, lambda: opened == ["https://example.org/a?b=c"])


async def test_link_to_another_article_opens_it_in_the_app(library: Path, data_dir: Path) -> None:
    (library / "links.md").write_text(
        "---\ntitle: Zebra links\n---\n\nSee [the review](000_96f240a574451fba.txt).\n",
        encoding="utf-8",
    )
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("f", *"zebra", "enter")
        await wait_until(pilot, lambda: screen.current.title == "Zebra links")
        await wait_until(pilot, lambda: screen.article_text is not None)
        await wait_until(pilot, lambda: screen.reading_view.finished)
        screen.links.activate(screen.reading_view.links[0].target)
        await wait_until(pilot, lambda: screen.current.title == SEED_1_TITLE)
