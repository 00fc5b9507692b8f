"""The main screen's highlights: make them from a selection, draw them, go between them,
comment, delete and undo. Part of `NotesMixin`; every read and write runs in a thread worker
and comes back to the event loop with `call_from_thread`.

The "current" highlight is the one `]`/`[` or the panel's list went to (drawn underlined);
`c` and `x` act on it while it is in view, otherwise on the first highlight in view.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from reader.core.drafts import DraftKey, Drafts, NotSaved
from reader.core.sanitize import inert
from reader.core.schema import StoreError
from reader.ui.notes_access import session_notes
from reader.ui.widgets.notes_panel import NotesPanel
from reader.ui.workers import background


class _PanelGone:
    """Answers every call with nothing: the notes panel has already been removed."""

    is_mounted = False
    chosen_highlight = None

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: None


_GONE = _PanelGone()

if TYPE_CHECKING:
    from textual.app import App

    from reader.core.models import ArticleSummary
    from reader.core.notes import Highlight, NotesStore
    from reader.core.session import LibrarySession
    from reader.ui.screens.highlight_comment import CommentChoice
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.reading_view import ReadingView
    from reader.ui.widgets.selection import SelectionMade

CURRENT_STYLE = "highlight-current"
COLORS = ("yellow", "green", "blue", "pink", "purple")
"""`reader.core.notes.COLORS`, spelled out: importing the notes core is not start-up work."""
RANGE_NAMES = (*(f"highlight-{color}" for color in COLORS), CURRENT_STYLE)


class HighlightsMixin:
    """Highlights of the article on screen; the main screen supplies the attributes below."""

    if TYPE_CHECKING:
        session: LibrarySession
        current: ArticleSummary | None
        article_text: str | None
        _reader: ReadingView | None
        app: App[None]

        @property
        def reading_view(self) -> ReadingView: ...
        @property
        def article_list(self) -> ArticleList: ...
        def query_one(self, selector: type[NotesPanel]) -> NotesPanel: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def call_later(self, callback: object, *args: object) -> bool: ...
        @property
        def is_attached(self) -> bool: ...

    _highlights: list[Highlight]
    _highlights_of: int | None
    """The article `_highlights` belong to (None until they are loaded)."""
    _current_highlight: str | None
    _deleted: list[str]
    _annotated: set[int]
    _drafts: Drafts
    """Where text the database refused is written (see `reader.core.drafts`)."""
    _failures_told: dict[DraftKey, str]
    """The last failure toasted for each note or comment: a repeat is not toasted again."""

    def _init_highlights(self) -> None:
        self._highlights, self._highlights_of = [], None
        self._current_highlight = None
        self._deleted = []

    def _deliver(self, callback: Callable[..., object], *args: object, **kwargs: object) -> None:
        """From a worker: run `callback` on the event loop, unless the screen has gone (quit)."""

        def run() -> None:
            if self.is_attached and self.notes_panel.is_mounted:  # not while quitting
                callback(*args, **kwargs)

        with contextlib.suppress(RuntimeError):  # the app has stopped (NoActiveAppError too)
            self.app.call_from_thread(run)

    @property
    def notes(self) -> NotesStore:
        """The notes store (opened by the first worker that needs it)."""
        return session_notes(self.session)

    @property
    def notes_panel(self) -> NotesPanel:
        """The panel; while the screen is being torn down (a worker's result arriving after
        quit), a stand-in that ignores calls, so a late result never crashes the app."""
        try:
            return self.query_one(NotesPanel)
        except NoMatches:
            return _GONE  # type: ignore[return-value]

    @property
    def highlights(self) -> list[Highlight]:
        """The shown article's live highlights in reading order (orphaned ones flagged)."""
        return list(self._highlights)

    # -- loading and drawing -------------------------------------------------------------------

    def _forget_highlights(self) -> None:
        self._init_highlights()
        if self._reader is not None:
            for name in RANGE_NAMES:
                self._reader.clear_ranges(name)
        self.notes_panel.set_highlights([], None)

    @background("placing the highlights", group="notes-anchor", exclusive=True)
    def _reanchor(self, article_id: int, text: str) -> None:
        """Find each highlight in the article's current text (it may have changed)."""
        try:
            items = self.notes.reanchor_article(article_id, text)
        except StoreError as error:
            self._deliver(self._notes_failed, str(error))
            return
        self._deliver(self._highlights_loaded, article_id, items)

    def _highlights_loaded(self, article_id: int, items: list[Highlight]) -> None:
        if self.current is None or self.current.id != article_id:
            return
        self._highlights, self._highlights_of = items, article_id
        if self._current_highlight not in {item.id for item in items}:
            self._current_highlight = None
        self._draw_highlights()
        self._highlights_ready(article_id)

    def _highlights_ready(self, article_id: int) -> None:
        """Hook for `NotesMixin`: a jump may be waiting for these highlights."""

    def _draw_highlights(self) -> None:
        if self._reader is None:
            return
        by_color: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for item in self._highlights:
            if not item.orphaned:
                by_color[item.color].append((item.start, item.end))
        for color in COLORS:
            name = f"highlight-{color}"
            if by_color[color]:
                self._reader.set_ranges(name, by_color[color], name)
            else:
                self._reader.clear_ranges(name)
        current = self._find(self._current_highlight)
        if current is not None and not current.orphaned:
            self._reader.set_ranges(CURRENT_STYLE, [(current.start, current.end)], CURRENT_STYLE)
        else:
            self._reader.clear_ranges(CURRENT_STYLE)
        self.notes_panel.set_highlights(self._highlights, self._current_highlight)

    def _find(self, highlight_id: str | None) -> Highlight | None:
        return next((item for item in self._highlights if item.id == highlight_id), None)

    # -- making one ----------------------------------------------------------------------------

    def on_reading_view_selection_made(self, event: SelectionMade) -> None:
        text = self.article_text
        if self.current is None or text is None or event.end > len(text):
            self.notify("Wait until the article has loaded, then select again", timeout=3)
            return
        self._add_highlight(self.current.id, text, event.start, event.end, event.comment)

    @background("saving the highlight", group="notes-write")
    def _add_highlight(
        self, article_id: int, text: str, start: int, end: int, comment: bool
    ) -> None:
        try:
            item = self.notes.add_highlight(article_id, text, start, end)
            items = self.notes.highlights(article_id)
        except (StoreError, ValueError) as error:
            self._deliver(self._notes_failed, str(error))
            return
        self._deliver(self._highlights_changed, article_id, items, item.id)
        if comment:
            self._deliver(self._edit_comment, item)

    def _highlights_changed(
        self, article_id: int, items: list[Highlight], current: str | None
    ) -> None:
        """A write changed the article's highlights: redraw them and the list mark."""
        self._set_mark(article_id, bool(items) or None)
        if self.current is None or self.current.id != article_id:
            return
        self._highlights, self._highlights_of = items, article_id
        if current is not None:
            self._current_highlight = current
        self._draw_highlights()

    def _set_mark(self, article_id: int, annotated: bool | None) -> None:
        """Mark the article in the list; None: ask the store (a note may still mark it)."""
        if annotated is None:
            self._check_mark(article_id)
            return
        if annotated:
            self._annotated.add(article_id)
        else:
            self._annotated.discard(article_id)
        self.article_list.update_state(article_id, has_notes=annotated)

    @background("updating the notes mark", group="notes-marks")
    def _check_mark(self, article_id: int) -> None:
        try:
            annotated = article_id in self.notes.annotated_article_ids()
        except StoreError:
            return
        self._deliver(self._set_mark, article_id, annotated)

    # -- comments ------------------------------------------------------------------------------

    def action_comment_highlight(self) -> None:
        item = self._target_highlight()
        if item is not None:
            self._edit_comment(item)

    def _edit_comment(
        self, item: Highlight, unsaved: CommentChoice | None = None, problem: str | None = None
    ) -> None:
        """Ask for the comment; `unsaved` is a comment that could not be saved, offered again
        with the `problem` shown."""

        def chosen(choice: CommentChoice | None) -> None:
            if choice is not None:
                self._save_comment(item, choice)

        from reader.ui.screens.highlight_comment import HighlightCommentScreen

        comment, color = (unsaved.comment, unsaved.color) if unsaved else (item.comment, item.color)
        dialog = HighlightCommentScreen(item.quote, comment, color, problem=problem)
        self.app.push_screen(dialog, chosen)

    @background("saving the comment", group="notes-write")
    def _save_comment(self, item: Highlight, choice: CommentChoice) -> None:
        from reader.core.notes import Conflict

        comment, color = choice.comment, choice.color
        key = DraftKey(item.article_id, "comment", item.id)
        try:
            result = self.notes.edit_highlight(
                item.id, expected_version=item.version, comment=comment, color=color
            )
            if isinstance(result, Conflict):  # changed elsewhere: keep both comments
                theirs = result.current.comment
                comment = comment if theirs.strip() in comment else f"{comment} / {theirs}"
                result = self.notes.edit_highlight(
                    item.id, expected_version=result.current.version, comment=comment, color=color
                )
                self._deliver(
                    self.notify,
                    "The comment was changed elsewhere too: both are kept",
                    severity="warning",
                )
            items = self.notes.highlights(item.article_id)
        except StoreError as error:
            about = f"{self._about(item.article_id)}, highlight “{item.quote}”"
            failed = self._drafts.keep_refused(key, comment, error, about)
            self._deliver(self._comment_not_saved, item, replace(choice, comment=comment), failed)
            return
        self._text_saved(key)
        self._deliver(self._highlights_changed, item.article_id, items, item.id)

    def _comment_not_saved(self, item: Highlight, choice: CommentChoice, failed: NotSaved) -> None:
        """Say so, and open the dialog again with the comment in it: nothing typed is lost."""
        key = DraftKey(item.article_id, "comment", item.id)
        self._tell_not_saved(key, failed, "the comment dialog")
        self._edit_comment(item, choice, failed.status)

    # -- text the database refused -------------------------------------------------------------

    def _text_saved(self, key: DraftKey) -> None:
        """The text of `key` is in the database: its draft is marked saved (kept, see
        `reader.core.drafts`) and its next failure is toasted again. Any thread."""
        self._drafts.saved(key)
        self._failures_told.pop(key, None)

    def _tell_not_saved(self, key: DraftKey, failed: NotSaved, kept_in: str) -> None:
        """Toast the failure, once per note or comment until it changes (autosave retries
        every pause in typing; the panel's status line keeps saying it)."""
        message = failed.message(kept_in)
        if self._failures_told.get(key) == message:
            return
        self._failures_told[key] = message
        self.notify(inert(message), title=failed.title, severity="error", timeout=15, markup=False)

    def _about(self, article_id: int) -> str:
        """The article, for a draft's first line (any thread: one attribute read)."""
        current = self.current
        if current is None or current.id != article_id:
            return f"article {article_id}"
        return f"“{current.title}” ({current.path})"

    # -- going between them --------------------------------------------------------------------

    def action_next_highlight(self) -> None:
        self._jump(1)

    def action_previous_highlight(self) -> None:
        self._jump(-1)

    def _jump(self, step: int) -> None:
        placed = [item for item in self._highlights if not item.orphaned]
        if self._reader is None or not placed:
            self.notify("No highlights in this article", timeout=2)
            return
        current = self._find(self._current_highlight)
        if current is not None and current in placed and _in_view(self._reader, current):
            index = placed.index(current) + step
        else:
            top = self._reader.top_offset
            after = [i for i, item in enumerate(placed) if item.start >= top]
            first_after = after[0] if after else len(placed)
            index = first_after if step > 0 else first_after - 1
        if not 0 <= index < len(placed):
            self.notify("No more highlights that way", timeout=2)
            return
        self.show_highlight(placed[index])

    def show_highlight(self, item: Highlight) -> None:
        """Scroll the passage to the middle of the pane and make it the current highlight."""
        self._current_highlight = item.id
        if self._reader is not None and not item.orphaned:
            self._reader.scroll_to_offset(item.start, center=True)
        self._draw_highlights()

    def _target_highlight(self) -> Highlight | None:
        """What `c` and `x` act on: the list's choice, else the current one or the first in view."""
        chosen = self.notes_panel.chosen_highlight
        if chosen is not None and self._find(chosen) is not None:
            return self._find(chosen)
        view = self._reader
        placed = [item for item in self._highlights if not item.orphaned]
        if view is not None:
            current = self._find(self._current_highlight)
            if current is not None and current in placed and _in_view(view, current):
                return current
            for item in placed:
                if _in_view(view, item):
                    return item
        self.notify("No highlight in view: ] goes to the next one, v selects text", timeout=3)
        return None

    # -- deleting and undoing ------------------------------------------------------------------

    def action_delete_highlight(self) -> None:
        item = self._target_highlight()
        if item is not None:
            self._delete_highlight(item)

    @background("deleting the highlight", group="notes-write")
    def _delete_highlight(self, item: Highlight) -> None:
        try:
            self.notes.delete_highlight(item.id)
            items = self.notes.highlights(item.article_id)
        except StoreError as error:
            self._deliver(self._notes_failed, str(error))
            return
        self._deliver(self._highlight_deleted, item, items)

    def _highlight_deleted(self, item: Highlight, items: list[Highlight]) -> None:
        self._deleted.append(item.id)
        if self._current_highlight == item.id:
            self._current_highlight = None
        self._highlights_changed(item.article_id, items, None)
        self.notify(f"Highlight deleted: “{inert(item.quote, limit=60)}” (U undoes)", markup=False)

    def action_undo_delete(self) -> None:
        if not self._deleted:
            self.notify("Nothing to undo", timeout=2)
            return
        self._restore_highlight(self._deleted.pop())

    @background("restoring the highlight", group="notes-write")
    def _restore_highlight(self, highlight_id: str) -> None:
        try:
            item = self.notes.restore_highlight(highlight_id)
            items = self.notes.highlights(item.article_id)
        except StoreError as error:
            self._deliver(self._notes_failed, str(error))
            return
        self._deliver(self._highlights_changed, item.article_id, items, item.id)
        self._deliver(self.notify, "Highlight restored", timeout=2)

    def _notes_failed(self, message: str) -> None:
        self.notify(inert(message), title="Notes", severity="error", timeout=10, markup=False)


def _in_view(view: ReadingView, item: Highlight) -> bool:
    return view.offset_in_view(item.start) or item.start <= view.top_offset < item.end
