"""The main screen's notes and highlights: the note panel, selection, highlights, all notes.

A mixin so the main screen stays readable; it relies on the screen's `session`, `current`,
`article_text`, `reading_view` and `article_list`. Highlights are in `HighlightsMixin`.

A note is saved by a worker half a second after typing stops, and synchronously when the
screen flushes (switching article, quitting): saves of one article run one at a time under a
lock, each against the version the previous one stored, so this window never conflicts with
itself; a conflict means another process changed the note, and neither text is lost.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.widget import Widget

from reader.core.models import ArticleSummary
from reader.core.sanitize import inert
from reader.core.schema import StoreError
from reader.ui.notes_access import close_session_notes
from reader.ui.screens.highlights_mixin import HighlightsMixin
from reader.ui.widgets.notes_panel import NotesPanel

if TYPE_CHECKING:
    from reader.core.notes import Conflict, Note, SaveResult
    from reader.ui.screens.all_notes import NotesTarget
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

LIBRARY_WIDTH_BESIDE_NOTES = "26%"
"""The article list's width while the notes panel is open (the stylesheet's otherwise)."""

if TYPE_CHECKING:
    NoteOutcome = SaveResult | StoreError | None
    """What a save did; None when a newer save of the same article had already been written."""


class NotesMixin(HighlightsMixin):
    """Hooks the main screen calls; each is cheap and never blocks on disk (but `notes_flush`)."""

    _note_versions: dict[int, int]
    _note_drafts: dict[int, str]
    _note_written: dict[int, int]

    def compose_notes(self) -> Iterator[Widget]:
        """Widgets beside the reading pane."""
        self._init_highlights()
        self._annotated = set()
        self._note_versions = {}
        """The stored version of each article's note that this window last saw."""
        self._note_drafts = {}
        """Text that could not be saved, by article: shown again when the article is."""
        self._note_written = {}
        self._note_serial = 0
        self._note_lock = threading.Lock()
        self._pending_target: NotesTarget | None = None
        yield NotesPanel(id="notes-panel")

    def on_mount(self) -> None:
        self.call_after_refresh(self._load_marks)  # type: ignore[attr-defined]

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

    @work(thread=True, group="notes-note", exclusive=True)
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
        self.notes_panel.load_note(article_id, stored, self._note_drafts.get(article_id))

    def _note_unreadable(self, article_id: int, message: str) -> None:
        self.notes_panel.note_failed(article_id, message)
        self._notes_failed(message)

    def on_notes_panel_note_edited(self, event: NotesPanel.NoteEdited) -> None:
        self._note_serial += 1
        self._save_note(event.article_id, event.text, self._note_serial)

    @work(thread=True, group="notes-save")
    def _save_note(self, article_id: int, text: str, serial: int) -> None:
        outcome = self._write_note(article_id, text, serial)
        self._deliver(self._note_outcome, article_id, text, outcome)

    def _write_note(self, article_id: int, text: str, serial: int) -> NoteOutcome:
        """Save unless a newer edit of this article is already on disk (any thread)."""
        from reader.core.notes import Saved

        with self._note_lock:
            if serial < self._note_written.get(article_id, 0):
                return None
            try:
                result = self.notes.save_note(
                    article_id, text, expected_version=self._note_versions.get(article_id, 0)
                )
            except StoreError as error:
                return error
            if isinstance(result, Saved):
                self._note_versions[article_id] = result.item.version
                self._note_written[article_id] = serial
            return result

    def _note_outcome(
        self, article_id: int, text: str, outcome: NoteOutcome, *, ask: bool = True
    ) -> None:
        from reader.core.notes import Conflict, Saved

        if isinstance(outcome, Saved):
            self._note_drafts.pop(article_id, None)
            self.notes_panel.note_saved(article_id, text)
            self._set_mark(article_id, True if text.strip() else None)
        elif isinstance(outcome, Conflict) and ask:
            self._resolve_conflict(article_id, text, outcome)
        elif isinstance(outcome, StoreError):
            self._note_drafts[article_id] = text
            self.notes_panel.note_failed(article_id, str(outcome))
            self._notes_failed(f"{outcome}. Your text is kept in the editor.")

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
        """Show or hide the panel; while shown the list is narrower, so the article keeps room."""
        self.notes_panel.set_class(show, "shown")
        library = self.query_one("#library").styles  # type: ignore[attr-defined]
        if show:
            library.width = LIBRARY_WIDTH_BESIDE_NOTES
        else:
            library.clear_rule("width")  # back to the app's stylesheet

    def on_notes_panel_left(self) -> None:
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

    # -- the list's marks ----------------------------------------------------------------------

    @work(thread=True, group="notes-marks")
    def _load_marks(self) -> None:
        """At start: tidy what a crashed export left, then mark every annotated article."""
        from reader.core.notes import cleanup_stale_temporaries
        from reader.core.store import StoreError

        try:
            cleanup_stale_temporaries(self.session.data_dir)
            annotated = self.notes.annotated_article_ids()
        except (StoreError, OSError):
            return  # the library worker reports a database that cannot be opened
        self._deliver(self._marks_loaded, annotated)

    def _marks_loaded(self, annotated: set[int]) -> None:
        self._annotated |= annotated
        self._apply_marks()

    def _apply_marks(self) -> None:
        """Put the notes mark back on rows the library reloaded without it."""
        articles = self.article_list
        for article_id in self._annotated:
            summary = articles.summary_for(article_id)
            if summary is not None and not summary.has_notes:
                articles.update_state(article_id, has_notes=True)

    def on_article_list_counts_changed(self) -> None:
        self._apply_marks()

    @property
    def scanning(self) -> bool:
        """Whether the library is being scanned (the main screen's attribute).

        A scan ends by reloading every row from the index, which knows nothing of notes, so
        the marks are put back when it ends. A property only to see that moment.
        """
        return getattr(self, "_notes_scanning", False)

    @scanning.setter
    def scanning(self, value: bool) -> None:
        self._notes_scanning = value
        if not value and getattr(self, "_annotated", None):
            self.call_later(self._apply_marks)  # type: ignore[attr-defined]

    # -- all notes, export ---------------------------------------------------------------------

    def action_all_notes(self) -> None:
        from reader.ui.screens.all_notes import AllNotesScreen

        self.app.push_screen(AllNotesScreen(self.notes), self._go_to_target)

    def _go_to_target(self, target: NotesTarget | None) -> None:
        if target is None:
            return
        summary = self.article_list.summary_for(target.article_id)
        if summary is None:
            self.notify("That article is not in the library now", severity="warning")
            return
        self._pending_target = target
        self.article_list.select_id(target.article_id)
        self.open_summary(summary)  # type: ignore[attr-defined]
        if self._highlights_of == target.article_id:
            self._highlights_ready(target.article_id)

    def _highlights_ready(self, article_id: int) -> None:
        target = self._pending_target
        if target is None or target.article_id != article_id:
            return
        self._pending_target = None
        item = self._find(target.highlight_id)
        if item is not None:
            self.show_highlight(item)
        elif target.highlight_id is None:
            self.call_later(self._open_panel)  # type: ignore[attr-defined]

    def action_export_notes(self) -> None:
        self._export_notes()

    @work(thread=True, group="notes-export", exclusive=True)
    def _export_notes(self) -> None:
        from reader.core.notes.export import to_markdown, write_export

        name = f"reader-notes-{dt.datetime.now():%Y%m%d-%H%M%S}.md"
        try:
            items = self.notes.collect()
        except StoreError as error:
            self._deliver(self._notes_failed, str(error))
            return
        if not items:
            self._deliver(self.notify, "No notes or highlights to export yet")
            return
        text = to_markdown(items)
        problems: list[str] = []
        for folder in (Path.cwd(), self.session.data_dir):
            try:
                path = write_export(text, folder / name)
            except (OSError, StoreError) as error:
                problems.append(f"{folder}: {error}")
                continue
            message = f"{len(items)} articles' notes exported to {path}"
            self._deliver(self.notify, inert(message), title="Export", markup=False)
            return
        self._deliver(self._notes_failed, "Export failed: " + "; ".join(problems))
