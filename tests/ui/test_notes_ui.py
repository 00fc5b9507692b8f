"""Notes and highlights through the real app: the note panel, selecting and highlighting by
keyboard and mouse, comments, jumping, delete and undo, anchors that follow an edited file,
the list's marks, all notes, export, and failures that keep the reader's text."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import OptionList

from reader.core.notes import NotesReadOnly, NotesStore
from reader.ui.app import ReaderApp
from reader.ui.document_layout import DEFAULT_STYLES
from reader.ui.screens.all_notes import AllNotesScreen
from reader.ui.screens.highlight_comment import HighlightCommentScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.note_conflict import NoteConflictScreen
from reader.ui.widgets.notes_panel import SAVED_MARK
from tests.ui.helpers import app_for, screen_text, wait_loaded, wait_until

SIZE = (150, 40)
FIRST = "The quick brown fox jumps over the lazy dog. It was not amused by the dog at all."
RIVERS = "Paragraph two talks about rivers. Rivers run to the sea and never come back."
FILLER = [f"Filler paragraph {n} has enough words to make the article scroll." for n in range(60)]
LAST = "The final passage speaks of mountains and snowy peaks. Climbers love them."


def write_essay(folder: Path, paragraphs: list[str]) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "essay.md"
    front = "---\ntitle: A test essay\ndate: 2026-01-01\n---\n\n"
    path.write_text(front + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def essay(tmp_path: Path) -> Path:
    """A library of one article long enough to scroll."""
    folder = tmp_path / "essay-library"
    write_essay(folder, [FIRST, RIVERS, *FILLER, LAST])
    return folder


def stored(data_dir: Path) -> NotesStore:
    return NotesStore.open(data_dir)


def highlight_bg(color: str = "yellow") -> object:
    return DEFAULT_STYLES[f"highlight-{color}"].bgcolor


def styles_of_word(screen: MainScreen, word: str) -> list[Style]:
    """The styles the reading pane draws `word` in, wherever it is in view."""
    view = screen.reading_view
    found: list[Style] = []
    for y in range(view.scrollable_content_region.height):
        strip = view.render_line(y)
        for segment in strip:
            if word in segment.text and segment.style is not None:
                found.append(segment.style)
    return found


def cell_of(screen: MainScreen, word: str) -> tuple[int, int]:
    """Where `word` is drawn in the reading pane (x, y), for mouse tests."""
    view = screen.reading_view
    for y in range(view.scrollable_content_region.height):
        text = view.render_line(y).text
        if word in text:
            return text.index(word), y
    raise AssertionError(f"{word!r} is not in view")


def all_notes_listed(app: ReaderApp) -> list[str]:
    """The entries of the all-notes screen, as text."""
    options = app.screen.query_one("#all-notes-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def open_essay(pilot: Pilot, app: ReaderApp) -> MainScreen:
    screen = await wait_loaded(pilot, app)
    await pilot.press("enter")  # open it: the reading pane has focus
    await wait_until(pilot, lambda: screen.reading_view.has_focus)
    await wait_until(pilot, lambda: screen._highlights_of == screen.current.id)
    return screen


async def scroll_to(pilot: Pilot, screen: MainScreen, passage: str) -> None:
    """Scroll so that `passage` starts the top line, as paging down to it would."""
    screen.reading_view.scroll_to_offset(screen.article_text.index(passage))
    await pilot.pause()
    assert passage[:20] in screen.reading_view.render_line(0).text


async def highlight_first_words(pilot: Pilot, screen: MainScreen, words: int = 3) -> None:
    before = len(screen.highlights)
    await pilot.press("v", *["w"] * words, "h")
    await wait_until(pilot, lambda: len(screen.highlights) == before + 1)


# -- the note ----------------------------------------------------------------------------------


async def test_a_note_is_saved_as_you_type_and_is_there_after_a_restart(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("a")
        panel = screen.notes_panel
        await wait_until(pilot, lambda: panel.editor.has_focus)
        await pilot.press(*"Foxes are quick.")
        assert panel.status == "editing…"
        await wait_until(pilot, lambda: panel.status == SAVED_MARK)
        assert SAVED_MARK in screen_text(app)
        await pilot.press("escape")  # back to the article
        assert screen.reading_view.has_focus
    assert stored(data_dir).note(1).text == "Foxes are quick."
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("a")
        await wait_until(pilot, lambda: screen.notes_panel.editor.text == "Foxes are quick.")
        assert "Foxes are quick." in screen_text(app)


async def test_quitting_right_after_typing_saves_the_note(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("a", *"last words")
        assert screen.notes_panel.dirty
        await pilot.press("escape", "q")  # before the autosave's half second is up
    assert stored(data_dir).note(1).text == "last words"


async def test_typing_then_switching_article_saves_and_returning_shows_it(
    library: Path, data_dir: Path
) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot, app)
        first = screen.current
        await wait_until(pilot, lambda: screen.notes_panel.editable)
        await pilot.press("a", *"on the first one", "escape", "tab", "j")  # the next article
        await wait_until(pilot, lambda: screen.current.id != first.id)
        assert stored(data_dir).note(first.id).text == "on the first one"
        await wait_until(pilot, lambda: screen.notes_panel.editable)
        assert screen.notes_panel.editor.text == ""
        await pilot.press("k")
        await wait_until(pilot, lambda: screen.notes_panel.editor.text == "on the first one")
        assert screen.notes_panel.status == SAVED_MARK


@pytest.fixture
def read_only_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every note save fails as it would in a read-only data directory (root ignores chmod)."""

    def refuse(self: NotesStore, *args: object, **kwargs: object) -> object:
        raise NotesReadOnly("cannot save the note: the data directory is read-only")

    monkeypatch.setattr(NotesStore, "save_note", refuse)


@pytest.mark.usefixtures("read_only_notes")
async def test_a_read_only_store_shows_why_and_keeps_the_text(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("a", *"precious thoughts")
        panel = screen.notes_panel
        await wait_until(pilot, lambda: panel.status.startswith("not saved"))
        assert "read-only" in panel.status
        assert panel.editor.text == "precious thoughts"
        await wait_until(
            pilot, lambda: any("read-only" in str(n.message) for n in app._notifications)
        )
        await pilot.press(*" and more")  # typing on tries again, and still keeps everything
        await wait_until(pilot, lambda: panel.status.startswith("not saved"))
        assert panel.editor.text == "precious thoughts and more"


async def test_a_note_changed_by_another_process_keeps_both_texts(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("a", *"mine")
        await wait_until(pilot, lambda: screen.notes_panel.status == SAVED_MARK)
        other = stored(data_dir)  # another reader process saves over it meanwhile
        assert other.save_note(1, "theirs", expected_version=1).__class__.__name__ == "Saved"
        await pilot.press(*" again")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteConflictScreen))
        await wait_until(pilot, lambda: "theirs" in screen_text(app))
        await pilot.press("escape")  # escape keeps both
        await wait_until(pilot, lambda: screen.notes_panel.status == SAVED_MARK)
        text = other.note(1).text
        assert text.startswith("mine again") and "theirs" in text
        assert screen.notes_panel.editor.text == text


# -- highlights --------------------------------------------------------------------------------


async def test_highlight_by_keyboard_is_stored_and_drawn(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("v", "w", "w", "w")
        assert screen.reading_view.selecting
        assert any(
            style.bgcolor == DEFAULT_STYLES["selection"].bgcolor
            for style in styles_of_word(screen, "quick")
        )
        await pilot.press("h")
        await wait_until(pilot, lambda: len(screen.highlights) == 1)
        assert not screen.reading_view.selecting
        assert [h.quote for h in screen.highlights] == ["The quick brown"]
        assert any(style.bgcolor == highlight_bg() for style in styles_of_word(screen, "quick"))
        assert not any(style.bgcolor == highlight_bg() for style in styles_of_word(screen, "fox"))
    [item] = stored(data_dir).highlights(1)
    assert (item.quote, item.color) == ("The quick brown", "yellow")


async def test_selection_moves_by_sentence_and_escape_cancels(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        view = screen.reading_view
        await pilot.press("v", "right_parenthesis")
        text = view.text
        assert text[slice(*view.selection)] == FIRST.split(". ")[0] + "."
        await pilot.press("right_curly_bracket")
        assert text[slice(*view.selection)] == FIRST
        await pilot.press("escape")
        assert not view.selecting
        await pilot.press("w")  # outside selection mode w is the screen's full width again
        assert view.full_width


async def test_highlight_by_mouse_drag(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        view = screen.reading_view
        start = cell_of(screen, "talks about rivers")
        end = (start[0] + len("talks about rivers") - 1, start[1])
        await pilot.mouse_down(view, offset=start)
        await pilot.hover(view, offset=(start[0] + 4, start[1]))
        await pilot.hover(view, offset=end)
        await pilot.mouse_up(view, offset=end)
        await pilot.pause()
        assert view.selecting
        assert view.text[slice(*view.selection)] == "talks about rivers"
        await pilot.press("h")
        await wait_until(pilot, lambda: len(screen.highlights) == 1)
        assert screen.highlights[0].quote == "talks about rivers"
        assert any(style.bgcolor == highlight_bg() for style in styles_of_word(screen, "rivers"))


async def test_comment_on_a_new_highlight_and_edit_it(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("v", "right_parenthesis", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, HighlightCommentScreen))
        await pilot.press(*"classic pangram", "enter")
        await wait_until(
            pilot, lambda: [h.comment for h in screen.highlights] == ["classic pangram"]
        )
        await pilot.press("a")  # the panel lists it with its comment
        await pilot.pause()
        assert "classic pangram" in screen_text(app)
        await pilot.press("escape", "c")  # c on the highlight in view edits it
        await wait_until(pilot, lambda: isinstance(app.screen, HighlightCommentScreen))
        await pilot.press("ctrl+u", *"a pangram", "tab", "right", "space", "ctrl+s")
        await wait_until(pilot, lambda: screen.highlights[0].comment == "a pangram")
        assert screen.highlights[0].color == "green"
    [item] = stored(data_dir).highlights(1)
    assert (item.comment, item.color) == ("a pangram", "green")


async def test_brackets_jump_between_highlights(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        view = screen.reading_view
        await highlight_first_words(pilot, screen)
        await pilot.press("G", "v")  # the caret is on the top line in view
        before_last = view.text.index(LAST) - 2
        for _ in range(20):  # paragraph by paragraph down to the one before the last
            if view.caret == before_last:
                break
            await pilot.press("right_curly_bracket")
        await pilot.press("v", "right_curly_bracket", "h")  # v again: select from here
        await wait_until(pilot, lambda: len(screen.highlights) == 2)
        first, last = screen.highlights
        assert last.quote == LAST
        await pilot.press("g", "right_square_bracket")
        assert screen._current_highlight == first.id
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen._current_highlight == last.id
        assert view.offset_in_view(last.start)
        assert not view.offset_in_view(first.start)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen._current_highlight == first.id
        assert view.offset_in_view(first.start)


async def test_the_panel_lists_highlights_and_enter_goes_to_one(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await highlight_first_words(pilot, screen)
        await pilot.press("G", "v")
        while screen.reading_view.caret != screen.article_text.index(LAST) - 2:
            await pilot.press("right_curly_bracket")
        await pilot.press("v", "right_parenthesis", "h")
        await wait_until(pilot, lambda: len(screen.highlights) == 2)
        await pilot.press("g", "a", "tab")  # the panel, then from the note to its list
        listed = screen.notes_panel.query_one("#highlight-list", OptionList)
        assert listed.has_focus and listed.option_count == 2
        assert "The quick brown" in screen_text(app) and "mountains" in screen_text(app)
        await pilot.press("home", "down", "enter")
        await pilot.pause()
        assert screen.reading_view.has_focus
        last = screen.highlights[1]
        assert screen._current_highlight == last.id
        assert screen.reading_view.offset_in_view(last.start)
        await pilot.press("a")  # a hides the panel...
        assert not screen.notes_panel.display
        await pilot.press("a", "tab", "home", "x")  # ...and shows it; x acts on the list's choice
        await wait_until(pilot, lambda: len(screen.highlights) == 1)
        assert screen.highlights[0].quote == last.quote


async def test_delete_a_highlight_and_undo(essay: Path, data_dir: Path) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await highlight_first_words(pilot, screen)
        await pilot.press("x")
        await wait_until(pilot, lambda: screen.highlights == [])
        assert not any(style.bgcolor == highlight_bg() for style in styles_of_word(screen, "quick"))
        assert stored(data_dir).highlights(1) == []
        await pilot.press("U")
        await wait_until(pilot, lambda: len(screen.highlights) == 1)
        assert any(style.bgcolor == highlight_bg() for style in styles_of_word(screen, "quick"))
    assert [h.quote for h in stored(data_dir).highlights(1)] == ["The quick brown"]


# -- anchors that follow the file --------------------------------------------------------------


async def test_a_highlight_follows_its_passage_when_the_file_changes(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await scroll_to(pilot, screen, RIVERS)
        await pilot.press("v", "right_parenthesis", "h")
        await wait_until(pilot, lambda: len(screen.highlights) == 1)
        assert screen.highlights[0].quote == "Paragraph two talks about rivers."
        old_start = screen.highlights[0].start
    # Text inserted before it, and a word inside it changed.
    inserted = "A new opening paragraph was added here by an edit."
    changed = RIVERS.replace("talks about", "discusses")
    write_essay(essay, [inserted, FIRST, changed, *FILLER, LAST])
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await wait_until(pilot, lambda: len(screen.highlights) == 1)
        [item] = screen.highlights
        assert not item.orphaned
        assert item.quote == "Paragraph two discusses rivers."
        assert item.start > old_start
        assert screen.article_text[item.start : item.end] == item.quote
        await pilot.press("right_square_bracket")
        assert any(style.bgcolor == highlight_bg() for style in styles_of_word(screen, "discusses"))


async def test_a_highlight_whose_passage_is_gone_is_shown_orphaned(
    essay: Path, data_dir: Path
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("v", "right_curly_bracket", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, HighlightCommentScreen))
        await pilot.press(*"about the fox", "enter")
        await wait_until(pilot, lambda: screen.highlights and screen.highlights[0].comment)
    write_essay(essay, [RIVERS, *FILLER, LAST])  # the first paragraph is gone
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await wait_until(pilot, lambda: screen.highlights and screen.highlights[0].orphaned)
        await pilot.press("a")
        await pilot.pause()
        text = screen_text(app)
        assert "orphaned" in text and "The quick brown fox" in text and "about the fox" in text
        await pilot.press("escape", "A")
        await wait_until(
            pilot, lambda: isinstance(app.screen, AllNotesScreen) and app.screen.loaded
        )
        listed = "\n".join(all_notes_listed(app))
        assert "orphaned" in listed and "about the fox" in listed
    assert stored(data_dir).highlights(1)[0].comment == "about the fox"


# -- across the library ------------------------------------------------------------------------


async def test_annotated_articles_are_marked_in_the_list(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await wait_loaded(pilot, app)
        opened = screen.article_list.cursor_summary
        assert not opened.has_notes
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen._highlights_of == opened.id)
        await highlight_first_words(pilot, screen, words=2)
        await wait_until(pilot, lambda: screen.article_list.summary_for(opened.id).has_notes)
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await wait_loaded(pilot, app)
        await wait_until(pilot, lambda: screen.article_list.summary_for(opened.id).has_notes)
        others = [row for row in screen.article_list.rows if row.id != opened.id]
        assert not any(row.has_notes for row in others)
        await pilot.press("R")  # a rescan reloads every row: the mark stays
        await wait_until(pilot, lambda: not screen.scanning)
        await pilot.pause()
        assert screen.article_list.summary_for(opened.id).has_notes


async def test_all_notes_filters_and_jumps_to_the_passage(library: Path, data_dir: Path) -> None:
    app = app_for(library, data_dir=data_dir)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await wait_loaded(pilot, app)
        await pilot.press("f", *"hackers", "enter", "enter")
        hackers = screen.current
        await wait_until(pilot, lambda: screen._highlights_of == hackers.id)
        await pilot.press("G")
        await pilot.pause(0.2)
        await pilot.press("v", "right_parenthesis", "h")
        await wait_until(pilot, lambda: len(screen.highlights) == 1)
        quote = screen.highlights[0].quote
        await pilot.press("escape")
        await pilot.press("f", "ctrl+u", *"getting", "enter", "enter")  # another article
        await wait_until(pilot, lambda: screen.current.id != hackers.id)
        await wait_until(pilot, lambda: screen._highlights_of == screen.current.id)
        await highlight_first_words(pilot, screen, words=2)
        await pilot.press("A")
        await wait_until(
            pilot, lambda: isinstance(app.screen, AllNotesScreen) and app.screen.loaded
        )
        listed = all_notes_listed(app)
        assert any("Getting started" in line for line in listed)
        await pilot.press(*" ".join(quote.split()[0:3]))
        await pilot.pause()
        listed = all_notes_listed(app)
        assert not any("Getting started" in line for line in listed)  # filtered out
        assert any(quote[:40] in line for line in listed)
        await pilot.press("enter", "enter")  # to the list, then the first (only) highlight
        await wait_until(pilot, lambda: screen.current.id == hackers.id)
        await wait_until(pilot, lambda: screen._current_highlight is not None)
        item = screen.highlights[0]
        await wait_until(pilot, lambda: screen.reading_view.offset_in_view(item.start))
        assert item.quote == quote


async def _ask_to_export(pilot: Pilot, app: ReaderApp) -> None:
    """Highlight something, then "Export notes" from the palette, up to its path question."""
    screen = await open_essay(pilot, app)
    await highlight_first_words(pilot, screen)
    await pilot.press("ctrl+p", *"export notes")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_until(pilot, lambda: "Write to" in screen_text(app))


async def test_export_from_the_palette_asks_where_and_defaults_to_the_data_dir(
    essay: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"  # the folder reader was started from (a git tree, say)
    out.mkdir()
    monkeypatch.chdir(out)
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _ask_to_export(pilot, app)
        assert str(data_dir / "exports") in screen_text(app)
        await pilot.press("enter")  # the default
        await wait_until(pilot, lambda: list((data_dir / "exports").glob("reader-notes-*.md")))
        await wait_until(
            pilot, lambda: any("exported" in str(n.message) for n in app._notifications)
        )
    assert list(out.iterdir()) == []  # nothing left in the current folder
    [written] = (data_dir / "exports").glob("reader-notes-*.md")
    text = written.read_text(encoding="utf-8")
    assert "A test essay" in text and "> The quick brown" in text


async def test_export_to_a_path_the_user_types(essay: Path, data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "mine" / "notes.md"
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _ask_to_export(pilot, app)
        await pilot.press("ctrl+u", *str(target), "enter")
        await wait_until(pilot, target.exists)
    assert "> The quick brown" in target.read_text(encoding="utf-8")


def test_every_highlight_colour_has_a_style_in_the_reading_pane() -> None:
    from reader.core.notes import COLORS
    from reader.ui.screens import highlights_mixin

    assert highlights_mixin.COLORS == COLORS  # spelled out there to keep start-up light
    assert all(f"highlight-{color}" in DEFAULT_STYLES for color in COLORS)


@pytest.mark.usefixtures("read_only_notes")
async def test_quitting_with_a_note_that_cannot_be_saved_asks_first(
    essay: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(essay, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_essay(pilot, app)
        await pilot.press("a", *"unsaveable words")
        await wait_until(pilot, lambda: screen.notes_panel.status.startswith("not saved"))
        exits: list[bool] = []
        monkeypatch.setattr(app, "exit", lambda *args, **kwargs: exits.append(True))
        await app.action_quit()
        await pilot.pause()
        assert exits == []  # the first q warns instead of dropping the text
        assert screen.notes_panel.editor.text == "unsaveable words"
        assert any("could not be saved" in str(n.message) for n in app._notifications)
        await app.action_quit()
        assert exits == [True]  # the second q means it
