"""The main screen's search: the search screen, hits in the article, find in article.

A mixin so the main screen stays readable; it relies on the screen's `session`, `current`,
`article_text`, `reading_view` and `article_list`.
"""

from __future__ import annotations

from textual.binding import Binding

from reader.core.models import ArticleSummary

SEARCH_BINDINGS: list[Binding] = []


class SearchMixin:
    """Hooks the main screen calls; each is cheap and never blocks on disk."""

    def search_article_shown(self, summary: ArticleSummary) -> None:
        """A different article is being shown."""

    def search_article_loaded(self, summary: ArticleSummary, text: str) -> None:
        """The article's full text is known: find the hits of the active search."""
