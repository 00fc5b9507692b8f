"""A one-line footer of the live key bindings.

Textual's `Footer` mounts a widget per key and re-styles them all on every focus change; at
start-up that was ~75 ms of the first paint. This draws the same information as one `Text`,
recomputed when the screen's bindings change, and clicking a key runs its action.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.dom import DOMNode
from textual.widget import Widget

from reader.core.sanitize import safe_text


class KeyBar(Widget):
    """The bindings the focused widget and its ancestors offer, as `key Description` pairs."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        dock: bottom;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES = {"key-bar--key"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, DOMNode, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def render(self) -> Text:
        """The keys that fit, in binding order; help and quit (or back) are always kept."""
        key_style = self.get_component_rich_style("key-bar--key")
        entries: list[tuple[str, str, DOMNode, str]] = []
        seen: set[str] = set()
        palette = None
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action in ("app.command_palette", "command_palette"):
                palette = (node, binding)
                continue
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            entries.append(
                (self.app.get_key_display(binding), binding.description, node, binding.action)
            )
        shown = _fitting(entries, self.size.width)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        for key, description, node, action in shown:
            start = len(text)
            text.append(" ")
            text.append(safe_text(key, key_style))
            text.append(" ")
            text.append(safe_text(description))
            text.append(" ")
            self._spans.append((start, len(text), node, action))
        if palette is not None:
            node, binding = palette
            hint = f" {self.app.get_key_display(binding)} Commands "
            room = self.size.width - text.cell_len - cell_len(hint)
            if room >= 1:
                text.append(" " * room)
                start = len(text)
                text.append(safe_text(hint, key_style))
                self._spans.append((start, len(text), node, binding.action))
        return text

    async def on_click(self, event: events.Click) -> None:
        for start, end, node, action in self._spans:
            if start <= event.x < end:
                event.stop()
                await self.app.run_action(action, node)
                return


PINNED = frozenset({"help", "app.help", "quit", "app.quit", "back_to_list"})
"""Actions the bar never drops for want of room: a new user must always find help and the way
out."""


def _fitting(
    entries: list[tuple[str, str, DOMNode, str]], width: int
) -> list[tuple[str, str, DOMNode, str]]:
    """The entries that fit in `width` cells, pinned ones last and never dropped."""
    pinned = [entry for entry in entries if entry[3] in PINNED]
    others = [entry for entry in entries if entry[3] not in PINNED]

    def cells(items: list[tuple[str, str, DOMNode, str]]) -> int:
        return sum(cell_len(key) + cell_len(description) + 3 for key, description, _, _ in items)

    while others and cells(others) + cells(pinned) > width:
        others.pop()
    return others + pinned
