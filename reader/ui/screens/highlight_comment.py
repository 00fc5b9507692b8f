"""A small dialog to write a highlight's comment and pick its colour.

Returns what the reader chose (`CommentChoice`) or None on escape; the screen saves it. A
comment that could not be saved comes back in the dialog with the `problem` shown above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from reader.core.notes import COLORS
from reader.core.sanitize import inert, safe_text
from reader.ui.document_layout import DEFAULT_STYLES


@dataclass(frozen=True)
class CommentChoice:
    comment: str
    color: str


def color_chip(color: str) -> Text:
    """A colour's name drawn in that highlight colour, as the article will show it."""
    return Text(f" {color} ", style=DEFAULT_STYLES.get(f"highlight-{color}", ""))


class HighlightCommentScreen(ModalScreen[CommentChoice | None]):
    """Comment and colour (tab to the colours, arrows to choose); enter saves from anywhere.

    `enter` is a priority binding of the screen, so the input, the colour chips (whose own
    enter would only pick a colour: here it picks the chip the arrows point at, then saves) and
    the Save button all save, as the help line says. Only on the Cancel button does enter do
    what that button says.
    """

    DEFAULT_CSS = """
    HighlightCommentScreen #comment-quote { color: $text-muted; margin-bottom: 1; }
    HighlightCommentScreen #comment-problem { color: $text-error; margin-bottom: 1; }
    HighlightCommentScreen #comment-colors { height: auto; margin-top: 1; }
    HighlightCommentScreen #comment-colors RadioSet { layout: horizontal; }
    HighlightCommentScreen #comment-help { color: $text-muted; margin-top: 1; }
    HighlightCommentScreen .buttons { margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="comment-cancel"),
        Binding("enter", "enter", "Save", priority=True, id="comment-save-enter"),
        Binding("ctrl+s", "save", "Save", id="comment-save"),
    ]

    def __init__(
        self, quote: str, comment: str = "", color: str = COLORS[0], *, problem: str | None = None
    ) -> None:
        """`problem`: why the comment shown could not be saved (it is unsaved until it is)."""
        super().__init__()
        self.quote = quote
        self.problem = problem
        """Why the comment shown is not saved yet; None for a comment being written."""
        # Shown in an Input, which draws what it holds raw: a comment imported from a file
        # may carry terminal controls, so it is edited in its visible, inert form.
        self.comment = inert(comment, limit=None)
        self.color = color if color in COLORS else COLORS[0]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe_text("Comment on the highlight"), classes="dialog-title")
            yield Static(safe_text(f"“{self.quote}”", limit=400), id="comment-quote")
            if self.problem is not None:
                yield Static(
                    safe_text(f"Not saved: {self.problem}", limit=400), id="comment-problem"
                )
            yield Input(self.comment, placeholder="Your comment (optional)", id="comment-input")
            with Horizontal(id="comment-colors"), RadioSet(id="comment-color"):
                for color in COLORS:
                    yield RadioButton(color_chip(color), value=color == self.color, name=color)
            yield Static(
                safe_text(
                    "enter (or ctrl+s) saves · tab, arrows and space pick a colour · esc cancels"
                ),
                id="comment-help",
            )
            with Horizontal(classes="buttons"):
                # Compact (one row): the dialog must fit a 24-row terminal with a long quote.
                yield Button(
                    safe_text("Save (enter)"),
                    id="comment-save-button",
                    variant="primary",
                    compact=True,
                )
                yield Button(safe_text("Cancel (esc)"), id="comment-cancel-button", compact=True)

    def on_mount(self) -> None:
        self.query_one("#comment-input", Input).focus()

    @on(RadioSet.Changed, "#comment-color")
    def _color_picked(self, event: RadioSet.Changed) -> None:
        if event.pressed.name in COLORS:
            self.color = event.pressed.name

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter" and self.focused is not None:
            return self.focused.id != "comment-cancel-button"  # enter there presses Cancel
        return True

    @on(Button.Pressed, "#comment-save-button")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#comment-cancel-button")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_enter(self) -> None:
        """Save; on the colour chips, with the chip the arrows point at (what enter names)."""
        chips = self.focused
        if isinstance(chips, RadioSet):
            pointed = chips.query(RadioButton).filter(".-selected")
            if pointed and pointed.first().name in COLORS:
                self.color = str(pointed.first().name)
        self.action_save()

    def action_save(self) -> None:
        self.dismiss(CommentChoice(self.query_one("#comment-input", Input).value, self.color))

    def action_cancel(self) -> None:
        self.dismiss(None)
