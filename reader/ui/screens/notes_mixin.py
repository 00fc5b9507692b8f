"""The main screen's notes and highlights: the note panel, selection, highlights, all notes.

A mixin so the main screen stays readable; it relies on the screen's `session`, `current`,
`article_text`, `reading_view` and `article_list`. Highlights are in `HighlightsMixin`, the
list's marks, all notes and export in `LibraryNotesMixin`.

A note is saved by a worker half a second after typing stops, and synchronously when the
screen flushes (switching article, quitting): saves of one article run one at a time under a
lock, each against the version the previous one stored, so this window never conflicts with
itself; a conflict means another process changed the note, and neither text is lost.

A save the database refuses (a full disk, a read-only folder) keeps the text in the editor,
still unsaved (so quitting asks first), and writes it to a draft file (`reader.core.drafts`).
At start the screen says when the disk is nearly full or drafts are waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.widget import Widget

from reader.core.drafts import DraftKey, Drafts, NotSaved
from reader.core.models import ArticleSummary
from reader.core.sanitize import inert
from reader.core.schema import StoreError
from reader.ui.notes_access import close_session_notes
from reader.ui.screens.library_notes_mixin import LibraryNotesMixin
from reader.ui.widgets.notes_panel import NotesPanel
from reader.ui.workers import background, report_failure

if TYPE_CHECKING:
    from reader.core.notes import Conflict, Note, SaveResult
    from reader.ui.screens.note_conflict import ConflictChoice

NOTES_BINDINGS: list[Binding] = [
    Binding("a", "toggle_notes", "Notes", id="notes-panel"),
    Binding("v", "select_text", "Select", id="select-text"),
    Binding("A", "all_notes", "All notes", show=False, id="all-notes"),
    Binding("right_square_bracket", "next_highlight", "Next highlight", show=False),
    Binding("left_square_bracket", "previous_highlight", "Previous highlight", show=False),
    Binding("c", "comment_highlight", "Comment on highlight", show=False, id="comment"),
    Binding("x", "delete_highlight", "Delete highlight", show=False, id="delete-highlight"),
    Binding("U,ctrl+z", "undo_delete", "Undo delete", show=False, id="undo-delete"),
]

if TYPE_CHECKING:
    NoteOutcome = SaveResult | NotSaved | None
    """What a save did; None when a newer save of the same article had already been written."""


class NotesMixin(LibraryNotesMixin):
    """Hooks the main screen calls; each is cheap and never blocks on disk (but `notes_flush`)."""

    _note_versions: dict[int, int]
    _unsaved_notes: dict[int, str]
    _note_written: dict[int, int]

    def compose_notes(self) -> Iterator[Widget]:
        """Widgets beside the reading pane."""
        self._init_highlights()
        self._annotated = set()
        self._note_versions = {}
        """The stored version of each article's note that this window last saw."""
        self._unsaved_notes = {}
        """Text that could not be saved, by article: shown again when the article is."""
        self._note_written = {}
        self._note_serial = 0
        self._note_lock = threading.Lock()
        self._pending_target = None
        self._drafts = Drafts(self.session.data_dir)
        self._failures_told = {}
        yield NotesPanel(id="notes-panel")

    def on_mount(self) -> None:
        self.call_after_refresh(self._load_marks)  # type: ignore[attr-defined]
        self.call_after_refresh(self._check_saving_room)  # type: ignore[attr-defined]

    @background("looking at the free space and drafts", group="notes-start")
    def _check_saving_room(self) -> None:
        """Once at start: say if the disk is nearly full, or drafts are waiting (a statvfs
        and a folder listing, in a thread all the same: the data dir may be on a slow mount)."""
        from reader.core.disk_space import low_space_warning
        from reader.core.drafts import drafts_notice

        data_dir = self.session.data_dir
        for title, notice in (
            ("Disk space", low_space_warning(data_dir)),
            ("Drafts", drafts_notice(data_dir)),
        ):
            if notice is not None:
                self._deliver(self._start_notice, title, notice)

    def _start_notice(self, title: str, notice: str) -> None:
        self.notify(inert(notice), title=title, severity="warning", timeout=30, markup=False)

    def on_unmount(self) -> None:
        close_session_notes(self.session)

    # -- hooks ---------------------------------------------------------------------------------

    def notes_article_shown(self, summary: ArticleSummary) -> None:
        """A different article is being shown (its text is not loaded yet)."""
        self._forget_highlights()
        self.notes_panel.show_article(summary.id)
        self._load_note(summary.id)

    def notes_article_loaded(self, summary: ArticleSummary, text: str) -> None:
        """The article's full text is known: place its highlights."""
        self._reanchor(summary.id, text)

    def notes_article_leaving(self) -> None:
        """The current article is about to be replaced (the screen has flushed the note)."""
        self._forget_highlights()

    def notes_flush(self) -> None:
        """Save the note now if it has unsaved text (quitting, switching article).

        This one save runs on the event loop, so nothing typed is lost when the app exits; it
        happens only when there is something unsaved (the last half second of typing).
        """
        if not self.is_mounted:  # type: ignore[attr-defined]
            return
        pending = self.notes_panel.pending()
        if pending is None:
            return
        from reader.core.notes import Conflict
        from reader.ui.screens.note_conflict import both

        article_id, text = pending
        self._note_serial += 1
        outcome = self._write_note(article_id, text, self._note_serial)
        if isinstance(outcome, Conflict):  # no time to ask: keep both, as escape would
            merged = both(text, outcome.current.text)
            self._note_versions[article_id] = outcome.current.version
            outcome = self._write_note(article_id, merged, self._note_serial)
            text = merged
        self._note_outcome(article_id, text, outcome, ask=False)

    # -- the note ------------------------------------------------------------------------------

    @background("loading the article's notes", group="notes-note", exclusive=True)
    def _load_note(self, article_id: int) -> None:
        try:
            note = self.notes.note(article_id)
        except StoreError as error:
            self._deliver(self._note_unreadable, article_id, str(error))
            return
        self._deliver(self._note_loaded, article_id, note)

    def _note_loaded(self, article_id: int, note: Note | None) -> None:
        if self.current is None or self.current.id != article_id:
            return
        version = note.version if note else 0
        self._note_versions[article_id] = max(self._note_versions.get(article_id, 0), version)
        stored = note.text if note else ""
        self.notes_panel.load_note(article_id, stored, self._unsaved_notes.get(article_id))

    def _note_unreadable(self, article_id: int, message: str) -> None:
        self.notes_panel.note_failed(article_id, message)
        self._notes_failed(message)

    def on_notes_panel_note_edited(self, event: NotesPanel.NoteEdited) -> None:
        self._note_serial += 1
        self._save_note(event.article_id, event.text, self._note_serial)

    @background("saving your note", group="notes-save")
    def _save_note(self, article_id: int, text: str, serial: int) -> None:
        outcome = self._write_note(article_id, text, serial)
        self._deliver(self._note_outcome, article_id, text, outcome)

    def _write_note(self, article_id: int, text: str, serial: int) -> NoteOutcome:
        """Save unless a newer edit of this article is already on disk (any thread)."""
        from reader.core.notes import Saved

        key = DraftKey(article_id)
        with self._note_lock:
            if serial < self._note_written.get(article_id, 0):
                return None
            try:
                result = self.notes.save_note(
                    article_id, text, expected_version=self._note_versions.get(article_id, 0)
                )
            except StoreError as error:
                return self._drafts.keep_refused(key, text, error, self._about(article_id))
            except Exception as error:  # unforeseen: logged, and the text stays in the editor
                report_failure(self, "saving your note", error)  # type: ignore[arg-type]
                failure = StoreError(f"the note could not be saved ({type(error).__name__})")
                return self._drafts.keep_refused(key, text, failure, self._about(article_id))
            if isinstance(result, Saved):
                self._note_versions[article_id] = result.item.version
                self._note_written[article_id] = serial
                self._text_saved(key)
            return result

    def _note_outcome(
        self, article_id: int, text: str, outcome: NoteOutcome, *, ask: bool = True
    ) -> None:
        from reader.core.notes import Conflict, Saved

        if isinstance(outcome, Saved):
            self._unsaved_notes.pop(article_id, None)
            self.notes_panel.note_saved(article_id, text)
            self._set_mark(article_id, True if text.strip() else None)
        elif isinstance(outcome, Conflict) and ask:
            self._resolve_conflict(article_id, text, outcome)
        elif isinstance(outcome, NotSaved):
            self._unsaved_notes[article_id] = text
            self.notes_panel.note_failed(article_id, outcome.status)
            self._tell_not_saved(DraftKey(article_id), outcome, "the editor")

    def _resolve_conflict(self, article_id: int, mine: str, conflict: Conflict) -> None:
        from reader.ui.screens.note_conflict import NoteConflictScreen, both

        theirs = conflict.current

        def chosen(choice: ConflictChoice | None) -> None:
            text = mine if choice == "mine" else both(mine, theirs.text)
            with self._note_lock:
                self._note_versions[article_id] = theirs.version
            self.notes_panel.replace_text(article_id, text)
            self._note_serial += 1
            self._save_note(article_id, text, self._note_serial)

        self.app.push_screen(NoteConflictScreen(theirs.text), chosen)

    # -- the panel -----------------------------------------------------------------------------

    async def action_toggle_notes(self) -> None:
        panel = self.notes_panel
        if panel.has_class("shown"):
            if panel.has_focus_within:
                self._focus_reader()
            self._show_panel(False)
            return
        await self._open_panel()

    async def _open_panel(self) -> None:
        """Show the panel (building it the first time) and put the cursor in the note."""
        built = self.notes_panel.build()
        if built is not None:
            await built
        self._show_panel(True)
        self.notes_panel.focus_editor()

    def _show_panel(self, show: bool) -> None:
        """Show or hide the panel; the layout gives the article room (see pane_layout)."""
        self.notes_panel.set_class(show, "shown")
        self.apply_layout()  # type: ignore[attr-defined]

    def on_notes_panel_left(self) -> None:
        if not self.pane_layout.show_reading:  # type: ignore[attr-defined]
            self._show_panel(False)  # the notes stood in the article's place: give it back
        self._focus_reader()

    def on_notes_panel_highlight_chosen(self, event: NotesPanel.HighlightChosen) -> None:
        item = self._find(event.highlight_id)
        if item is None:
            return
        if item.orphaned:
            self.notify("This passage is no longer in the article (orphaned)", timeout=3)
        self.show_highlight(item)
        self._focus_reader()

    def _focus_reader(self) -> None:
        if self._reader is not None:
            self._reader.focus()

    def action_select_text(self) -> None:
        """Start selecting at the top line in view; pressed again, start afresh at the caret
        (move the caret to where the passage begins, then v, then extend)."""
        view = self._reader
        if view is None:
            return
        view.focus()
        if not view.start_selection(view.caret):
            self.notify("Nothing to select yet", timeout=2)
