"""Before a link leaves the app, the user sees the whole URL and says yes."""

from __future__ import annotations

import webbrowser

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from reader.core.sanitize import safe_text
from reader.ui.workers import background


class ConfirmLinkScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "open", "Open", id="open-link"),
        Binding("n,escape", "dismiss(False)", "Cancel", id="cancel-link"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe_text("Open this link in your browser?"), classes="dialog-title")
            with VerticalScroll(id="link-url-box"):  # the whole address, however long
                yield Static(safe_text(self.url, limit=None), id="link-url")
            with Horizontal(classes="buttons"):
                yield Button(safe_text("Open (y)"), id="open", variant="primary")
                yield Button(safe_text("Cancel (n)"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "open":
            self.action_open()
        else:
            self.dismiss(False)

    def action_open(self) -> None:
        self._open_in_browser(self.url)
        self.dismiss(True)

    @background("opening the link in a browser")
    def _open_in_browser(self, url: str) -> None:
        webbrowser.open(url, new=2)
