"""An `Input` whose typed and pasted text is made inert before it is ever drawn.

Textual's Input keeps control characters, and draws a paste before any Changed handler can
clean it, so C1 controls and bidi overrides pasted into a query would reach the terminal.
"""

from __future__ import annotations

from textual.widgets import Input

from reader.core.sanitize import inert


class SafeInput(Input):
    """Every insertion goes through `inert` (one line, visible symbols for controls)."""

    def insert_text_at_cursor(self, text: str) -> None:
        super().insert_text_at_cursor(inert(text, limit=2_000))

    def insert(self, text: str, index: int) -> None:
        super().insert(inert(text, limit=2_000), index)

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(inert(text, limit=2_000), start, end)
