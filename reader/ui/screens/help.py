"""Every key, read from the bindings themselves so the help can never drift from the app.

Keys are shown as people write them (`/`, `]`, `ctrl+f`: Textual's `format_key`, not the
binding names `slash`, `right_square_bracket`) and grouped by where they work. Where a binding
lives mostly decides its group (the list's own keys, the reading view's, the selection's, the
search dialog's, the notes panel's); the main screen's keys are placed by the key set they come
from, and a small table places the few that work in one pane only. A key is described by the
title of the command that runs the same action (`reader.ui.commands`), so the palette and the
help call it the same thing, else by its binding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.sanitize import safe_text
from reader.ui.commands import COMMANDS

GENERAL, LIST, READING, SELECTION, SEARCH, NOTES = (
    "Everywhere",
    "In the list",
    "While reading",
    "Selecting text (after v)",
    "Search (/) and find (ctrl+f)",
    "Notes and highlights",
)
MAIN_SCREEN_PLACES = {
    "focus_filter": LIST,
    "escape": LIST,
    "cycle_sort": LIST,
    "toggle_read": LIST,
    "reverse_sort": LIST,
    "saved_search": LIST,
    "back_to_list": READING,
    "toggle_full_screen": READING,
    "toggle_full_width": READING,
    "show_links": READING,
    "select_text": SELECTION,
}
"""Main-screen actions that belong with one pane rather than with the key set they come from;
they lead their group, before the pane's own keys."""
RUNS = {"saved_search": "Show a saved search's articles (ctrl+s in search saves one)"}
"""Actions bound to a run of digits, shown as one line (`1…9`) with this description."""
KEY_WORDS = {"enter": "enter", "pagedown": "PgDn", "pageup": "PgUp"}
"""The few keys people write differently from `format_key` (which gives ⏎, pgdn)."""
_COMMAND_TITLES = {command.action: command.title for command in COMMANDS}

SEARCH_SYNTAX = (
    ("whale song", "articles with both words (title, text, author, notes)"),
    ('"killer whale"', "the exact phrase"),
    ("comput*", "words starting with comput"),
    ("-draft", 'leave out that word; -"first draft" that phrase'),
    ("rust OR go", "either word"),
    ("title:rust", 'only in titles; author:"Ada Lovelace" in authors'),
    ("tag:python", "by tag; in:FOLDER in a folder of that name"),
    ("is:unread", "by reading state (is:read too)"),
    ("after:2024-01-01", "by date (day, month or year); before:2024-07 too"),
    ("", "killers finds killer, cafe finds café, 羅生門 is found without spaces;"),
    ("", "the word being typed also matches as a prefix. Invalid syntax = plain words."),
    ("", "Find (ctrl+f) ignores accents, and case unless you type capitals."),
)


def key_label(keys: str) -> str:
    """`"slash"` → `/`, `"j,down"` → `j, ↓`: a binding's keys as people write them."""
    return ", ".join(KEY_WORDS.get(key, format_key(key)) for key in keys.split(","))


def _action_name(binding: Binding) -> str:
    return binding.action.split("(", 1)[0]


def _description(binding: Binding) -> str:
    return _COMMAND_TITLES.get(binding.action) or binding.tooltip or binding.description


def _place(
    bindings: Iterable[BindingType], default: str, places: dict[str, str] | None = None
) -> list[tuple[str, int, Binding]]:
    """(group, 0 if the table placed it else 1, binding) for each described binding."""
    placed = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            place = (places or {}).get(_action_name(binding))
            placed.append((place or default, 0 if place else 1, binding))
    return placed


def _rows(bindings: Sequence[Binding]) -> list[tuple[str, str]]:
    """One row per action; a run of digits bound to one action becomes `1…9`."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        name = _action_name(binding)
        if name in RUNS and binding.key.isdigit() and binding.key != "0":
            keys, _ = rows.setdefault(f"run:{name}", ([], RUNS[name]))
            keys.append(binding.key)
            continue
        keys, _ = rows.setdefault(binding.action, ([], _description(binding)))
        keys.append(key_label(binding.key))
    return [(_keys_of(row, keys), text) for row, (keys, text) in rows.items()]


def _keys_of(row: str, keys: list[str]) -> str:
    if row.startswith("run:") and len(keys) > 1:
        return f"{keys[0]}…{keys[-1]}"
    return ", ".join(keys)


def help_sections(app: App[object] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help's groups in order, each with its (keys, what they do) rows.

    Args:
        app: the running app, whose own bindings and main screen's are read (the classes'
            when None).
    """
    from reader.ui.app import ReaderApp
    from reader.ui.screens.main import MainScreen
    from reader.ui.screens.notes_mixin import NOTES_BINDINGS
    from reader.ui.screens.search import SearchScreen
    from reader.ui.screens.search_mixin import SEARCH_BINDINGS
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.notes_panel import NotesPanel
    from reader.ui.widgets.reading_view import ReadingView
    from reader.ui.widgets.selection import SELECTION_BINDINGS

    app_class = type(app) if app is not None else ReaderApp
    stack = app.screen_stack if app is not None else []
    main = next((type(s) for s in stack if isinstance(s, MainScreen)), MainScreen)
    own = {id(b) for b in (*SEARCH_BINDINGS, *NOTES_BINDINGS)}
    selection = {id(b) for b in SELECTION_BINDINGS}
    placed = [
        *_place(app_class.BINDINGS, GENERAL),
        *_place((b for b in main.BINDINGS if id(b) not in own), GENERAL, MAIN_SCREEN_PLACES),
        *_place(ArticleList.BINDINGS, LIST),
        *_place((b for b in ReadingView.BINDINGS if id(b) not in selection), READING),
        *_place(SELECTION_BINDINGS, SELECTION),
        *_place(SEARCH_BINDINGS, SEARCH, MAIN_SCREEN_PLACES),
        *_place(SearchScreen.BINDINGS, SEARCH),
        *_place(NOTES_BINDINGS, NOTES, MAIN_SCREEN_PLACES),
        *_place(NotesPanel.BINDINGS, NOTES),
    ]
    groups = (GENERAL, LIST, READING, SELECTION, SEARCH, NOTES)
    placed.sort(key=lambda entry: entry[1])  # stable: within a rank, the bindings' own order
    return [(group, _rows([b for place, _, b in placed if place == group])) for group in groups]


class HelpScreen(ModalScreen[None]):
    """The keys by group, the search syntax, and a word on the mouse; scrolls like the app."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="close-help"),
        Binding("j,down", "scroll_lines(1)", "Scroll down", show=False, id="help-down"),
        Binding("k,up", "scroll_lines(-1)", "Scroll up", show=False, id="help-up"),
        Binding("space,pagedown", "scroll_pages(1)", "Page down", show=False, id="help-page-down"),
        Binding("b,pageup", "scroll_pages(-1)", "Page up", show=False, id="help-page-up"),
        Binding("g,home", "scroll_to_end(False)", "Top", show=False, id="help-top"),
        Binding("G,end", "scroll_to_end(True)", "End", show=False, id="help-end"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help"):
            yield Static(safe_text("Keys  (esc to close, j/k to scroll)"), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self._table(), id="help-keys")
                yield Static(
                    safe_text(
                        "Mouse: click a row to select it, click a link to follow it, scroll with "
                        "the wheel. ctrl+p opens the command palette, which offers every action. "
                        "The getting-started article in the samples explains the rest.",
                        single_line=False,
                    ),
                    id="help-footer",
                )

    @property
    def _scroll(self) -> VerticalScroll:
        return self.query_one("#help-scroll", VerticalScroll)

    def action_scroll_lines(self, lines: int) -> None:
        self._scroll.scroll_relative(y=lines, animate=False, immediate=True)

    def action_scroll_pages(self, pages: int) -> None:
        scroll = self._scroll
        page = max(scroll.scrollable_content_region.height - 1, 1)
        scroll.scroll_relative(y=pages * page, animate=False, immediate=True)

    def action_scroll_to_end(self, end: bool) -> None:
        scroll = self._scroll
        scroll.scroll_to(y=scroll.max_scroll_y if end else 0, animate=False, immediate=True)

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right", min_width=12)
        table.add_column()
        sections = [*help_sections(self.app), ("Search syntax", list(SEARCH_SYNTAX))]
        for index, (title, rows) in enumerate(sections):
            if index:
                table.add_row(Text(""), Text(""))
            table.add_row(Text(""), Text(title, style="bold underline"))
            for key, description in rows:
                table.add_row(safe_text(key), safe_text(description))
        return table
