"""Hostile titles, bodies, names, links and queries through the real app: drawn inert, run nothing.

Every article of `make_display_library` carries content markup with click actions (including
the forms `escape()` misses) and terminal control sequences (ESC, OSC 0/52, DCS, C1, bidi,
YAML `\\e`, HTML `&#27;`, `%1b`). The app is driven as a person would: preview, open, help,
skipped files, the link picker, a filter, clicks on every row and every line. At each step no
segment on screen may hold a control character, and clicking may change no file.
"""

from __future__ import annotations

import hashlib
import socket
import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from reader.ui.app import ReaderApp
from reader.ui.widgets.article_list import ArticleList
from tests.hostile import CONTROLS, OSC_TITLE, click_markup, make_display_library
from tests.ui.helpers import (
    app_for,
    main_screen,
    screen_segments,
    screen_text,
    wait_loaded,
    wait_until,
)

SIZE = (140, 40)
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
CLICK_WORDS = ("Read me", "Quit me", "Accent me", "Ring")
"""The words `click_markup` would turn into buttons."""
HOSTILE_QUERY = "[@click=app.quit]x[/] [ @click=app.bell]"


def unsafe_chars(texts: list[str]) -> list[str]:
    """Characters a terminal could act on: C0, DEL, C1, surrogates, bidi controls."""
    return sorted(
        {
            f"U+{ord(char):04X}"
            for text in texts
            for char in text
            if unicodedata.category(char) in ("Cc", "Cs") or char in BIDI
        }
    )


def assert_inert(app: App, where: str) -> None:
    found = unsafe_chars(screen_segments(app))  # type: ignore[arg-type]
    assert not found, f"{where}: control characters reach the terminal: {found}"


def file_states(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under `folder` (not following links): inode and content hash."""
    states: dict[str, tuple[int, str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            states[str(path.relative_to(folder))] = (path.stat().st_ino, digest)
    return states


def data_dir_state(data_dir: Path) -> dict[str, tuple[int, str]]:
    """The data directory, with the app's own database reduced to its identity (inode).

    The app writes reading state to user.db and the library to library.db (and SQLite's
    -wal/-shm come and go, as does the scan lock), so their bytes change by design; being
    replaced (a new inode) or joined by any other file is not.
    """
    states = file_states(data_dir)
    for name in list(states):
        if name.endswith(("-wal", "-shm")):
            del states[name]
        elif name in ("user.db", "library.db", "scan.lock"):
            states[name] = (states[name][0], "")
    return states


@pytest.fixture
def hostile(tmp_path: Path, data_dir: Path) -> Path:
    library = tmp_path / "hostile"
    make_display_library(library, data_dir)
    return library


@pytest.fixture
def no_side_effects(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    """Record anything that would leave the app: a browser, a network connection."""
    calls: dict[str, list[object]] = {"browser": [], "connect": []}
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: calls["browser"].append(url))

    def connect(self: socket.socket, address: object) -> None:
        calls["connect"].append(address)
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return calls


async def settle(pilot, app: ReaderApp) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: main_screen(app).reading_view.finished)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_every_screen_draws_hostile_text_inert(
    hostile: Path, data_dir: Path, no_side_effects: dict[str, list[object]]
) -> None:
    app = app_for(hostile, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        screen = await wait_loaded(pilot, app)
        assert len(screen.article_list.rows) == 4
        assert_inert(app, "first screen")
        # Preview every article, then open each and read down it.
        for index in range(len(screen.article_list.rows)):
            await wait_until(pilot, lambda i=index: screen.article_list.cursor_row == i)
            await wait_until(
                pilot, lambda: screen.current.id == screen.article_list.cursor_summary.id
            )
            await settle(pilot, app)
            assert_inert(app, f"preview of row {index}")
            await pilot.press("enter")
            await settle(pilot, app)
            assert_inert(app, f"article {screen.current.title[:10]!r}")
            await pilot.press("space", "space")
            await pilot.pause()
            assert_inert(app, "further down the article")
            await pilot.press("tab", "j")
        shown = "".join(screen_segments(app))
        assert "[@click=app.screenshot(" in shown  # the markup is kept as literal text
        assert "\u241b]0;html-title\u2407" in shown  # ESC and BEL shown as visible symbols

        await pilot.press("question_mark")
        await pilot.pause()
        assert_inert(app, "help")
        await pilot.press("escape", "S")
        await wait_until(pilot, lambda: "Zeta" in "".join(screen_segments(app)))
        assert_inert(app, "skipped files")
        await pilot.press("escape")

        # The article with links: open the picker, then follow each link it offers.
        screen.article_list.select_id(_id_of(screen, "Alpha"))
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        assert_inert(app, "link picker")
        links = screen.reading_view.links
        assert len(links) >= 6
        for index in range(len(links)):
            if app.screen is not screen:
                await pilot.press("escape")
            await pilot.press("o")
            await pilot.pause()
            await pilot.press(*["down"] * index, "enter")
            await pilot.pause()
            assert_inert(app, f"after following link {index}")
        assert no_side_effects == {"browser": [], "connect": []}
        await pilot.press("escape")
        assert app.is_running


async def test_a_hostile_filter_query_is_shown_inert(hostile: Path, data_dir: Path) -> None:
    app = app_for(hostile, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("f", *HOSTILE_QUERY)
        await pilot.pause()
        assert screen.article_list.filter_text == HOSTILE_QUERY
        assert "No articles match" in "".join(screen_segments(app))
        assert_inert(app, "typed filter")
        assert app.is_running


async def test_a_pasted_filter_with_control_characters_is_shown_inert(
    hostile: Path, data_dir: Path
) -> None:
    app = app_for(hostile, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("f")
        app.screen.query_one("#filter", Input).post_message(events.Paste(f"x {CONTROLS}"))
        await pilot.pause()
        assert_inert(app, "pasted filter")


async def test_a_refused_hostile_link_toast_is_inert(hostile: Path, data_dir: Path) -> None:
    app = app_for(hostile, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        screen = await wait_loaded(pilot, app)
        target = f"[@click=app.quit]x[/]{OSC_TITLE}javascript:alert(1)"
        screen.links.activate(target)
        screen.links.activate("%1b]0;title%07")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        refusals = [m for m in messages if m.startswith("Link not followed")]
        assert len(refusals) == 2
        assert "[@click=app.quit]x[/]" in refusals[0]  # shown literally
        assert not unsafe_chars([m.replace("\n", "") for m in refusals])
        await wait_until(pilot, lambda: "Link not followed" in "".join(screen_segments(app)))
        assert_inert(app, "toasts")


async def test_clicking_hostile_rows_and_lines_runs_nothing(
    hostile: Path, data_dir: Path, tmp_path: Path, no_side_effects: dict[str, list[object]]
) -> None:
    before_library = file_states(hostile)
    app = app_for(hostile, data_dir=data_dir)
    rang: list[bool] = []

    async def bell() -> None:
        rang.append(True)

    app.action_bell = bell  # type: ignore[method-assign]
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        screen = await wait_loaded(pilot, app)
        await settle(pilot, app)
        before_data = data_dir_state(data_dir)
        assert {"user.db", "library.db"} <= before_data.keys()
        clicked: list[tuple[int, int]] = []
        opened: list[str] = []
        for row in range(len(screen.article_list.rows)):
            screen.article_list.focus()
            await pilot.click(ArticleList, offset=(4, row))
            await wait_until(pilot, lambda r=row: screen.article_list.cursor_row == r)
            await wait_until(
                pilot, lambda: screen.current.id == screen.article_list.cursor_summary.id
            )
            await settle(pilot, app)
            clicked += await _click_everything(pilot, app, opened)
            assert_inert(app, f"after clicking article {row}")
        assert len(clicked) > 60
        # The clicks reached the links: one asked before leaving, others were refused.
        assert "ConfirmLinkScreen" in opened and "Link not followed" in opened
        assert app.is_running
        await app.workers.wait_for_complete()
        assert data_dir_state(data_dir) == before_data
    assert file_states(hostile) == before_library
    assert not list(tmp_path.rglob("*.svg")) and not list(Path.cwd().glob("*.svg"))
    assert rang == []
    assert no_side_effects == {"browser": [], "connect": []}


async def _click_everything(pilot, app: ReaderApp, opened: list[str]) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Click every line of text, every word markup would have made a button, every link.

    A click on a link may open a confirmation or show a toast: each is checked, closed and
    named in `opened`.
    """
    screen = main_screen(app)
    pane = screen.reading_view.region
    words = [*CLICK_WORDS, *(link.text for link in screen.reading_view.links)]
    points: list[tuple[int, int]] = []
    for y, line in enumerate(screen_text(app).splitlines()):
        if pane.y <= y < pane.bottom:
            text = line[pane.x : pane.right]
            if text.strip():
                points.append((pane.x + cell_len(text[: len(text) - len(text.lstrip())]), y))
        for word in words:
            start = line.find(word)
            while word and start >= 0:
                points.append((cell_len(line[:start]) + 1, y))
                start = line.find(word, start + 1)
    # The pane first: a click on a list row shows another article.
    ordered = sorted(dict.fromkeys(points), key=lambda point: point not in pane)
    for point in ordered:
        await pilot.click(offset=point)
        await pilot.pause()
        if app.screen is not screen:
            opened.append(type(app.screen).__name__)
            assert_inert(app, "a screen opened by a click")
            await pilot.press("escape")
        opened.extend(str(n.message).split(":")[0] for n in app._notifications)
        app.clear_notifications()  # toasts would cover the lines still to click
    await pilot.pause()
    return ordered


def _id_of(screen, word: str) -> int:  # type: ignore[no-untyped-def]
    return next(row.id for row in screen.article_list.rows if row.title.startswith(word))


class NaiveApp(App[None]):
    """What the checks above must catch: a title given to a widget as a plain string."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.article_title = title

    def compose(self) -> ComposeResult:
        yield Static(self.article_title)


async def test_the_checks_catch_a_naive_widget(data_dir: Path) -> None:
    """The same markup and clicks write a file when a widget parses markup (the check works)."""
    data_dir.mkdir(parents=True)
    before = data_dir_state(data_dir)
    app = NaiveApp(click_markup(data_dir)[0])
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.click(Static, offset=(2, 0))
        await pilot.pause(0.2)
    assert data_dir_state(data_dir) != before
    assert (data_dir / "owned.svg").exists()
    assert unsafe_chars([f"x{OSC_TITLE}"]) == ["U+0007", "U+001B"]


async def test_a_find_query_with_markup_is_literal_in_the_no_hits_toast(
    hostile: Path, data_dir: Path
) -> None:
    app = app_for(hostile, data_dir=data_dir)
    rang: list[bool] = []

    async def bell() -> None:
        rang.append(True)

    app.action_bell = bell  # type: ignore[method-assign]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("ctrl+f", *"[@click=app.bell]qqzz[/]", "enter", "n")
        await wait_until(pilot, lambda: "No hits" in screen_text(app))
        shown_literally = "[@click=app.bell]qqzz[/]" in screen_text(app)
        for y, line in enumerate(screen_text(app).splitlines()):
            if "qqzz" in line:
                await pilot.click(offset=(cell_len(line[: line.index("qqzz")]) + 1, y))
        await pilot.pause()
        assert rang == []
        assert screen.is_attached and app.is_running
        assert shown_literally


async def test_a_long_web_link_is_shown_in_full_or_refused(
    hostile: Path, data_dir: Path, no_side_effects: dict[str, list[object]]
) -> None:
    url = "https://example.com/?" + "a" * 5_000 + "&then=evil.example"
    app = app_for(hostile, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_loaded(pilot, app)
        screen.links.activate(url)
        await pilot.pause()
        if app.screen is not screen:  # asked: the whole address must be readable
            assert "https://example.com/?aaa" in screen_text(app)
            assert "evil.example" in screen_text(app)
            await pilot.press("y")
            await pilot.pause()
        else:
            assert any("Link not followed" in str(n.message) for n in app._notifications)
        assert no_side_effects["browser"] in ([], [url])


async def test_search_results_and_snippets_are_inert(hostile: Path, data_dir: Path) -> None:
    app = app_for(hostile, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"pwned")
        await wait_until(pilot, lambda: "result" in screen_text(app))
        assert "No results" not in screen_text(app)
        await pilot.pause(0.3)
        assert "\u241b]0;pwned" in screen_text(app)  # snippets show the attack as text
        assert_inert(app, "search results")
        await pilot.press("escape")
        assert app.is_running
