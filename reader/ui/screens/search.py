"""The search screen: ranked results over the whole library as you type.

Queries run in a thread worker; a result that arrives after a newer keystroke is dropped, so
typing never waits on the search and the list always matches the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.sanitize import inert, safe_text
from reader.core.session import STILL_INDEXING, LibrarySession
from reader.ui.widgets.safe_input import SafeInput
from reader.ui.workers import background

if TYPE_CHECKING:
    from reader.core.search.results import SearchResult, SearchResults

PLACEHOLDER = 'words  "a phrase"  prefix*  -not  a OR b  title: author: tag: in: is:read after:'
HIT_STYLE = "bold reverse"
MORE_RESULTS_DELAY = 0.05
REFRESH_WHILE_INDEXING = 1.5
"""Seconds between asking again while the index is still being filled."""
"""Results past the first screenful are added this long after it: after it is on screen."""


@dataclass(frozen=True)
class SearchChoice:
    """What the user picked: open this article with these hits highlighted."""

    article_id: int
    query: str
    kind: str


def snippet_text(snippet: str, spans: tuple[tuple[int, int], ...], style: str = "") -> Text:
    """A snippet with its hits emphasised; every character made inert, lengths kept."""
    text = safe_text(snippet, style, limit=None)
    if len(text.plain) == len(snippet):  # spans address the snippet one char for one
        for start, end in spans:
            text.stylize(HIT_STYLE, start, end)
    return text


class SearchScreen(ModalScreen[SearchChoice | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="close-search"),
        Binding("down", "focus_results", "Results", id="search-results", show=False),
        Binding("ctrl+s", "save_search", "Save search", id="save-search"),
    ]

    def __init__(self, session: LibrarySession, query: str = "") -> None:
        super().__init__()
        self.session = session
        self.initial = query
        self._serial = 0
        self._results: list[SearchChoice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="search"):
            yield Static(safe_text("Search the library"), classes="dialog-title")
            yield SafeInput(self.initial, placeholder=PLACEHOLDER, id="search-input")
            yield Static(id="search-summary")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()
        if self.initial:
            self._search(self.initial, typing=False)

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        clean = inert(event.value, limit=1_000)
        if clean != event.value:  # pasted control characters: shown as symbols, never raw
            event.input.value = clean
            return
        self._search(event.value, typing=True)

    @on(Input.Submitted, "#search-input")
    def _query_submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            results.highlighted = 0
            self._choose(0)

    def _search(self, query: str, *, typing: bool) -> None:
        self._serial += 1
        if not query.strip():
            self._show(self._serial, query, None)
            return
        self._run(query, typing, self._serial)

    @background("searching", exclusive=True, group="search")
    def _run(self, query: str, typing: bool, serial: int) -> None:
        results = self.session.search(query, typing=typing)
        self.app.call_from_thread(self._show, serial, query, results)

    def _show(self, serial: int, query: str, found: SearchResults | None) -> None:
        if serial != self._serial:
            return  # a newer keystroke's search is on its way
        summary = self.query_one("#search-summary", Static)
        options = self.query_one(OptionList)
        options.clear_options()
        self._results = []
        if found is None:
            summary.update(safe_text("Type to search titles, text and notes."))
            return
        total, results, notes = found.total, found.results, found.notes
        line = f"{total:,} result{'s' if total != 1 else ''}" if total else "No results"
        if total > len(results):
            line += f" (best {len(results)} shown)"
        if notes:
            line += " · " + "; ".join(notes)
        summary.update(safe_text(line))
        if STILL_INDEXING in notes:  # ask again soon: the index is still filling
            self.set_timer(REFRESH_WHILE_INDEXING, lambda: self._refresh(serial, query))
        self._results = [SearchChoice(r.article_id, query, r.kind) for r in results]
        # A screenful now, the rest after it is painted: laying out an option costs ~0.8 ms.
        first = max(4, options.scrollable_content_region.height // 3 + 1)
        options.add_options([Option(self._prompt(result)) for result in results[:first]])
        if len(results) > first:
            self.set_timer(MORE_RESULTS_DELAY, lambda: self._show_more(serial, results[first:]))

    def _refresh(self, serial: int, query: str) -> None:
        """The same query again, while nothing newer was typed."""
        if serial == self._serial:
            self._search(query, typing=False)

    def _show_more(self, serial: int, results: list[SearchResult]) -> None:
        if serial == self._serial:
            options = self.query_one(OptionList)
            options.add_options([Option(self._prompt(result)) for result in results])

    def _prompt(self, result: SearchResult) -> Text:
        title = snippet_text(result.title or "(untitled)", result.title_spans, "bold")
        path = self.session.display_path(result.path)
        date = result.date.strftime("%Y-%m-%d") if result.date else ""
        kind = "✎ note · " if result.kind == "note" else ""
        line = Text.assemble(
            title,
            "\n  ",
            safe_text(f"{kind}{path.parent}{' · ' + date if date else ''}", "dim", limit=200),
            "\n  ",
            snippet_text(result.snippet, result.spans),
        )
        return line

    def action_save_search(self) -> None:
        query = self.query_one("#search-input", SafeInput).value.strip()
        if not query:
            self.notify("Type a query to save first", timeout=2, markup=False)
            return
        self._save(query)

    @background("saving the search", group="save-search")
    def _save(self, query: str) -> None:
        searches = self.session.save_search(inert(query, limit=40), query)
        self.app.call_from_thread(self._saved, query, searches)

    def _saved(self, query: str, searches: list[tuple[str, str]]) -> None:
        number = next(i for i, (_, q) in enumerate(searches, 1) if q == query)
        self.notify(
            f"Saved as search {number}: press {number} in the list to show its articles",
            markup=False,
        )
        main = self.app.screen_stack[0]
        if hasattr(main, "show_saved_searches"):
            main.show_saved_searches(searches)

    def action_focus_results(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0

    @on(OptionList.OptionSelected, "#search-results")
    def _result_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self._results):
            self.dismiss(self._results[index])
