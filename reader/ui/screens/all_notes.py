"""Every note and highlight in the library: newest first, grouped by article, filtered as you
type; enter goes to the passage (the screen opens the article and scrolls to it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.fold import fold
from reader.core.notes import ArticleNotes, NotesError, NotesStore
from reader.core.sanitize import safe_text
from reader.ui.widgets.notes_panel import highlight_prompt
from reader.ui.workers import background

FILTER_HINT = "Type to filter (title, note, quote, comment)"


@dataclass(frozen=True)
class NotesTarget:
    """Where the reader asked to go: an article, and in it a highlight (or its note)."""

    article_id: int
    highlight_id: str | None = None


class AllNotesScreen(ModalScreen[NotesTarget | None]):
    DEFAULT_CSS = """
    AllNotesScreen #dialog { height: 90%; }
    AllNotesScreen #all-notes-filter { border: none; height: 1; padding: 0 1; margin-bottom: 1; }
    AllNotesScreen #all-notes-list { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="all-notes-close"),
        Binding("down", "to_list", "To the list", show=False, id="all-notes-down"),
    ]

    def __init__(self, notes: NotesStore) -> None:
        super().__init__()
        self.notes = notes
        self.items: list[ArticleNotes] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe_text("All notes"), classes="dialog-title", id="all-title")
            yield Input(placeholder=FILTER_HINT, id="all-notes-filter")
            yield OptionList(id="all-notes-list")

    def on_mount(self) -> None:
        self.query_one("#all-notes-filter", Input).focus()
        self._load()

    @background("loading all notes", exclusive=True)
    def _load(self) -> None:
        try:
            items = self.notes.collect()
        except NotesError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._loaded, items)

    def _failed(self, message: str) -> None:
        title = self.query_one("#all-title", Static)
        title.update(safe_text(f"Notes could not be read: {message}"))

    def _loaded(self, items: list[ArticleNotes]) -> None:
        self.items, self.loaded = items, True
        self._show(self.query_one("#all-notes-filter", Input).value)

    @on(Input.Changed, "#all-notes-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.loaded:
            self._show(event.value)

    @on(Input.Submitted, "#all-notes-filter")
    def _filter_submitted(self) -> None:
        options = self.query_one("#all-notes-list", OptionList)
        options.focus()
        if options.highlighted is None and options.option_count:
            options.action_first()

    def _show(self, query: str) -> None:
        words = fold(query).split()
        options = self.query_one("#all-notes-list", OptionList)
        options.clear_options()
        shown = 0
        for item in self.items:
            entries = list(_entries(item, words))
            if entries:
                shown += 1
                options.add_options(entries)
        noun = "article" if shown == 1 else "articles"
        title = f"All notes and highlights: {shown} {noun}, newest first"
        if not self.items:
            title = "No notes or highlights yet: a opens the notes panel, v selects text"
        self.query_one("#all-title", Static).update(safe_text(title))

    @on(OptionList.OptionSelected, "#all-notes-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        kind, _, rest = (event.option.id or "").partition(":")
        article, _, highlight = rest.partition(":")
        if kind in ("note", "hl") and article.isdigit():
            self.dismiss(NotesTarget(int(article), highlight or None))

    def action_to_list(self) -> None:
        self._filter_submitted()

    def action_close(self) -> None:
        self.dismiss(None)


def _matches(words: list[str], *texts: str) -> bool:
    haystack = fold("\n".join(texts))
    return all(word in haystack for word in words)


def _entries(item: ArticleNotes, words: list[str]) -> Iterator[Option]:
    """The article's heading and its matching note and highlights (all, if its title matches)."""
    article = item.article
    title = article.title or article.path.name
    whole = bool(words) and _matches(words, title, str(article.path))
    found: list[Option] = []
    if item.note is not None and (whole or _matches(words, item.note.text)):
        prompt = Text.assemble(("  Note: ", "bold"), safe_text(item.note.text, limit=300))
        found.append(Option(prompt, id=f"note:{article.id}"))
    for highlight in item.highlights:
        if highlight.deleted:
            continue
        if whole or _matches(words, highlight.quote, highlight.comment):
            prompt = Text.assemble("  ", highlight_prompt(highlight, limit=300))
            found.append(Option(prompt, id=f"hl:{article.id}:{highlight.id}"))
    if found:
        heading = Text.assemble(
            safe_text(title, "bold", limit=200),
            safe_text(f"  · {article.path.name}", "dim", limit=200),
            safe_text("  (file missing)" if article.missing else "", "italic"),
        )
        yield Option(heading, disabled=True)
        yield from found
