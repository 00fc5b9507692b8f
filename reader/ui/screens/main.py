"""The main screen: the article list beside the reading pane, and the work that feeds them.

The screen owns the workers (open the library, rescan, load an article) and turns their
results into calls on the two widgets; the widgets only draw and report what happened.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, ProgressBar, Static
from textual.worker import get_current_worker

from reader.core.counts import plural
from reader.core.listing import ArticleListing, SortKey
from reader.core.models import (
    BLOCK_SEPARATOR,
    ArticleStream,
    ArticleSummary,
    ScanProgress,
    ScanReport,
    Skipped,
)
from reader.core.sanitize import inert, safe_text
from reader.core.session import FIRST_SCREEN_ROWS, LibrarySession
from reader.ui.link_actions import LinkHandler
from reader.ui.pane_layout import NARROW, arrange
from reader.ui.screens.notes_mixin import NOTES_BINDINGS, NotesMixin
from reader.ui.screens.search_mixin import SEARCH_BINDINGS, SearchMixin
from reader.ui.view_memory import ViewState
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.key_bar import KeyBar
from reader.ui.widgets.safe_input import SafeInput
from reader.ui.widgets.saved_searches import SavedSearches
from reader.ui.workers import background

if TYPE_CHECKING:
    from reader.ui.widgets.reading_view import ReadingView

SORT_ORDER = (SortKey.DATE, SortKey.TITLE, SortKey.RECENT, SortKey.PATH)
SORT_NAMES = {
    SortKey.DATE: "date",
    SortKey.TITLE: "title",
    SortKey.RECENT: "recently read",
    SortKey.PATH: "path",
}
POSITION_SAVE_DELAY = 0.5
OPEN_FILE_POLL = 2.0
OUTBOX_POLL = 5.0
"""Seconds between looks for changes other processes left for the search index (a note
saved in a second window, `reader notes import`): one COUNT query when there are none."""
"""Seconds between looks at the open article's file (one stat): an edit shows without R."""
PREVIEW_DELAY = 0.06


class MainScreen(SearchMixin, NotesMixin, Screen[None]):
    BINDINGS = [
        *SEARCH_BINDINGS,
        *NOTES_BINDINGS,
        Binding("tab", "switch_pane", "Switch pane", id="switch-pane"),
        Binding("f", "focus_filter", "Filter", id="filter"),
        Binding("escape", "escape", "Clear search / filter", id="clear", show=False),
        Binding("q", "back_to_list", "Back", id="back"),
        Binding("z", "toggle_full_screen", "Full screen", id="full-screen", show=False),
        Binding("s", "cycle_sort", "Sort", id="sort"),
        Binding("r", "reverse_sort", "Reverse sort", id="reverse-sort", show=False),
        Binding("u", "toggle_read", "Read/unread", id="toggle-read", show=False),
        Binding("w", "toggle_full_width", "Full width", id="full-width", show=False),
        Binding("o", "show_links", "Links", id="links", show=False),
        # Reached only when the reading pane has focus (the list's own enter opens an article).
        Binding("enter", "show_links", "Follow a link", id="follow-link", show=False),
        Binding("S", "show_skipped", "Skipped files", id="skipped", show=False),
        Binding("R", "rescan", "Rescan", id="rescan", show=False),
    ]

    def __init__(self, session: LibrarySession) -> None:
        super().__init__()
        self.session = session
        self.sort_key = SortKey.DATE
        self.current: ArticleSummary | None = None
        self.skipped_count = 0
        self.scanning = True
        self.loading_rows = True
        self._pending_position: tuple[int, int] | None = None
        self._position_timer = None
        self._preview_timer = None
        self.links = LinkHandler(self)
        self._reader: ReadingView | None = None
        self.article_text: str | None = None
        """The open article's full text once loaded: what hit and highlight offsets address."""
        self._reader_message = "Opening the library…"
        self._full_width = False
        self._saved_view = ViewState()
        self._wanted_selection: int | None = None
        self._rescan_asked = False
        self._rescan_queued = False
        self._open_stamp: tuple[int, int] | None = None
        """(size, mtime) of the open article's file when it was loaded."""
        self._reload_current = False
        self._view_timer: Timer | None = None
        self._full_screen = False
        """Reading full-screen: by `z`, or by opening an article in a narrow terminal."""
        self.pane_layout = arrange(NARROW, reading=False, notes=False)
        """What the panes look like now (recomputed on resize and on every toggle)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="library"):
                yield SavedSearches(id="saved-searches")
                yield SafeInput(placeholder="Filter by title, author, tag  (f)", id="filter")
                yield ArticleList(id="articles")
                yield Static(id="list-status")
            # The reading view is mounted after the first paint: the list shows sooner.
            with Vertical(id="reading-slot"), Vertical(id="search-bars"):
                yield Static(id="hit-bar")
                yield SafeInput(placeholder="Find in this article", id="find-input")
            yield from self.compose_notes()
        with Horizontal(id="progress-row"):  # the bar is mounted when a scan has work to show
            yield Static("Indexing", id="progress-label")
        yield KeyBar(id="keys")

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reading_view(self) -> ReadingView:
        assert self._reader is not None, "the reading view is mounted after the first paint"
        return self._reader

    def on_mount(self) -> None:
        from reader.ui.notes_access import add_notes_listener

        add_notes_listener(self.session, self.session.index_note_change)  # notes are searchable
        self.article_list.focus()
        self.apply_layout()
        self.call_after_refresh(self._mount_reader)
        preloaded = self.session.preloaded
        if preloaded is not None:
            self._restore_view(preloaded.view)
            more = len(preloaded.summaries) >= FIRST_SCREEN_ROWS
            self._library_opened(preloaded.summaries, more, preloaded.notices, preloaded.theme)
        self._update_status()
        # After the first paint: the worker's 100,000-row load would compete for the GIL.
        self.call_after_refresh(self._open_library)
        self.set_interval(OPEN_FILE_POLL, self._poll_open_file)
        self.set_interval(OUTBOX_POLL, self._poll_outbox)

    def on_resize(self) -> None:
        self.apply_layout()

    def apply_layout(self) -> None:
        """Show the panes that fit this width (see `reader.ui.pane_layout`), keeping focus on
        a pane that is shown."""
        notes = self.notes_panel.has_class("shown")
        layout = arrange(self.size.width or NARROW, reading=self._full_screen, notes=notes)
        self.pane_layout = layout
        for name, wanted in layout.classes.items():
            self.set_class(wanted, name)
        if not layout.show_list and self.query_one("#library").has_focus_within:
            if self._reader is not None:
                self._reader.focus()
        elif not layout.show_reading and self._reader is not None and self._reader.has_focus:
            self.article_list.focus()
        self.refresh_bindings()

    def in_reading(self) -> bool:
        """The user is reading (the article has focus, or is all there is): q goes back."""
        if self._reader is None:
            return False
        return self._reader.has_focus or not self.pane_layout.show_list

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back_to_list":
            return self.in_reading()  # else q falls through to the app: quit
        return True

    async def _mount_reader(self) -> None:
        from reader.ui.widgets.reading_view import ReadingView

        reader = ReadingView(id="reading")
        reader.measure = self.session.settings.measure
        reader.full_width = self._full_width
        await self.query_one("#reading-slot").mount(reader)
        self._reader = reader
        reader.show_message(self._reader_message)
        if self.article_list.cursor_summary is not None:
            self._preview(self.article_list.cursor_summary)

    def _show_message(self, text: str) -> None:
        """A notice in the reading pane, or for it once it is mounted."""
        self._reader_message = text
        if self._reader is not None:
            self._reader.show_message(text)

    # -- the library ------------------------------------------------------------------

    @background("opening the library", group="library", exclusive=True)
    def _open_library(self) -> None:
        """Newest rows first (a screenful, in milliseconds), then every row, then the rescan."""
        from reader.core.store import StoreError

        preloaded = self.session.take_preload()
        try:
            if preloaded is None:
                notices = self.session.open()
                theme = self.session.get_setting("theme")
                self.app.call_from_thread(
                    self._restore_view, self.session.get_setting(self.session.view_setting)
                )
                first = self.session.first_summaries()
            else:
                first, notices, theme = preloaded.summaries, preloaded.notices, preloaded.theme
        except StoreError as error:
            self.app.call_from_thread(self._library_failed, str(error))
            return
        searches = self.session.saved_searches()
        self.app.call_from_thread(self.show_saved_searches, searches)
        more = len(first) >= FIRST_SCREEN_ROWS
        if preloaded is None:
            self.app.call_from_thread(self._library_opened, first, more, notices, theme)
        if more:
            listing = ArticleListing(self.session.summaries())
            listing.prepare_filtering()  # the first filter keystroke shows its rows at once
            self.app.call_from_thread(self._listing_ready, listing)
        self._scan()

    # -- the view a restart brings back ------------------------------------------------

    def _restore_view(self, raw: str | None) -> None:
        """Sort, filter, width mode and (once its row is listed) the article last shown."""
        view = ViewState.from_json(raw)
        self._saved_view = view
        self._wanted_selection = view.selected
        self.sort_key = view.sort
        self.article_list.sort_by(view.sort)
        self.article_list.reverse_sort(view.reverse)
        if view.filter:
            self.query_one("#filter", Input).value = view.filter
        self._full_width = view.full_width
        if self._reader is not None:  # mounted already (no preload): set it now
            self._reader.full_width = view.full_width

    def _select_remembered(self) -> None:
        """Put the cursor back on the article last shown, as soon as the list has it."""
        wanted = self._wanted_selection
        if wanted is not None and self.article_list.select_id(wanted):
            self._wanted_selection = None
            self._preview(self.article_list.cursor_summary)

    def remember_view(self) -> None:
        """Save the view for the next start (only when it changed; in a worker)."""
        view = ViewState(
            sort=self.sort_key,
            reverse=self.article_list.reversed,
            filter=self.query_one("#filter", Input).value,
            selected=self.current.id if self.current else self._wanted_selection,
            full_width=self._full_width,
        )
        if view != self._saved_view:
            self._saved_view = view
            self._save_view(view.to_json())

    @background("saving the list's order and filter", group="view", exclusive=True)
    def _save_view(self, raw: str) -> None:
        self.session.set_setting(self.session.view_setting, raw)

    def _library_failed(self, message: str) -> None:
        self.scanning = False
        self._show_message(f"The library could not be opened: {message}")
        self.notify(inert(message), title="Library", severity="error", timeout=30, markup=False)
        self._update_status()

    def _library_opened(
        self,
        summaries: list[ArticleSummary],
        more: bool,
        notices: list[str],
        theme: str | None,
    ) -> None:
        self.app.restore_theme(theme)  # type: ignore[attr-defined]
        for notice in notices:
            self.notify(
                inert(notice), title="Library", severity="warning", timeout=30, markup=False
            )
        self.loading_rows = more
        self.article_list.set_summaries(summaries)
        self._select_remembered()
        if summaries:
            if self._reader is not None:
                self._preview(self.article_list.cursor_summary)
        else:
            self._show_message("Looking for articles…")
        self._update_status()

    def _listing_ready(self, listing: ArticleListing) -> None:
        self.loading_rows = False
        self.article_list.set_listing(listing)
        self._select_remembered()
        self._update_status()

    def _scan(self) -> None:
        """Runs in the library worker: pick up new, changed, moved and removed files.

        A failure is reported by the worker; the list keeps what it has, and stops saying
        "scanning…".
        """
        try:
            report = self.session.rescan(
                progress=lambda p: self.app.call_from_thread(self._scan_progressed, p),
                on_batch=lambda rows: self.app.call_from_thread(self._scan_batch, rows),
            )
        except BaseException:
            self.app.call_from_thread(self._scan_stopped)
            raise
        summaries = self.session.summaries()
        self.app.call_from_thread(self._scan_finished, report, summaries)

    def _scan_progressed(self, progress: ScanProgress) -> None:
        self.query_one("#progress-row").display = progress.total > 0
        self.query_one("#progress-label", Static).update(
            safe_text(f"{progress.phase.capitalize()} {progress.done:,}/{progress.total:,}")
        )
        bars = self.query(ProgressBar)
        if bars:
            bars.first().update(total=max(progress.total, 1), progress=progress.done)
        else:
            bar = ProgressBar(id="index-progress", show_eta=False)
            self.query_one("#progress-row").mount(bar)
            bar.update(total=max(progress.total, 1), progress=progress.done)

    def _scan_batch(self, rows: list[ArticleSummary]) -> None:
        had_rows = self.article_list.counts[1] > 0
        self.article_list.upsert(rows)
        self._select_remembered()
        if not had_rows and rows:
            self._preview(self.article_list.cursor_summary)
        self._update_status()

    def _scan_stopped(self) -> None:
        self.scanning = False
        self.query_one("#progress-row").display = False
        self._update_status()

    def _scan_finished(self, report: ScanReport, summaries: list[ArticleSummary]) -> None:
        self.scanning = False
        self.query_one("#progress-row").display = False
        for notice in report.notices:
            self.notify(inert(notice), title="Library", severity="warning", markup=False)
        self.article_list.set_summaries(summaries)
        self._select_remembered()
        self._wanted_selection = None  # gone from the library: the list's first row it is
        self.skipped_count = len(report.skipped)
        if self.current is None:
            if summaries:
                self._preview(self.article_list.cursor_summary)
            else:
                self._show_message("No articles here. Press ? for help.")
        changes = report.new + report.changed + report.moved + report.removed
        asked, self._rescan_asked = self._rescan_asked, False
        if asked and not changes:
            self.notify(
                f"Nothing changed: {plural(report.articles, 'article')} up to date",
                title="Rescan",
                timeout=3,
                markup=False,
            )
        elif changes and (report.unchanged or asked):
            self.notify(
                f"{report.new} new, {report.changed} changed, {report.moved} moved, "
                f"{report.removed} removed",
                title="Library updated",
                markup=False,
            )
        if report.skipped:
            self.notify(
                f"{len(report.skipped)} files skipped: press S to see why",
                severity="warning",
                markup=False,
            )
        self._update_status()
        self._reload_if_changed()
        if self._rescan_queued:
            self._rescan_queued = False
            self.action_rescan()

    def _update_status(self) -> None:
        shown, total = self.article_list.counts
        if self.loading_rows and total:
            parts = [f"loading articles ({total:,} so far)…"]
        else:
            counted = f"{shown:,}+" if self.article_list.counting else f"{shown:,}"
            parts = [f"{counted} of {total:,} articles"]
        bar = self.query_one(SavedSearches)
        if bar.active is not None and bar.active < len(bar.searches):
            parts.insert(0, f"★ {bar.searches[bar.active][0]} (0: all)")
        order = SORT_NAMES[self.sort_key]
        parts.append(f"by {order}, reversed" if self.article_list.reversed else f"by {order}")
        if self.skipped_count:
            parts.append(f"{self.skipped_count} skipped (S)")
        if self.scanning:
            parts.append("scanning…")
        self.query_one("#list-status", Static).update(safe_text(" · ".join(parts)))

    # -- list events ------------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _article_highlighted(self, event: ArticleList.Highlighted) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        summary = event.summary
        self._preview_timer = self.set_timer(PREVIEW_DELAY, lambda: self._preview(summary))

    @on(ArticleList.Selected)
    def _article_selected(self, event: ArticleList.Selected) -> None:
        self.open_summary(event.summary)

    @on(ArticleList.CountsChanged)
    def _counts_changed(self) -> None:
        self._update_status()
        shown, total = self.article_list.counts
        if shown == 0 and total and not self.article_list.counting:
            self._nothing_matches()
        elif shown and self.current is None:
            self._preview(self.article_list.cursor_summary)

    def _nothing_matches(self) -> None:
        """The filter hides every article: say so, rather than keep showing one it hid."""
        if self.current is not None:
            self.save_position_now()
            self.notes_article_leaving()
            self.current = None
        query = inert(self.query_one("#filter", Input).value, limit=60)
        where = f"matches '{query}'" if query else "is in this saved search"
        self._show_message(f"No article {where}. Press escape to clear the filter.")

    def _preview(self, summary: ArticleSummary | None) -> None:
        if self._reader is None:
            return  # _mount_reader previews the cursor's article
        if summary is not None and (self.current is None or summary.id != self.current.id):
            self._show(summary)

    def open_summary(self, summary: ArticleSummary) -> None:
        """Open to read: shown, focused, marked read and recently read (a narrow terminal
        reads full-screen)."""
        if self._reader is None:
            return
        if self.current is None or summary.id != self.current.id:
            self._show(summary)
        if self.pane_layout.narrow and not self._full_screen:
            self._full_screen = True
            self.apply_layout()
        self.reading_view.focus()
        self._mark_opened(summary.id)
        now = dt.datetime.now(dt.UTC)
        self.article_list.update_state(summary.id, read=True, last_read=now)

    def _show(self, summary: ArticleSummary) -> None:
        self.save_position_now()
        self.notes_article_leaving()
        self.current = summary
        self.remember_view()
        self.article_text = None
        self.search_article_shown(summary)
        self.notes_article_shown(summary)
        self.reading_view.show_loading()
        self._load_article(summary)

    @background("opening the article", group="article", exclusive=True)
    def _load_article(self, summary: ArticleSummary) -> None:
        worker = get_current_worker()
        self._open_stamp = _stamp(summary.path)
        result = self.session.open_article(summary.path)
        state = self.session.reading_state(summary.id)
        if worker.is_cancelled:
            return
        if isinstance(result, Skipped):
            self.app.call_from_thread(
                self.reading_view.show_message, f"Cannot show this file: {result.reason}"
            )
            return
        self.app.call_from_thread(self._begin_article, result, state.position)
        texts: list[str] = []
        for chunk in result.chunks:
            if worker.is_cancelled:
                return
            texts.extend(block.text for block in chunk)
            self.app.call_from_thread(self.reading_view.append_blocks, chunk)
        if not worker.is_cancelled:
            self.app.call_from_thread(self.reading_view.finish)
            text = BLOCK_SEPARATOR.join(texts)  # the offsets hits and highlights address
            self.app.call_from_thread(self._article_loaded, summary, text)

    def _article_loaded(self, summary: ArticleSummary, text: str) -> None:
        """The article is shown in full: search hits and highlights can be placed."""
        if self.current is None or self.current.id != summary.id:
            return
        self.article_text = text
        self.search_article_loaded(summary, text)
        self.notes_article_loaded(summary, text)

    def _begin_article(self, stream: ArticleStream, position: int) -> None:
        self.reading_view.show_article(
            self.session.display_path(stream.path), stream.meta, tuple(stream.warnings)
        )
        if position:
            self.reading_view.scroll_to_offset(position)
        for warning in stream.warnings:
            self.notify(inert(warning), severity="warning", markup=False)

    # -- the open article's file changing on disk ------------------------------------

    def _poll_outbox(self) -> None:
        if not self.scanning:
            self._replay_outbox()

    @background("bringing search up to date", group="outbox", exclusive=True)
    def _replay_outbox(self) -> None:
        """Whoever holds the search index takes in what other writers left pending."""
        self.session.replay_pending()

    def _poll_open_file(self) -> None:
        if self.current is not None and self._open_stamp is not None and not self.scanning:
            self._check_open_file(self.current, self._open_stamp)

    @background("checking the open article's file", group="open-file", exclusive=True)
    def _check_open_file(self, summary: ArticleSummary, seen: tuple[int, int]) -> None:
        """One stat of the open file: when it changed, the library is rescanned (quietly)."""
        now = _stamp(summary.path)
        if now is not None and now != seen:
            self.app.call_from_thread(self._open_file_changed, summary)

    def _open_file_changed(self, summary: ArticleSummary) -> None:
        if self.current is None or self.current.id != summary.id or self.scanning:
            return
        self._open_stamp = None  # until it is loaded again
        self._reload_current = True
        self.scanning = True
        self._update_status()
        self._rescan_worker()

    def _reload_if_changed(self) -> None:
        """After the rescan a changed open file caused: show its new text where the reader was."""
        if not self._reload_current:
            return
        self._reload_current = False
        if self.current is None:
            return
        fresh = self.article_list.summary_for(self.current.id)
        if fresh is None:
            self.notify("The open article's file is gone", severity="warning", markup=False)
            return
        self.notify(inert(f"“{fresh.title}” changed on disk: shown again"), markup=False)
        self.save_position_now()
        self.current = None
        self._show(fresh)

    @background("recording that the article was opened", group="state")
    def _mark_opened(self, article_id: int) -> None:
        self.session.set_read(article_id, True)
        self.session.mark_opened(article_id)

    # -- reading position ----------------------------------------------------------

    def on_reading_view_scrolled(self, event: ReadingView.Scrolled) -> None:
        if self.current is None:
            return
        self._pending_position = (self.current.id, event.top_offset)
        if self._position_timer is not None:
            self._position_timer.stop()
        self._position_timer = self.set_timer(POSITION_SAVE_DELAY, self._save_position)

    def _save_position(self) -> None:
        if self._pending_position is not None:
            article_id, position = self._pending_position
            self._pending_position = None
            self.article_list.update_state(article_id, position=position)
            self._write_position(article_id, position)

    @background("saving your reading position", group="state")
    def _write_position(self, article_id: int, position: int) -> None:
        self.session.save_position(article_id, position)

    def save_position_now(self) -> None:
        """Flush the reading position synchronously (switching article, quitting)."""
        self.notes_flush()
        if self._pending_position is not None:
            article_id, position = self._pending_position
            self._pending_position = None
            self.session.save_position(article_id, position)

    # -- links ---------------------------------------------------------------------

    def on_reading_view_link_activated(self, event: ReadingView.LinkActivated) -> None:
        self.links.activate(event.target)

    # -- actions -------------------------------------------------------------------

    def action_open_article(self) -> None:
        summary = self.article_list.cursor_summary
        if summary is not None:
            self.open_summary(summary)

    def action_switch_pane(self) -> None:
        if self._reader is None:
            return
        if self.in_reading():
            self.action_back_to_list()
        elif self.pane_layout.narrow:
            self.action_open_article()
        else:
            self.reading_view.focus()

    def action_back_to_list(self) -> None:
        """From the article to the list, as q does in less, mutt and newsboat."""
        if self._full_screen or self.pane_layout.narrow:
            self._full_screen = False
            if self.pane_layout.narrow and self.notes_panel.has_class("shown"):
                self.notes_panel.set_class(False, "shown")
            self.apply_layout()
        self.article_list.focus()

    def action_toggle_full_screen(self) -> None:
        """Read full-screen (the list hidden), or come back to the list beside the article."""
        if self._reader is None:
            return
        if self._full_screen:
            self.action_back_to_list()
        elif self.pane_layout.narrow:
            self.action_open_article()
        else:
            self._full_screen = True
            self.apply_layout()
            self.reading_view.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_escape(self) -> None:
        """Clear the search hits if there are any; else back from the article to the list;
        else clear the filter, else a saved search."""
        if self.clear_hits():
            return
        if self.in_reading():
            self.action_back_to_list()
            return
        if not self.query_one("#filter", Input).value and self.article_list.restricted:
            self.action_saved_search(0)
            return
        self.action_clear_filter()

    def action_clear_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        if filter_input.value or filter_input.has_focus:
            filter_input.value = ""
            self.article_list.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        clean = inert(event.value, limit=500)
        if clean != event.value:  # pasted control characters: shown as symbols, never raw
            event.input.value = clean
            return
        self.article_list.filter(event.value)
        shown, total = self.article_list.counts
        if shown == 0 and total and not self.article_list.counting:
            self._nothing_matches()  # the counts did not change, but the words did
        if self._view_timer is not None:
            self._view_timer.stop()
        self._view_timer = self.set_timer(0.5, self.remember_view)

    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        self.find_changed(event)

    @on(Input.Submitted, "#find-input")
    def _find_submitted(self) -> None:
        self.find_submitted()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.article_list.focus()

    def action_cycle_sort(self) -> None:
        index = SORT_ORDER.index(self.sort_key)
        self.action_sort_by(SORT_ORDER[(index + 1) % len(SORT_ORDER)].value)

    def action_sort_by(self, key: str) -> None:
        self.sort_key = SortKey(key)
        self.article_list.sort_by(self.sort_key)
        self._update_status()
        self.remember_view()

    def action_reverse_sort(self) -> None:
        self.article_list.reverse_sort(not self.article_list.reversed)
        self._update_status()
        self.remember_view()

    def action_toggle_read(self) -> None:
        summary = self.article_list.cursor_summary
        if self._reader is not None and self._reader.has_focus and self.current is not None:
            summary = self.current
        if summary is None:
            return
        read = not self.article_list.is_read(summary.id)
        self.article_list.update_state(summary.id, read=read)
        self._write_read(summary.id, read)
        self.notify("Marked read" if read else "Marked unread", timeout=2, markup=False)

    @background("saving the read state", group="state")
    def _write_read(self, article_id: int, read: bool) -> None:
        self.session.set_read(article_id, read)

    def action_toggle_full_width(self) -> None:
        """The article across the whole pane, or back to the reading measure."""
        if self._reader is None:
            return
        view = self.reading_view
        pane = view.scrollable_content_region.width
        shown = self.pane_layout.show_reading
        if shown and not view.full_width and pane <= view.measure:
            hint = "" if self._full_screen else " Press z to read full-screen."
            self.notify(
                f"The article already uses the whole pane: it is {pane} columns wide, "
                f"no wider than the {view.measure}-column reading measure.{hint}",
                title="Full width",
                timeout=4,
                markup=False,
            )
            return
        view.full_width = self._full_width = not view.full_width
        if not shown:  # the list alone: the mode is for the next article opened
            state = "on" if view.full_width else "off"
            self.notify(f"Full width {state} for reading", timeout=2, markup=False)
        self.remember_view()

    def action_show_links(self) -> None:
        if self._reader is None:
            return
        self.links.show_picker(self.reading_view.links)

    def action_show_skipped(self) -> None:
        from reader.ui.screens.skipped import SkippedScreen

        self.app.push_screen(SkippedScreen(self.session))

    def action_rescan(self) -> None:
        if self.scanning:  # files may have changed since this scan saw them: look again after
            self._rescan_queued = True
            self.notify("Scanning now; will look again when it ends", timeout=3, markup=False)
            return
        self.scanning = True
        self._rescan_asked = True
        self._update_status()
        self._rescan_worker()

    @background("rescanning the library", group="library", exclusive=True)
    def _rescan_worker(self) -> None:
        self._scan()


def _stamp(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, or None when it cannot be read."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns
