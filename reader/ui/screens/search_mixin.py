"""The main screen's search: the search screen, hits in the article, find in article.

A mixin so the main screen stays readable; it relies on the screen's `session`, `current`,
`article_text`, `reading_view`, `article_list` and `open_summary`. Hits are found in the
article's own text (what the reading view shows), in a worker, so they line up with the screen.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input, Static

from reader.core.models import ArticleSummary
from reader.core.sanitize import inert, safe_text
from reader.ui.widgets.saved_searches import SavedSearches
from reader.ui.workers import background

SEARCH_BINDINGS = [
    Binding("slash", "search", "Search", id="search"),
    Binding("ctrl+f", "find", "Find in article", id="find", show=False),
    Binding("n", "next_hit", "Next hit", id="next-hit", show=False),
    Binding("N", "previous_hit", "Previous hit", id="previous-hit", show=False),
    *(Binding(str(n), f"saved_search({n})", f"Saved search {n}", show=False) for n in range(1, 10)),
    Binding("0", "saved_search(0)", "All articles (leave a saved search)", show=False),
]
HITS = "search-hits"
CURRENT_HIT = "search-current"


class SearchMixin:
    """Search state of the main screen: the query whose hits are drawn, and where we are."""

    _hit_query: str = ""
    _hit_mode: str = "search"  # "search": query language; "find": a literal needle
    _hits: list[tuple[int, int]] = []  # replaced, never mutated in place
    _hit_index: int = 0
    _jump_to_first_hit: bool = False

    def search_article_shown(self, summary: ArticleSummary) -> None:
        """A different article is being shown: its hits come when its text is loaded."""
        self._hits = []
        if not self._jump_to_first_hit:
            self._hit_query = ""
        self._update_hit_bar()

    def search_article_loaded(self, summary: ArticleSummary, text: str) -> None:
        if self._hit_query:
            self._find_hits(self._hit_query, self._hit_mode, text, summary.id)

    # -- actions -------------------------------------------------------------------------

    def action_search(self) -> None:
        from reader.ui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.session, self._last_query()), self._search_chosen)

    def _last_query(self) -> str:
        return self._hit_query if self._hit_mode == "search" else ""

    def _search_chosen(self, choice: object) -> None:
        if choice is None:
            return
        summary = self.article_list.summary_for(choice.article_id)  # type: ignore[attr-defined]
        if summary is None:
            self.notify(
                "That article is no longer in the library", severity="warning", markup=False
            )
            return
        if self.article_list.index_of_id(summary.id) is None:
            self.action_clear_filter()
        self.article_list.select_id(summary.id)
        self._hit_query, self._hit_mode = choice.query, "search"  # type: ignore[attr-defined]
        self._jump_to_first_hit = True
        if self.current is not None and self.current.id == summary.id and self.article_text:
            self.open_summary(summary)
            self._find_hits(self._hit_query, "search", self.article_text, summary.id)
        else:
            self.open_summary(summary)

    def action_find(self) -> None:
        if self.article_text is None:
            self.notify("Open an article first", timeout=2, markup=False)
            return
        bar = self.query_one("#find-input", Input)
        bar.display = True
        bar.value = self._hit_query if self._hit_mode == "find" else ""
        bar.focus()
        self.call_after_refresh(bar.focus)  # a widget just made visible takes focus once laid out

    def find_changed(self, event: Input.Changed) -> None:
        """The find bar's text changed (the screen routes the event: @on needs a widget class)."""
        clean = inert(event.value, limit=500)
        if clean != event.value:
            event.input.value = clean
            return
        self._hit_query, self._hit_mode = event.value, "find"
        self._jump_to_first_hit = True
        if self.article_text is not None and self.current is not None:
            self._find_hits(event.value, "find", self.article_text, self.current.id)

    def find_submitted(self) -> None:
        self.query_one("#find-input", Input).display = False
        self.reading_view.focus()

    def action_next_hit(self) -> None:
        self._step_hit(1)

    def action_previous_hit(self) -> None:
        self._step_hit(-1)

    def clear_hits(self) -> bool:
        """Forget the search or find; True if there was one to clear."""
        find = self.query_one("#find-input", Input)
        had = bool(self._hit_query) or find.display
        self._hit_query, self._hits = "", []
        find.display = False
        if self._reader is not None:  # type: ignore[attr-defined]
            self.reading_view.clear_ranges(HITS)
            self.reading_view.clear_ranges(CURRENT_HIT)
        self._update_hit_bar()
        return had

    # -- saved searches: folders of what a query finds -------------------------------------

    def action_saved_search(self, number: int) -> None:
        bar = self.query_one(SavedSearches)
        if number == 0 or number > len(bar.searches):
            if self.article_list.restricted:
                self.article_list.restrict_to(None)
                bar.show(bar.searches)
                self._update_status()
            return
        _name, query = bar.searches[number - 1]
        self._open_saved_search(number - 1, query)

    @background("running the saved search", exclusive=True, group="saved-search")
    def _open_saved_search(self, index: int, query: str) -> None:
        ids = self.session.search_ids(query)
        self.app.call_from_thread(self._saved_search_ready, index, ids)

    def _saved_search_ready(self, index: int, ids: list[int]) -> None:
        bar = self.query_one(SavedSearches)
        self.article_list.restrict_to(ids)
        bar.show(bar.searches, index)
        self._update_status()

    def show_saved_searches(self, searches: list[tuple[str, str]]) -> None:
        self.query_one(SavedSearches).show(searches)

    # -- hits ----------------------------------------------------------------------------

    @background("finding the search hits in the article", exclusive=True, group="hits")
    def _find_hits(self, query: str, mode: str, text: str, article_id: int) -> None:
        from reader.core.search import find_hits, find_in_text

        hits = find_in_text(query, text) if mode == "find" else find_hits(query, text)
        self.app.call_from_thread(self._show_hits, query, article_id, list(hits))

    def _show_hits(self, query: str, article_id: int, hits: list[tuple[int, int]]) -> None:
        if query != self._hit_query or self.current is None or self.current.id != article_id:
            return
        self._hits = hits
        self.reading_view.set_ranges(HITS, hits, "search-hit")
        if self._jump_to_first_hit and hits:
            self._jump_to_first_hit = False
            top = self.reading_view.top_offset
            following = [i for i, (start, _) in enumerate(hits) if start >= top]
            self._go_to_hit(following[0] if following and self._hit_mode == "find" else 0)
        else:
            self._hit_index = min(self._hit_index, max(len(hits) - 1, 0))
            self._update_hit_bar()

    def _step_hit(self, step: int) -> None:
        if not self._hits:
            if self._hit_query:
                self.notify(
                    f"No hits for “{inert(self._hit_query, limit=80)}”", timeout=2, markup=False
                )
            return
        self._go_to_hit((self._hit_index + step) % len(self._hits))

    def _go_to_hit(self, index: int) -> None:
        self._hit_index = index
        start, end = self._hits[index]
        self.reading_view.set_ranges(CURRENT_HIT, [(start, end)], "current-hit")
        self.reading_view.scroll_to_offset(start, center=True)
        self._update_hit_bar()

    def _update_hit_bar(self) -> None:
        bar = self.query_one("#hit-bar", Static)
        if not self._hit_query:
            bar.display = False
            return
        what = "Find" if self._hit_mode == "find" else "Search"
        count = f"{self._hit_index + 1}/{len(self._hits)}" if self._hits else "no hits"
        bar.update(
            safe_text(
                f"{what} “{inert(self._hit_query, limit=60)}”: {count}"
                "   n next · N previous · esc clear"
            )
        )
        bar.display = True
