"""A one-line footer of the live key bindings.

Textual's `Footer` mounts a widget per key and re-styles them all on every focus change; at
start-up that was ~75 ms of the first paint. This draws the same information as one `Text`,
recomputed when the screen's bindings change, and clicking a key runs its action.
"""

from __future__ import annotations

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
        key_style = self.get_component_rich_style("key-bar--key")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        seen: set[str] = set()
        palette = None
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action in ("app.command_palette", "command_palette"):
                palette = (node, binding)
                continue
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            start = len(text)
            text.append(" ")
            text.append(safe_text(self.app.get_key_display(binding), key_style))
            text.append(" ")
            text.append(safe_text(binding.description))
            text.append(" ")
            self._spans.append((start, len(text), node, binding.action))
        if palette is not None:
            node, binding = palette
            hint = f" {self.app.get_key_display(binding)} Commands "
            pad = max(self.size.width - len(text) - len(hint), 1)
            text.append(" " * pad)
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
