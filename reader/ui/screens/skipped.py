"""Files that were not loaded, each with the reason."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.models import Skipped
from reader.core.sanitize import safe_text
from reader.core.session import LibrarySession
from reader.ui.workers import background


class SkippedScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,S", "dismiss", "Close", id="close-skipped")]

    def __init__(self, session: LibrarySession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe_text("Skipped files"), classes="dialog-title", id="skipped-title")
            yield OptionList(id="skipped-list")

    def on_mount(self) -> None:
        self._load()

    @background("listing the skipped files")
    def _load(self) -> None:
        skipped = self.session.skipped()
        self.app.call_from_thread(self._show, skipped)

    def _show(self, skipped: list[Skipped]) -> None:
        self.query_one("#skipped-title", Static).update(
            safe_text(f"Skipped files ({len(skipped)}): not shown in the list, nothing was changed")
        )
        options = self.query_one("#skipped-list", OptionList)
        if not skipped:
            options.add_option(Option(safe_text("No files were skipped."), disabled=True))
            return
        options.add_options(
            Option(
                Text.assemble(
                    safe_text(str(self.session.display_path(item.path)), limit=400),
                    "\n  ",
                    safe_text(item.reason, "italic"),
                )
            )
            for item in skipped
        )
