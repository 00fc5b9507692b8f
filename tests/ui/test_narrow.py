"""Narrow terminals and reader habits, through the real app (issue 10, points 4, 5 and 9).

At 80×24 and 60×20: one pane at a time, titles of at least 30 cells, help and quit/back always
on the key bar, notes never squeezing the article under 40 columns; wide and combining
characters never shift the list's columns; the view remembered across restarts; and the
feedback the app gives (rescan, width, no match, broken front matter, cut status lines).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.core.config import Settings
from reader.core.session import LibrarySession
from reader.core.text import cell_width
from reader.ui.app import ReaderApp, make_app
from reader.ui.screens.main import MainScreen
from tests.ui.helpers import app_for, main_screen, screen_text, toasts, wait_until

LONG_TITLE = "An extraordinarily long title about river otters and their habits"
DEVANAGARI = "हिन्दी विकिपीडिया एक मुक्त ज्ञानकोश है जिसे कोई भी संपादित कर सकता है"
CJK = "日本語のタイトルと中文标题がここにあります長い長い"
EMOJI = "🎉 Party 🐍 time with emoji 🎉🎉 and more words here"
BODY = "Otters swim in the cold river and hold hands while they sleep. " * 40
ARTICLES = {
    "otters.md": (LONG_TITLE, "2024-05-01", BODY),
    "badgers.md": ("Badgers at dawn", "2024-04-01", "Badgers dig deep setts. " * 30),
    "cranes.md": ("Cranes over the marsh", "2024-03-01", "Cranes dance in spring. " * 30),
    "herons.md": ("Herons wait", "2024-02-01", "Herons stand still for hours. " * 30),
}


def write(folder: Path, name: str, title: str, date: str, body: str) -> None:
    (folder / name).write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n", "utf-8")


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    folder = tmp_path / "mylib"
    folder.mkdir()
    for name, (title, date, body) in ARTICLES.items():
        write(folder, name, title, date, body)
    return folder


@pytest.fixture
def wide_lib(tmp_path: Path) -> Path:
    folder = tmp_path / "wide"
    folder.mkdir()
    titles = [LONG_TITLE, DEVANAGARI, CJK, EMOJI, "Short", "हिन्दी"]
    for n, title in enumerate(titles):
        write(folder, f"{n}.md", title, f"2024-05-0{n + 1}", "A few words of text.")
    return folder


def lines(app: ReaderApp) -> list[str]:
    return screen_text(app).splitlines()


def key_bar(app: ReaderApp) -> str:
    return lines(app)[-1]


def reading_pane(screen: MainScreen) -> str:
    """What the reading pane shows right now."""
    view = screen.reading_view
    return "\n".join(view.render_line(y).text for y in range(view.scrollable_content_region.height))


def list_shown(screen: MainScreen) -> bool:
    return screen.query_one("#library").display and screen.article_list.size.width > 0


def article_shown(screen: MainScreen) -> bool:
    return screen.query_one("#reading-slot").display and screen.reading_view.size.width > 0


async def listed(pilot: Pilot, app: ReaderApp, count: int) -> MainScreen:
    """Until the scan is over and the list says it shows every article."""
    screen = main_screen(app)
    await wait_until(pilot, lambda: not screen.scanning and screen.current is not None)
    await wait_until(pilot, lambda: f"{count} of {count} articles" in screen_text(app))
    await pilot.pause()
    return screen


async def settled(pilot: Pilot, screen: MainScreen) -> None:
    """Until the article shown is laid out in full."""
    await wait_until(pilot, lambda: screen.reading_view.finished)
    await pilot.pause()


async def open_notes(pilot: Pilot, screen: MainScreen) -> None:
    await pilot.press("a")
    await wait_until(pilot, lambda: screen.notes_panel.size.width > 0)
    await pilot.pause()


async def open_article(pilot: Pilot, screen: MainScreen) -> None:
    await pilot.press("enter")
    await wait_until(pilot, lambda: article_shown(screen) and screen.reading_view.has_focus)
    await settled(pilot, screen)


# -- one pane at a time under 100 columns ----------------------------------------------------


async def test_at_80_the_list_takes_the_full_width_with_every_column(
    lib: Path, data_dir: Path
) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot, app, 4)
        assert screen.article_list.size.width == 80
        assert not article_shown(screen)
        text = screen_text(app)
        assert LONG_TITLE[:30] in text  # at least 30 cells of title
        row = next(line for line in lines(app) if LONG_TITLE[:30] in line)
        assert "mylib" in row and "2024-05-01" in row and "min" in row
        assert "? Help" in key_bar(app) and "q Quit" in key_bar(app)


async def test_enter_reads_full_screen_and_q_escape_tab_come_back(
    lib: Path, data_dir: Path
) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot, app, 4)
        for back in ("q", "escape", "tab"):
            if back == "tab":
                await pilot.press("tab")  # tab from the list opens the article too
                await wait_until(pilot, lambda: article_shown(screen))
                await settled(pilot, screen)
            else:
                await open_article(pilot, screen)
            assert not list_shown(screen)
            assert "of 4 articles" not in screen_text(app)
            assert screen.reading_view.size.width == 80
            assert LONG_TITLE in reading_pane(screen)
            assert "? Help" in key_bar(app) and "q Back" in key_bar(app)
            assert "q Quit" not in key_bar(app)
            await pilot.press(back)
            await pilot.pause()
            assert list_shown(screen) and not article_shown(screen), back
            assert "4 of 4 articles" in screen_text(app), back
            assert screen.article_list.size.width == 80
        await pilot.press("q")  # in the list: quit
        await pilot.pause()
        assert not app.is_running


async def test_at_60_the_key_bar_keeps_help_and_the_way_out(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await listed(pilot, app, 4)
        assert "? Help" in key_bar(app) and "q Quit" in key_bar(app)
        assert LONG_TITLE[:30] in screen_text(app)
        await open_article(pilot, screen)
        assert "? Help" in key_bar(app) and "q Back" in key_bar(app)


async def test_z_reads_full_screen_side_by_side_too(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await listed(pilot, app, 4)
        await settled(pilot, screen)
        assert list_shown(screen) and article_shown(screen)  # side by side from 100
        await pilot.press("z")
        await pilot.pause()
        assert not list_shown(screen) and screen.reading_view.size.width == 140
        assert "of 4 articles" not in screen_text(app)
        await pilot.press("z")
        await pilot.pause()
        assert list_shown(screen) and article_shown(screen)
        assert "4 of 4 articles" in screen_text(app)


# -- the notes panel never squeezes the article ------------------------------------------------


async def test_notes_at_80_leave_the_article_at_least_40(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot, app, 4)
        await open_article(pilot, screen)
        await open_notes(pilot, screen)
        assert article_shown(screen) and screen.reading_view.size.width >= 40
        assert screen.notes_panel.display
        assert screen.reading_view.outer_size.width + screen.notes_panel.outer_size.width <= 80


async def test_notes_at_60_replace_the_article(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await listed(pilot, app, 4)
        await open_article(pilot, screen)
        await open_notes(pilot, screen)
        assert not article_shown(screen)
        assert not list_shown(screen)
        assert screen.notes_panel.display and screen.notes_panel.outer_size.width == 60
        assert "Otters swim" not in screen_text(app)


async def test_notes_at_140_show_list_article_and_notes(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await listed(pilot, app, 4)
        await settled(pilot, screen)
        await open_notes(pilot, screen)
        assert list_shown(screen)
        assert article_shown(screen) and screen.reading_view.size.width >= 40
        assert screen.notes_panel.display
        assert "4 of 4 articles" in screen_text(app)


async def test_nothing_breaks_at_60_by_20(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await listed(pilot, app, 4)
        await open_article(pilot, screen)
        await pilot.press("escape")
        await pilot.press("slash", *"badgers")
        await wait_until(pilot, lambda: "result" in screen_text(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.current.title == "Badgers at dawn")
        await settled(pilot, screen)
        assert "Badgers at dawn" in screen_text(app)
        await pilot.press("a", *"a note")
        await wait_until(pilot, lambda: screen.notes_panel.status.startswith("saved"))
        await pilot.press("escape", "question_mark")
        await wait_until(pilot, lambda: "Help" in screen_text(app) and len(app.screen_stack) > 1)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        for line in lines(app):
            assert cell_width(line) == 60


# -- wide and combining characters ---------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
async def test_wide_and_combining_titles_never_shift_the_columns(
    wide_lib: Path, data_dir: Path, size: tuple[int, int]
) -> None:
    app = app_for(wide_lib, data_dir=data_dir)
    async with app.run_test(size=size) as pilot:
        screen = await listed(pilot, app, 6)
        width = screen.article_list.size.width
        rows = [line for line in lines(app) if "1 min" in line]
        assert len(rows) == 6
        ends = set()
        for line in rows:
            row = line.split("▕")[0] if "▕" in line else line
            assert cell_width(row) == width, row
            ends.add(cell_width(line[: line.index("1 min") + len("1 min")]))
        assert len(ends) == 1, ends
        assert DEVANAGARI[:12] in screen_text(app)


# -- remembered across restarts --------------------------------------------------------------


async def test_sort_reverse_filter_and_selection_are_remembered(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await listed(pilot, app, 4)
        await settled(pilot, screen)
        await pilot.press("s")
        assert "by title" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert "by title, reversed" in screen_text(app)
        await pilot.press("f", *"o", "enter")  # every title but the badgers' has an "o"
        await wait_until(pilot, lambda: "3 of 4 articles" in screen_text(app))
        await pilot.press("g", "j")  # Herons, Cranes, An extraordinarily…: the second
        await wait_until(pilot, lambda: "Cranes over the marsh" in reading_pane(screen))
        await pilot.pause(0.7)  # the filter is saved after half a second of quiet
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = main_screen(app)
        await wait_until(pilot, lambda: "3 of 4 articles" in screen_text(app))
        await wait_until(pilot, lambda: not screen.scanning)
        await wait_until(pilot, lambda: "Cranes over the marsh" in reading_pane(screen))
        await settled(pilot, screen)
        assert "by title, reversed" in screen_text(app)
        assert lines(app)[0].split("▕")[0].strip() == "o"  # the filter box holds the filter
        rows = [line.split("▕")[0] for line in lines(app) if "min " in line]
        assert [row[4:20] for row in rows] == [
            "Herons wait     ",
            "Cranes over the ",
            "An extraordinari",
        ]


def widest_line(screen: MainScreen) -> int:
    return max(cell_width(line.rstrip()) for line in reading_pane(screen).split("\n"))


async def width_mode_survives_a_restart(lib: Path, data_dir: Path, start) -> None:  # type: ignore[no-untyped-def]
    size = (200, 30)  # the article pane is wider than the 80-column measure: w has an effect
    app = start()
    async with app.run_test(size=size) as pilot:
        screen = await listed(pilot, app, 4)
        await settled(pilot, screen)
        measured = widest_line(screen)
        await pilot.press("w")
        await pilot.pause(0.3)
        full = widest_line(screen)
        assert full > measured + 10
        await pilot.pause(0.5)
        await pilot.press("q")
        await pilot.pause()
    app = start()
    async with app.run_test(size=size) as pilot:
        screen = await listed(pilot, app, 4)
        await settled(pilot, screen)
        assert widest_line(screen) == full, "the article is back at the reading measure"


async def test_width_mode_is_remembered_when_started_as_the_cli_does(
    lib: Path, data_dir: Path
) -> None:
    def start() -> ReaderApp:  # reader.cli.app_command: the session preloads, then the app
        session = LibrarySession([lib.resolve()], data_dir, Settings())
        session.preload()
        return make_app([lib.resolve()], data_dir, session=session)

    await width_mode_survives_a_restart(lib, data_dir, start)


async def test_width_mode_is_remembered_without_a_preload(lib: Path, data_dir: Path) -> None:
    await width_mode_survives_a_restart(lib, data_dir, lambda: app_for(lib, data_dir=data_dir))


async def test_recently_read_resorts_as_you_read(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot, app, 4)
        await pilot.press("s", "s")
        await pilot.pause()
        assert "by recently read" in screen_text(app)
        first_row = lines(app)[1]
        await pilot.press("G")
        await pilot.pause()
        last_title = screen.article_list.cursor_summary.title
        assert last_title[:20] not in first_row
        await open_article(pilot, screen)
        await pilot.press("q")
        await pilot.pause()
        assert list_shown(screen)
        assert last_title[:20] in lines(app)[1]


# -- feedback ---------------------------------------------------------------------------------


async def test_rescan_says_when_nothing_changed_and_what_is_new(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await listed(pilot, app, 4)
        await pilot.press("R")
        await wait_until(pilot, lambda: any("Nothing changed" in t for t in toasts(app)))
        assert not screen.scanning
        write(lib, "new.md", "Ospreys fish", "2024-06-01", "Ospreys dive. " * 20)
        await pilot.press("R")
        await wait_until(pilot, lambda: any("1 new" in t for t in toasts(app)))
        await wait_until(pilot, lambda: "5 of 5 articles" in screen_text(app))
        assert "Ospreys fish" in screen_text(app)


async def test_w_says_why_when_the_pane_cannot_get_wider(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await listed(pilot, app, 4)
        await settled(pilot, screen)
        before = reading_pane(screen)
        await pilot.press("w")
        await wait_until(
            pilot, lambda: any("already uses the whole pane" in t for t in toasts(app))
        )
        await pilot.pause()
        assert reading_pane(screen) == before


async def test_a_filter_that_matches_nothing_says_so(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await listed(pilot, app, 4)
        await settled(pilot, screen)
        await pilot.press("f", *"zzzqqq")
        await wait_until(pilot, lambda: "0 of 4 articles" in screen_text(app))
        await pilot.pause()
        assert "No article matches '" in reading_pane(screen)
        assert "No articles match 'zzzqqq'" in screen_text(app)  # the list's own line
        assert not any(title in reading_pane(screen) for title, *_ in ARTICLES.values())
        await pilot.press("escape")
        await wait_until(pilot, lambda: "4 of 4 articles" in screen_text(app))
        await settled(pilot, screen)
        await wait_until(pilot, lambda: "No article matches" not in reading_pane(screen))
        assert any(title in reading_pane(screen) for title, *_ in ARTICLES.values())


async def test_the_no_match_message_names_the_whole_filter(lib: Path, data_dir: Path) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await listed(pilot, app, 4)
        await settled(pilot, screen)
        await pilot.press("f", *"zzzqqq")
        await wait_until(pilot, lambda: "0 of 4 articles" in screen_text(app))
        await pilot.pause(0.3)
        assert "No article matches 'zzzqqq'" in reading_pane(screen)


async def test_broken_front_matter_is_a_warning_in_the_header(
    tmp_path: Path, data_dir: Path
) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody text here.\n", "utf-8")
    app = app_for(folder, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot, app, 1)
        await open_article(pilot, screen)
        header = reading_pane(screen).split("──")[0]
        assert "⚠" in header
        assert "Body text here." in reading_pane(screen)


async def test_a_status_line_that_does_not_fit_is_cut_with_an_ellipsis(
    lib: Path, data_dir: Path
) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await listed(pilot, app, 4)
        query = "otters river cold hands sleep swim"
        await pilot.press("slash", *query)
        await wait_until(pilot, lambda: "1 result" in screen_text(app))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "★" in screen_text(app))
        await pilot.press("escape", "1")
        await wait_until(pilot, lambda: screen.article_list.counts[0] == 1)
        await pilot.pause()
        status = lines(app)[-2]
        assert status.rstrip().endswith("…"), status
        assert cell_width(status) == 60
        assert lines(app).index(status) == len(lines(app)) - 2  # one line, above the key bar


async def test_escape_from_notes_that_replaced_the_article_brings_the_article_back(
    lib: Path, data_dir: Path
) -> None:
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await listed(pilot, app, 4)
        await open_article(pilot, screen)
        await pilot.press("a", *"a note")
        await wait_until(pilot, lambda: screen.notes_panel.status.startswith("saved"))
        assert not article_shown(screen)  # the notes stand in the article's place at 60
        await pilot.press("escape")
        await wait_until(pilot, lambda: article_shown(screen))
        assert reading_pane(screen).strip()


async def test_the_remembered_filter_belongs_to_its_library(
    lib: Path, tmp_path: Path, data_dir: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    write(other, "x.md", "Something else entirely", "2024-02-02", "Other words.")
    app = app_for(lib, data_dir=data_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await listed(pilot, app, 4)
        await pilot.press("f", *"badgers", "enter")
        await wait_until(pilot, lambda: "1 of 4 articles" in screen_text(app))
        await pilot.pause(0.8)  # the filter is saved half a second after the last key
        await pilot.press("q")
    app = app_for(other, data_dir=data_dir)  # the same data dir, another library
    async with app.run_test(size=(120, 30)) as pilot:
        await listed(pilot, app, 1)
        assert "badgers" not in screen_text(app)
        assert "Something else entirely" in screen_text(app)
    app = app_for(lib, data_dir=data_dir)  # and back: its filter is still there
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: "1 of 4 articles" in screen_text(app))
