"""Links and help at 80×24, through the real app: `#anchor` links jump within the article,
a link that can't reach a browser offers to copy it, the help shows every key as people write
it and scrolls, the links list moves with j/k, and the highlight dialog saves on enter."""

from __future__ import annotations

import re
import webbrowser
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.ui.app import ReaderApp
from reader.ui.document_layout import DEFAULT_STYLES
from reader.ui.screens.confirm_link import ConfirmLinkScreen
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.highlight_comment import HighlightCommentScreen
from reader.ui.screens.link_picker import LinkPickerScreen
from reader.ui.screens.main import MainScreen
from tests.ui.helpers import app_for, main_screen, screen_text, toasts, wait_until

SIZE = (80, 24)
URL = "https://example.org/a/long/path?q=otters"
FILLER = "\n\n".join(f"Filler paragraph {n} keeps the reader busy for a while." for n in range(40))
ESSAY = f"""---
title: Footnoted essay
---

Otters hold hands while they sleep.[^1] How we know is in [the method](#the-method); there is
also [a missing place](#nowhere) and [the web]({URL}).

{FILLER}

## The method

Observers counted METHOD-MARKER pairs at dawn.

{FILLER}

[^1]: FOOTNOTE-BODY: seen in Monterey Bay.
"""
PARAGRAPH = "<p>{} filler {} says something long enough to count as text.</p>"
PAGE = f"""<html><head><title>Saved page</title></head><body><article>
<h1>Saved page</h1>
<p>An introduction that links to <a href="#results-table">the results</a> of the survey, with
enough words to be taken for the main text of the page by the extractor.</p>
{"".join(PARAGRAPH.format("Page", n) for n in range(40))}
<h2 id="results-table">What we found</h2>
<p>PAGE-RESULTS: otters everywhere, and more words so the paragraph is kept.</p>
{"".join(PARAGRAPH.format("After", n) for n in range(40))}
</article></body></html>
"""


@pytest.fixture
def essay(tmp_path: Path) -> Path:
    folder = tmp_path / "essays"
    folder.mkdir()
    (folder / "essay.md").write_text(ESSAY, encoding="utf-8")
    return folder


def visible_lines(screen: MainScreen) -> str:
    """What the reading pane shows right now."""
    view = screen.reading_view
    return "\n".join(view.render_line(y).text for y in range(view.scrollable_content_region.height))


async def open_article(pilot: Pilot, app: ReaderApp) -> MainScreen:
    """Open the library's first article with enter, as a reader does; the article has focus."""
    screen = main_screen(app)
    await wait_until(pilot, lambda: not screen.scanning and screen.current is not None)
    await pilot.press("enter")  # at 80 columns this may open it over the list
    await wait_until(pilot, lambda: screen.reading_view.finished and visible_lines(screen).strip())
    await pilot.pause()
    return screen


async def open_links(pilot: Pilot, app: ReaderApp) -> None:
    await pilot.press("o")
    await wait_until(pilot, lambda: isinstance(app.screen, LinkPickerScreen))


# Anchors -------------------------------------------------------------------------------------


async def test_a_footnote_reference_jumps_to_the_footnote(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_article(pilot, app)
        assert "FOOTNOTE-BODY" not in visible_lines(screen)
        await open_links(pilot, app)
        assert "#fn-1" in screen_text(app)
        await pilot.press("enter")  # the first link: the footnote reference [1]
        await wait_until(pilot, lambda: "FOOTNOTE-BODY" in visible_lines(screen))


async def test_links_list_moves_with_j_and_a_heading_link_jumps_there(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_article(pilot, app)
        await open_links(pilot, app)
        await pilot.press("j", "enter")  # the second link: #the-method
        await wait_until(pilot, lambda: "METHOD-MARKER" in visible_lines(screen))
        assert "FOOTNOTE-BODY" not in visible_lines(screen)
        await open_links(pilot, app)
        await pilot.press("j", "k", "enter")  # k comes back up: the footnote again
        await wait_until(pilot, lambda: "FOOTNOTE-BODY" in visible_lines(screen))


async def test_a_link_to_a_place_that_does_not_exist_says_so(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_article(pilot, app)
        top = visible_lines(screen)
        await open_links(pilot, app)
        await pilot.press("j", "j", "enter")  # #nowhere
        await wait_until(pilot, lambda: any("#nowhere" in toast for toast in toasts(app)))
        assert "no place called" in " ".join(toasts(app))
        assert visible_lines(screen) == top


async def test_an_id_of_a_saved_page_is_found_in_the_page(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    app = app_for(folder, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_article(pilot, app)
        assert "What we found" not in visible_lines(screen)
        await open_links(pilot, app)
        assert "#results-table" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "What we found" in visible_lines(screen))
        assert "PAGE-RESULTS" in visible_lines(screen)


# Links that cannot reach a browser -----------------------------------------------------------


async def choose_web_link(pilot: Pilot, app: ReaderApp) -> None:
    await open_article(pilot, app)
    await open_links(pilot, app)
    await pilot.press("down", "down", "down", "enter")  # the fourth link: the web address
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmLinkScreen))


async def test_without_a_display_the_link_is_offered_for_copying(
    essay: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "MIR_SOCKET", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await choose_web_link(pilot, app)
        text = " ".join(screen_text(app).split())
        assert "can't be opened in a browser" in text
        assert "Copy" in text and URL in text
        await pilot.press("c")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmLinkScreen))
        assert app.clipboard == URL
        assert any("Copied" in toast and URL in toast for toast in toasts(app))
    assert opened == []  # no text browser was started in the app's own terminal


@pytest.mark.parametrize(
    "failing_open",
    [lambda url, *a, **k: False, lambda url, *a, **k: (_ for _ in ()).throw(webbrowser.Error())],
    ids=["returns-false", "raises"],
)
async def test_a_browser_that_fails_to_open_offers_to_copy(
    essay: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, failing_open: object
) -> None:
    monkeypatch.setattr(webbrowser, "open", failing_open)
    monkeypatch.setenv("DISPLAY", ":0")
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await choose_web_link(pilot, app)
        assert "Open this link in your browser?" in screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: "can't be opened" in " ".join(screen_text(app).split()))
        await pilot.press("enter")  # now enter copies: it is the one thing left to do
        await wait_until(pilot, lambda: app.clipboard == URL)
        assert not isinstance(app.screen, ConfirmLinkScreen)


# Help ------------------------------------------------------------------------------------------


async def test_help_shows_keys_as_people_write_them_in_groups(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=(80, 200)) as pilot:  # tall, to read it all at once
        await open_article(pilot, app)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        lines = [" ".join(line.split()) for line in screen_text(app).splitlines()]
        text = "\n".join(lines)
        for name in ("slash", "right_square_bracket", "left_curly_bracket", "question_mark"):
            assert name not in text
        for group in ("In the list", "While reading", "Selecting text", "Search", "Notes"):
            assert group in text
        for key, words in [
            ("/", "search"),
            ("]", "next highlight"),
            ("{", "paragraph"),
            (")", "sentence"),
            ("?", "Help"),
            ("ctrl+f", "Find"),
            ("ctrl+s", "Save search"),
            ("1…9", "saved search"),
            ("0", "All articles"),
        ]:
            row = re.compile(rf"│ {re.escape(key)} .*{words}", re.IGNORECASE)
            assert any(row.search(f"│ {line}") for line in lines), (key, words)
        assert not any("│ 2 " in f"│ {line}" for line in lines)  # the digits are one line


async def test_help_scrolls_with_j_and_k(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot, app)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        first = screen_text(app)
        assert "Notes and highlights" not in first  # far below at 24 rows
        await pilot.press(*"j" * 3)
        scrolled = screen_text(app)
        assert scrolled != first
        await pilot.press("G")
        assert "Mouse: click a row" in screen_text(app)  # the end
        await pilot.press("g", *"j" * 3, *"k" * 3)
        assert screen_text(app) == first


# The highlight dialog ----------------------------------------------------------------------


async def test_highlight_dialog_saves_on_enter_from_a_colour_chip(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_article(pilot, app)
        await pilot.press("v", "w", "w", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, HighlightCommentScreen))
        await pilot.press(*"sleepy", "tab", "right", "enter")  # enter on the chips, at green
        await wait_until(pilot, lambda: not isinstance(app.screen, HighlightCommentScreen))
        await wait_until(pilot, lambda: len(screen.highlights) == 1)
        assert (screen.highlights[0].comment, screen.highlights[0].color) == ("sleepy", "green")


async def test_highlight_dialog_enter_on_cancel_cancels(essay: Path, data_dir: Path) -> None:
    """Enter saves from anywhere except the one button that says otherwise."""
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_article(pilot, app)
        await pilot.press("v", "w", "w", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, HighlightCommentScreen))
        assert "Cancel (esc)" in screen_text(app)
        await pilot.press(*"never mind", "tab", "tab", "tab", "enter")  # chips, Save, Cancel
        await wait_until(pilot, lambda: not isinstance(app.screen, HighlightCommentScreen))
        await wait_until(pilot, lambda: len(screen.highlights) == 1)  # made before the dialog
        await app.workers.wait_for_complete()  # a save, had one started, is over
        await pilot.pause()
        assert screen.highlights[0].comment == ""


async def test_highlight_dialog_draws_each_chip_in_its_colour(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot, app)
        await pilot.press("v", "w", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, HighlightCommentScreen))
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        for color in ("yellow", "green", "blue", "pink", "purple"):
            wanted = DEFAULT_STYLES[f"highlight-{color}"].bgcolor
            drawn = [
                segment.style.bgcolor
                for strip in strips
                for segment in strip
                if color in segment.text and segment.style is not None
            ]
            assert wanted in drawn, color
