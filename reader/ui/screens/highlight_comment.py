"""A small dialog to write a highlight's comment and pick its colour.

Returns what the reader chose (`CommentChoice`) or None on escape; the screen saves it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from reader.core.notes import COLORS
from reader.core.sanitize import inert, safe_text


@dataclass(frozen=True)
class CommentChoice:
    comment: str
    color: str


class HighlightCommentScreen(ModalScreen[CommentChoice | None]):
    """Comment (enter saves) and colour (tab to the colours, arrows to choose)."""

    DEFAULT_CSS = """
    HighlightCommentScreen #comment-quote { color: $text-muted; margin-bottom: 1; }
    HighlightCommentScreen #comment-colors { height: auto; margin-top: 1; }
    HighlightCommentScreen #comment-colors RadioSet { layout: horizontal; }
    HighlightCommentScreen #comment-help { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="comment-cancel"),
        Binding("ctrl+s", "save", "Save", id="comment-save"),
    ]

    def __init__(self, quote: str, comment: str = "", color: str = COLORS[0]) -> None:
        super().__init__()
        self.quote = quote
        # Shown in an Input, which draws what it holds raw: a comment imported from a file
        # may carry terminal controls, so it is edited in its visible, inert form.
        self.comment = inert(comment, limit=None)
        self.color = color if color in COLORS else COLORS[0]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe_text("Comment on the highlight"), classes="dialog-title")
            yield Static(safe_text(f"“{self.quote}”", limit=400), id="comment-quote")
            yield Input(self.comment, placeholder="Your comment (optional)", id="comment-input")
            with Horizontal(id="comment-colors"), RadioSet(id="comment-color"):
                for color in COLORS:
                    yield RadioButton(color, value=color == self.color, name=color)
            yield Static(
                safe_text(
                    "enter (or ctrl+s) saves · tab, arrows and space pick a colour · esc cancels"
                ),
                id="comment-help",
            )

    def on_mount(self) -> None:
        self.query_one("#comment-input", Input).focus()

    @on(RadioSet.Changed, "#comment-color")
    def _color_picked(self, event: RadioSet.Changed) -> None:
        if event.pressed.name in COLORS:
            self.color = event.pressed.name

    @on(Input.Submitted, "#comment-input")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self.dismiss(CommentChoice(self.query_one("#comment-input", Input).value, self.color))

    def action_cancel(self) -> None:
        self.dismiss(None)
