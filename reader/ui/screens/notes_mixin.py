"""The main screen's notes and highlights: the note panel, selection, highlights, all notes.

A mixin so the main screen stays readable; it relies on the screen's `session`, `current`,
`article_text`, `reading_view` and `article_list`.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.binding import Binding
from textual.widget import Widget

from reader.core.models import ArticleSummary

NOTES_BINDINGS: list[Binding] = []


class NotesMixin:
    """Hooks the main screen calls; each is cheap and never blocks on disk."""

    def compose_notes(self) -> Iterator[Widget]:
        """Widgets beside the reading pane."""
        yield from ()

    def notes_article_shown(self, summary: ArticleSummary) -> None:
        """A different article is being shown (its text is not loaded yet)."""

    def notes_article_loaded(self, summary: ArticleSummary, text: str) -> None:
        """The article's full text is known: place its highlights."""

    def notes_article_leaving(self) -> None:
        """The current article is about to be replaced: save what is pending."""

    def notes_flush(self) -> None:
        """Save anything pending now (quitting)."""
