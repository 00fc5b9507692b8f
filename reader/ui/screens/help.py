"""Every key, read from the bindings themselves so the help can never drift from the app."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.sanitize import safe_text

KEY_NAMES = {
    "question_mark": "?",
    "space": "space",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "ctrl+p": "ctrl+p",
    "escape": "esc",
}


SEARCH_SYNTAX = (
    ("whale song", "articles with both words (title, text, author, notes)"),
    ('"killer whale"', "the exact phrase"),
    ("comput*", "words starting with comput"),
    ('-draft  -"first draft"', "leave out that word or phrase"),
    ("rust OR go", "either word"),
    ('title:rust  author:"Ada Lovelace"', "only in the title / the author"),
    ("tag:python  in:FOLDER", "by tag; in a folder of that name"),
    ("is:read  is:unread", "by reading state"),
    ("after:2024-01-01  before:2024-07", "by date (day, month or year)"),
    ("", "killers finds killer, cafe finds café, 羅生門 is found without spaces;"),
    ("", "the word being typed also matches as a prefix. Invalid syntax = plain words."),
    ("ctrl+f", "find in the article: ignores accents, and case unless you type capitals"),
)


def _key_label(keys: str) -> str:
    return " ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


def _rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            rows.append((_key_label(binding.key), binding.description))
    return rows


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    from reader.ui.app import ReaderApp
    from reader.ui.screens.main import MainScreen
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.reading_view import ReadingView

    return [
        ("Everywhere", _rows(ReaderApp.BINDINGS)),
        ("Library", _rows(MainScreen.BINDINGS)),
        ("Article list", _rows(ArticleList.BINDINGS)),
        ("Reading pane", _rows(ReadingView.BINDINGS)),
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help", id="close-help")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help"):
            yield Static(safe_text("Keys  (esc to close)"), classes="dialog-title")
            with VerticalScroll():
                yield Static(self._table(), id="help-keys")
                yield Static(self._search_table(), id="help-search")
                yield Static(
                    safe_text(
                        "Mouse: click a row to select it, click a link to follow it, scroll with "
                        "the wheel. ctrl+p opens the command palette, which offers every action. "
                        "The getting-started article in the samples explains the rest.",
                        single_line=False,
                    ),
                    id="help-footer",
                )

    def _search_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", min_width=12)
        table.add_column()
        table.add_row(Text(""), Text(""))
        table.add_row(Text(""), Text("Search (/) syntax", style="bold underline"))
        for syntax, meaning in SEARCH_SYNTAX:
            table.add_row(safe_text(syntax), safe_text(meaning))
        return table

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right", min_width=12)
        table.add_column()
        for title, rows in help_sections():
            table.add_row(Text(""), Text(""))
            table.add_row(Text(""), Text(title, style="bold underline"))
            for key, description in rows:
                table.add_row(safe_text(key), safe_text(description))
        return table
