"""Selecting a passage in the reading view, with the keyboard or the mouse.

`v` (the screen's key) starts selection mode with a caret at the top line in view; motion keys
move the caret from the anchor by character, line, word, sentence or paragraph; a mouse drag
selects too. Selection keys are bindings of the reading view that `check_action` enables only
while selecting, so outside that mode `w`, `b`, `j`, `k` keep their everyday meaning. The view
only reports the chosen passage (`SelectionMade`); what a highlight is belongs to the screen.

The mouse works in text offsets, never columns: the cell under the pointer is mapped to the
offset drawn there by `LaidLine.offset_at`, which follows reversed runs, so on a right-to-left
line a drag selects the logical passage between the two characters pressed and released
(which may be drawn as separate stretches where directions mix).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.message import Message

from reader.ui import text_motion

if TYPE_CHECKING:
    from reader.ui.laid_document import LaidDocument, RangeGroup

SELECTION_STYLE = "selection"
CARET_STYLE = "caret"

SELECTION_BINDINGS = [
    Binding("h,enter", "selection_highlight", "Highlight", id="selection-highlight"),
    Binding("c", "selection_comment", "Highlight + comment", id="selection-comment"),
    Binding("escape", "selection_cancel", "Cancel selection", id="selection-cancel"),
    Binding("w", "selection_move('word')", "Select: next word", show=False, id="selection-word"),
    Binding("b", "selection_move('word_back')", "Select: word back", show=False),
    Binding("right_parenthesis", "selection_move('sentence')", "Select: sentence", show=False),
    Binding(
        "left_parenthesis", "selection_move('sentence_back')", "Select: sentence back", show=False
    ),
    Binding("right_curly_bracket", "selection_move('paragraph')", "Select: paragraph", show=False),
    Binding(
        "left_curly_bracket",
        "selection_move('paragraph_back')",
        "Select: paragraph back",
        show=False,
    ),
    Binding("right,l", "selection_move('right')", "Select: character", show=False),
    Binding("left", "selection_move('left')", "Select: character back", show=False),
    Binding("j,down", "selection_move('down')", "Select: line", show=False),
    Binding("k,up", "selection_move('up')", "Select: line up", show=False),
]
"""Active only in selection mode; listed before the reading view's own keys so they win."""

SELECTION_ACTIONS = frozenset(binding.action.split("(")[0] for binding in SELECTION_BINDINGS) | {
    "selection_move"
}

_MOTIONS: dict[str, Callable[[str, int], int]] = {
    "word": text_motion.next_word_end,
    "word_back": text_motion.previous_word_start,
    "sentence": text_motion.next_sentence_end,
    "sentence_back": text_motion.previous_sentence_start,
    "paragraph": text_motion.next_paragraph_end,
    "paragraph_back": text_motion.previous_paragraph_start,
    "right": lambda text, pos: min(pos + 1, len(text)),
    "left": lambda text, pos: max(pos - 1, 0),
}


class SelectionMade(Message, namespace="reading_view"):
    """The reader chose a passage `[start, end)` of the article text to highlight."""

    def __init__(self, start: int, end: int, *, comment: bool) -> None:
        super().__init__()
        self.start = start
        self.end = end
        self.comment = comment
        """Open the comment editor once the highlight is made."""


class SelectionMixin:
    """Selection mode for `ReadingView`: state, keys, mouse and drawing."""

    SelectionMade = SelectionMade

    if TYPE_CHECKING:
        _shown: LaidDocument
        _ranges: dict[str, RangeGroup]
        scroll_y: float

        @property
        def text(self) -> str: ...
        @property
        def top_offset(self) -> int: ...
        def set_ranges(self, name: str, ranges: list[tuple[int, int]], style: str) -> None: ...
        def clear_ranges(self, name: str) -> None: ...
        def offset_at(self, x: int, y: int, *, nearest: bool = False) -> int | None: ...
        def _scroll_to_row(self, row: int, *, animate: bool = False) -> None: ...
        def post_message(self, message: Message) -> bool: ...
        def refresh_bindings(self) -> None: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def capture_mouse(self, capture: bool = True) -> None: ...
        def release_mouse(self) -> None: ...
        def focus(self, scroll_visible: bool = True) -> object: ...
        @property
        def scrollable_content_region(self) -> object: ...

    _anchor: int | None = None
    _caret: int = 0
    _drag_from: int | None = None
    _dragged: bool = False

    # -- state -------------------------------------------------------------------------------

    @property
    def selecting(self) -> bool:
        """In selection mode (the motion keys move the caret)."""
        return self._anchor is not None

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected `[start, end)`, or None when nothing is selected."""
        if self._anchor is None or self._anchor == self._caret:
            return None
        return min(self._anchor, self._caret), max(self._anchor, self._caret)

    @property
    def caret(self) -> int | None:
        return self._caret if self._anchor is not None else None

    def start_selection(self, offset: int | None = None) -> bool:
        """Enter selection mode with the caret at `offset` (default: the top line in view)."""
        if not self.text:
            return False
        self._anchor = self._caret = min(
            self.top_offset if offset is None else offset, len(self.text)
        )
        self._selection_changed()
        return True

    def cancel_selection(self) -> None:
        """Leave selection mode without doing anything."""
        if self._anchor is None:
            return
        self._anchor = None
        self.clear_ranges(SELECTION_STYLE)
        self.clear_ranges(CARET_STYLE)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SELECTION_ACTIONS:
            return self.selecting
        return super().check_action(action, parameters)  # type: ignore[misc]

    # -- keys --------------------------------------------------------------------------------

    def action_selection_move(self, motion: str) -> None:
        if motion in ("down", "up"):
            self._caret = self._line_move(self._caret, 1 if motion == "down" else -1)
        else:
            self._caret = _MOTIONS[motion](self.text, self._caret)
        self._selection_changed()

    def action_selection_highlight(self) -> None:
        self._finish(comment=False)

    def action_selection_comment(self) -> None:
        self._finish(comment=True)

    def action_selection_cancel(self) -> None:
        self.cancel_selection()

    def _finish(self, *, comment: bool) -> None:
        chosen = self.selection
        passage = chosen and text_motion.trimmed(self.text, *chosen)
        if not passage:
            self.notify("Nothing selected yet: extend with w, ), } or the arrows", timeout=3)
            return
        self.cancel_selection()
        self.post_message(SelectionMade(*passage, comment=comment))

    def _line_move(self, offset: int, step: int) -> int:
        """The offset in the same column `step` text lines down (or up)."""
        lines = self._shown.lines
        row = self._shown.row_of(offset)
        if row is None:
            return offset
        column = lines[row].column_of(offset) or 0
        row += step
        while 0 <= row < len(lines) and not lines[row].runs:
            row += step
        if not 0 <= row < len(lines):
            return offset
        found = lines[row].offset_at(column, nearest=True)
        return lines[row].start if found is None else found

    # -- drawing -----------------------------------------------------------------------------

    def _selection_changed(self) -> None:
        if self._anchor is None:
            return
        for name in (SELECTION_STYLE, CARET_STYLE):
            self._ranges.pop(name, None)  # set again below, so they are drawn on top
        start, end = min(self._anchor, self._caret), max(self._anchor, self._caret)
        self.set_ranges(SELECTION_STYLE, [(start, end)], SELECTION_STYLE)
        self.set_ranges(CARET_STYLE, [(self._caret, self._caret + 1)], CARET_STYLE)
        self._keep_caret_in_view()
        self.refresh_bindings()

    def _keep_caret_in_view(self) -> None:
        row = self._shown.row_of(self._caret)
        if row is None:
            return
        top = int(self.scroll_y)
        height = max(self.scrollable_content_region.height, 1)  # type: ignore[attr-defined]
        if row < top:
            self._scroll_to_row(row)
        elif row >= top + height:
            self._scroll_to_row(row - height + 1)

    # -- mouse -------------------------------------------------------------------------------

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        position = event.get_content_offset(self)  # type: ignore[arg-type]
        offset = None if position is None else self.offset_at(*position, nearest=True)
        self._dragged = False
        if offset is not None:
            self._drag_from = offset
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_from is None:
            return
        x, y = event.get_content_offset_capture(self)  # type: ignore[arg-type]
        height = max(self.scrollable_content_region.height, 1)  # type: ignore[attr-defined]
        if not 0 <= y < height:  # dragging past an edge scrolls a line that way
            self._scroll_to_row(int(self.scroll_y) + (1 if y >= height else -1))
            y = min(max(y, 0), height - 1)
        offset = self.offset_at(x, y, nearest=True)
        if offset is None:
            return
        origin = self._drag_from
        # The characters under the press and under the pointer are both selected.
        self._anchor, self._caret = (
            (origin, offset + 1) if offset >= origin else (origin + 1, offset)
        )
        self._dragged = True
        self._selection_changed()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is None:
            return
        self._drag_from = None
        self.release_mouse()
        if self._dragged:
            self.focus()
        else:
            self.cancel_selection()

    def take_drag(self) -> bool:
        """True once after a drag selected text: the click that ends it follows no link."""
        dragged, self._dragged = self._dragged, False
        return dragged
