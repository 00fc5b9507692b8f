"""Saved searches above the article list: each one is a folder of the articles it finds."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reader.core.sanitize import safe_text


class SavedSearches(Static):
    """`1 ★ name  2 ★ name …`: press the digit to show that search's articles, `0` for all."""

    DEFAULT_CSS = """
    SavedSearches {
        height: auto;
        max-height: 3;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.searches: list[tuple[str, str]] = []
        self.active: int | None = None

    def show(self, searches: list[tuple[str, str]], active: int | None = None) -> None:
        self.searches, self.active = searches, active
        self.display = bool(searches)
        text = Text(end="")
        for number, (name, _query) in enumerate(searches, start=1):
            style = "bold reverse" if number - 1 == active else ""
            text.append(f"{number}", "bold")
            text.append_text(safe_text(f" ★ {name}", style, limit=40))
            text.append("  ")
        if active is not None:
            text.append("0", "bold")
            text.append(" all articles")
        self.update(text)
