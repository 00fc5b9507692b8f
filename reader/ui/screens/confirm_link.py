"""Before a link leaves the app, the user sees the whole URL and says yes.

Where no browser can be opened (over SSH, or when the browser fails to start) the dialog says so
and offers to copy the address instead: Textual sends it to the terminal's clipboard (OSC 52),
which works over SSH too, and a message shows what was copied.
"""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from reader.core.sanitize import inert, safe_text
from reader.ui.browser import browser_problem, open_url
from reader.ui.workers import background

ASK = "Open this link in your browser?"


def cannot_open(reason: str) -> str:
    """The dialog's title when the link cannot go to a browser."""
    return f"This link can't be opened in a browser: {reason}. Copy the address instead?"


class ConfirmLinkScreen(ModalScreen[bool]):
    """Shows the address; `y` opens it, `c` copies it, `n` cancels. Returns True once opened."""

    BINDINGS = [
        Binding("enter", "default", "Open (or copy)", id="link-default"),
        Binding("y", "open", "Open", id="open-link"),
        Binding("c", "copy", "Copy the address", id="copy-link"),
        Binding("n,escape", "dismiss(False)", "Cancel", id="cancel-link"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.problem = browser_problem()
        """Why no browser can be opened, once known (before asking, or after trying)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self._title(), classes="dialog-title", id="link-title")
            with VerticalScroll(id="link-url-box"):  # the whole address, however long
                yield Static(safe_text(self.url, limit=None), id="link-url")
            with Horizontal(classes="buttons"):
                yield Button(safe_text("Open (y)"), id="open", variant="primary")
                yield Button(safe_text("Copy (c)"), id="copy")
                yield Button(safe_text("Cancel (n)"), id="cancel")

    def on_mount(self) -> None:
        self._show_problem()

    def _title(self) -> Text:
        return safe_text(ASK if self.problem is None else cannot_open(self.problem))

    def _show_problem(self) -> None:
        if self.problem is None:
            return
        self.query_one("#link-title", Static).update(self._title())
        self.query_one("#open", Button).display = False
        copy = self.query_one("#copy", Button)
        copy.variant = "primary"
        copy.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "open":
            self.action_open()
        elif event.button.id == "copy":
            self.action_copy()
        else:
            self.dismiss(False)

    def action_default(self) -> None:
        """enter: open when a browser can be, else copy (the one thing left to do)."""
        if self.problem is None:
            self.action_open()
        else:
            self.action_copy()

    def action_open(self) -> None:
        if self.problem is None:
            self._open_in_browser(self.url)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.url)
        self.app.notify(
            f"Copied the link to the clipboard:\n{inert(self.url, limit=300)}",
            timeout=6,
            markup=False,
        )
        self.dismiss(False)

    @background("opening the link in a browser")
    def _open_in_browser(self, url: str) -> None:
        problem = open_url(url)
        with contextlib.suppress(RuntimeError):  # the app has stopped meanwhile
            self.app.call_from_thread(self._opened, problem)

    def _opened(self, problem: str | None) -> None:
        if self not in self.app.screen_stack:
            return  # cancelled while the browser was starting
        if problem is None:
            self.dismiss(True)
        else:  # stay open, now offering to copy
            self.problem = problem
            self._show_problem()
