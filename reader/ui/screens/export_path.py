"""Where to write an export of the notes: asked, with a safe default in the data directory.

An export written to the current folder lands in whatever git working tree reader was started
from; the default is `<data dir>/exports/`, and the user can type any other path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.core.sanitize import safe_text
from reader.ui.widgets.safe_input import SafeInput


def default_export_path(data_dir: Path, now: dt.datetime | None = None) -> Path:
    """`<data dir>/exports/reader-notes-<date-time>.md`."""
    stamp = f"{(now or dt.datetime.now()):%Y%m%d-%H%M%S}"
    return data_dir / "exports" / f"reader-notes-{stamp}.md"


class ExportPathScreen(ModalScreen[Path | None]):
    """Asks for the export's file; `enter` exports there, `escape` cancels."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="export-cancel")]

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                safe_text("Export notes and highlights (Markdown)"), classes="dialog-title"
            )
            yield Static(safe_text("Write to (enter to export, escape to cancel):"))
            yield SafeInput(value=str(self.default), id="export-path")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted, "#export-path")
    def _chosen(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(Path(value).expanduser() if value else None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
