"""The main screen's notes across the library: the list's marks, all notes, export.

Part of `NotesMixin` (which supplies `_open_panel`); every read and write runs in a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.sanitize import inert
from reader.core.schema import StoreError
from reader.ui.screens.highlights_mixin import HighlightsMixin
from reader.ui.workers import background

if TYPE_CHECKING:
    from reader.ui.screens.all_notes import NotesTarget


class LibraryNotesMixin(HighlightsMixin):
    """Marks in the article list, the all-notes screen and export."""

    _pending_target: NotesTarget | None

    async def _open_panel(self) -> None:
        raise NotImplementedError

    # -- the list's marks ----------------------------------------------------------------------

    @background("loading the notes marks", group="notes-marks")
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
        """Ask where (default: the data directory's exports folder), then export there."""
        from reader.ui.screens.export_path import ExportPathScreen, default_export_path

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._export_notes(path)

        default = default_export_path(self.session.data_dir)
        self.app.push_screen(ExportPathScreen(default), chosen)  # type: ignore[attr-defined]

    @background("exporting the notes", group="notes-export", exclusive=True)
    def _export_notes(self, path: Path) -> None:
        from reader.core.counts import plural
        from reader.core.notes.export import to_markdown, write_export

        try:
            items = self.notes.collect()
        except StoreError as error:
            self._deliver(self._notes_failed, str(error))
            return
        if not items:
            self._deliver(self.notify, "No notes or highlights to export yet")
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            written = write_export(to_markdown(items), path)
        except (OSError, StoreError) as error:
            self._deliver(self._notes_failed, f"Export failed: {error}")
            return
        message = f"Notes of {plural(len(items), 'article')} exported to {written}"
        self._deliver(self.notify, inert(message), title="Export", markup=False)
