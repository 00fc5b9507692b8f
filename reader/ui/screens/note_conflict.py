"""Asked when the note was changed elsewhere (another reader) since this window loaded it.

Neither text is lost: "Keep both" (also what escape does) saves yours followed by theirs;
"Keep mine" replaces theirs after the reader has seen it here.
"""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from reader.core.sanitize import safe_text

ConflictChoice = Literal["both", "mine"]
THEIRS_HEADING = "\n\n--- changed elsewhere ---\n"


def both(mine: str, theirs: str) -> str:
    """Mine, then theirs under a marker line: what "Keep both" saves."""
    if theirs.strip() in mine:
        return mine
    return f"{mine.rstrip()}{THEIRS_HEADING}{theirs.strip()}\n"


class NoteConflictScreen(ModalScreen[ConflictChoice]):
    DEFAULT_CSS = """
    NoteConflictScreen #conflict-theirs { height: auto; max-height: 12; margin: 1 0; }
    NoteConflictScreen #conflict-theirs Static { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "choose('both')", "Keep both", id="conflict-both")]

    def __init__(self, theirs: str) -> None:
        super().__init__()
        self.theirs = theirs

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                safe_text("This note was changed elsewhere since you opened it"),
                classes="dialog-title",
            )
            yield Static(safe_text("Their version:"))
            with VerticalScroll(id="conflict-theirs"):
                yield Static(safe_text(self.theirs, single_line=False, limit=20_000))
            with Horizontal(classes="buttons"):
                yield Button("Keep both", id="keep-both", variant="primary")
                yield Button("Keep mine", id="keep-mine")

    def on_mount(self) -> None:
        self.query_one("#keep-both", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss("mine" if event.button.id == "keep-mine" else "both")

    def action_choose(self, choice: ConflictChoice) -> None:
        self.dismiss(choice)
