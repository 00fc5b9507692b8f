"""The article's links, to follow one with the keyboard."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.sanitize import safe_text


class LinkList(OptionList):
    """The options list, moved with the keys of the rest of the app as well as arrows."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next link", show=False, id="links-down"),
        Binding("k", "cursor_up", "Previous link", show=False, id="links-up"),
        Binding("g", "first", "First link", show=False, id="links-first"),
        Binding("G", "last", "Last link", show=False, id="links-last"),
    ]


class LinkPickerScreen(ModalScreen[str | None]):
    """Returns the chosen link's target, or None."""

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="close-links")]

    def __init__(self, links: Sequence[object]) -> None:
        super().__init__()
        self.links = list(links)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe_text(f"Links ({len(self.links)})"), classes="dialog-title")
            options = []
            for index, link in enumerate(self.links):
                prompt = Text.assemble(
                    safe_text(getattr(link, "text", "") or "(no text)", limit=200),
                    "\n  ",
                    safe_text(getattr(link, "target", ""), "dim", limit=300),
                )
                options.append(Option(prompt, id=str(index)))
            yield LinkList(*options, id="link-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id or 0)
        self.dismiss(getattr(self.links[index], "target", None))
