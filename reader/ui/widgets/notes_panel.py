"""The notes panel beside the reading pane: the article's note, and its highlights.

The panel edits; the screen saves. Typing marks the note "editing…"; half a second after the
last keystroke (or when the editor loses focus) the panel asks for a save with `NoteEdited`,
and shows "saved ✓" only once the screen reports that exactly this text is on disk. A failed
save leaves the text in the editor, still unsaved, and says why (the screen also puts it in a
draft file, and the status says where: it wraps to show the path); the next keystroke or
leaving tries again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from reader.core.sanitize import safe_text

if TYPE_CHECKING:
    from textual.widget import AwaitMount
    from textual.widgets import OptionList, TextArea

    from reader.core.notes import Highlight

SAVE_DELAY = 0.5
"""Seconds after the last keystroke before the note is saved."""
QUOTE_CHARS = 160
SAVED_MARK = "saved ✓"


class NotesPanel(Vertical):
    """Note editor with its save status, then the article's highlights in reading order."""

    DEFAULT_CSS = """
    NotesPanel {
        height: 1fr;
        border-left: vkey $foreground 15%;
        display: none;
    }
    NotesPanel.shown { display: block; }
    NotesPanel #notes-header { height: 1; padding: 0 1; background: $panel; }
    NotesPanel #note-status { height: 1; padding: 0 1; color: $text-muted; }
    NotesPanel #note-status.failed { color: $text-error; height: auto; max-height: 4; }
    NotesPanel #note-editor { height: 1fr; min-height: 5; border: none; padding: 0 1; }
    NotesPanel #highlights-header { height: 1; padding: 0 1; background: $panel; }
    NotesPanel #highlight-list { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("escape", "leave", "Back to the article", id="notes-leave"),
        Binding("tab", "other_part", "Note ⇄ highlights", id="notes-other-part"),
    ]

    class NoteEdited(Message):
        """The reader paused typing (or left the editor): save `text` as the note."""

        def __init__(self, article_id: int, text: str) -> None:
            super().__init__()
            self.article_id = article_id
            self.text = text

    class HighlightChosen(Message):
        """The reader picked a highlight in the list: show it in the article."""

        def __init__(self, highlight_id: str) -> None:
            super().__init__()
            self.highlight_id = highlight_id

    class Left(Message):
        """The reader pressed escape in the panel: go back to the article."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article_id: int | None = None
        self.saved_text = ""
        """What is on disk for `article_id`, as far as the panel knows."""
        self._text = ""
        """The note's text until the editor exists (then the editor holds it)."""
        self._editable = False
        self._status: tuple[str, bool] = ("", False)
        self._highlights: list[Highlight] = []
        self._current: str | None = None
        self._editor: TextArea | None = None
        self._list: OptionList | None = None
        self._timer: Timer | None = None

    def build(self) -> AwaitMount | None:
        """Make the editor and the list (the first time the panel is shown, not at start-up:
        a TextArea costs the first paint tens of milliseconds)."""
        if self._editor is not None:
            return None
        from textual.widgets import OptionList, TextArea

        self._editor = TextArea(self._text, id="note-editor", soft_wrap=True)
        self._editor.disabled = not self._editable
        self._list = OptionList(id="highlight-list")
        done = self.mount(
            Static(safe_text("Note"), id="notes-header"),
            Static(id="note-status"),
            self._editor,
            Static(safe_text("Highlights"), id="highlights-header"),
            self._list,
        )
        self._set_status(*self._status)
        self._fill_list()
        return done

    @property
    def editor(self) -> TextArea | None:
        """The note editor, once the panel has been shown."""
        return self._editor

    @property
    def text(self) -> str:
        return self._text if self._editor is None else self._editor.text

    @property
    def editable(self) -> bool:
        """The article's note is loaded and can be edited."""
        return self._editable

    @property
    def status(self) -> str:
        return self._status[0]

    @property
    def dirty(self) -> bool:
        """The editor holds text that is not known to be on disk."""
        return self.article_id is not None and self.text != self.saved_text

    def focus_editor(self) -> None:
        if self._editor is not None and self._editable:
            self._editor.focus()

    # -- attributes down: the screen tells the panel what is stored ---------------------------

    def show_article(self, article_id: int | None) -> None:
        """A different article: nothing to edit until its note is loaded."""
        self._stop_timer()
        self.article_id = None
        self.saved_text = ""
        self._set_text("", editable=False)
        self._set_status("loading…" if article_id is not None else "")
        self.set_highlights([], None)

    def load_note(self, article_id: int, stored: str, draft: str | None = None) -> None:
        """Edit the article's note: `stored` is on disk; `draft` is unsaved text to keep."""
        self.article_id = article_id
        self.saved_text = stored
        self._set_text(stored if draft is None else draft, editable=True)
        self._show_state()

    def note_saved(self, article_id: int, text: str) -> None:
        if article_id != self.article_id:
            return
        self.saved_text = text
        self._show_state()

    def note_failed(self, article_id: int, message: str) -> None:
        """Not saved: say why; the text stays in the editor."""
        if article_id == self.article_id:
            self._set_status(f"not saved: {message}", failed=True)

    def replace_text(self, article_id: int, text: str) -> None:
        """Put `text` in the editor (a conflict resolved by keeping both)."""
        if article_id == self.article_id:
            self._set_text(text, editable=True)
            self._show_state()

    @property
    def chosen_highlight(self) -> str | None:
        """The highlight picked in the list, while the list has focus."""
        options = self._list
        if options is None or not options.has_focus or options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def pending(self) -> tuple[int, str] | None:
        """The article and text still to be saved, if any; stops the autosave timer."""
        self._stop_timer()
        if not self.dirty or self.article_id is None:
            return None
        return self.article_id, self.text

    def set_highlights(self, highlights: Sequence[Highlight], current: str | None) -> None:
        """List the article's live highlights (orphaned ones marked) and select `current`."""
        self._highlights, self._current = list(highlights), current
        self._fill_list()

    def _fill_list(self) -> None:
        from textual.widgets.option_list import Option, OptionDoesNotExist

        options = self._list
        if options is None or not self.is_attached:
            return
        options.clear_options()
        if not self._highlights:
            options.add_option(
                Option(safe_text("None yet: v selects, h highlights", "italic"), disabled=True)
            )
            return
        options.add_options(Option(highlight_prompt(item), id=item.id) for item in self._highlights)
        if self._current is not None:
            with contextlib.suppress(OptionDoesNotExist):  # a deleted highlight was current
                options.highlighted = options.get_option_index(self._current)

    def _set_text(self, text: str, *, editable: bool) -> None:
        self._text, self._editable = text, editable
        if self._editor is not None:
            self._editor.load_text(text)
            self._editor.disabled = not editable

    # -- messages up: what the reader did ------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._stop_timer()
        if self.article_id is None:
            return
        self._show_state()
        if self.dirty:
            self._timer = self.set_timer(SAVE_DELAY, self._ask_save)

    def on_descendant_blur(self, event: object) -> None:
        if self.dirty:
            self._ask_save()

    def _ask_save(self) -> None:
        self._stop_timer()
        if self.article_id is not None and self.dirty:
            self._set_status("saving…")
            self.post_message(self.NoteEdited(self.article_id, self.text))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.HighlightChosen(event.option.id))

    def action_leave(self) -> None:
        self.post_message(self.Left())

    def action_other_part(self) -> None:
        """Tab moves between the note and the highlight list (escape leaves the panel)."""
        if self._list is not None and self._list.has_focus:
            self.focus_editor()
        elif self._list is not None:
            self._list.focus()

    # -- status --------------------------------------------------------------------------------

    def _show_state(self) -> None:
        self._set_status("editing…" if self.dirty else SAVED_MARK)

    def _set_status(self, text: str, failed: bool = False) -> None:
        self._status = (text, failed)
        status = next(self.query("#note-status").results(Static), None)
        if status is None:  # not built yet, or being taken down (quitting)
            return
        status.update(safe_text(text, limit=300))
        status.set_class(failed, "failed")

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None


def highlight_prompt(item: Highlight, *, limit: int = QUOTE_CHARS) -> Text:
    """One highlight for a list: a swatch in its colour, the quote, then the comment."""
    from reader.ui.document_layout import DEFAULT_STYLES

    swatch = DEFAULT_STYLES.get(f"highlight-{item.color}")
    text = Text(end="")
    text.append("▌ ", style=swatch.bgcolor.name if swatch and swatch.bgcolor else "")
    if item.orphaned:
        text.append("orphaned · ", style="bold red")
    text.append(safe_text(f"“{item.quote}”", limit=limit))
    if item.comment.strip():
        text.append("\n  ")
        text.append(safe_text(item.comment, "italic", limit=limit * 2))
    return text
