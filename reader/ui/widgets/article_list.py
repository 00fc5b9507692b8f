"""The article list: one line per article, drawn only where the terminal shows it.

Stock list widgets build a widget or an option per row, which takes seconds at 100,000 articles.
This one is a `ScrollView` on the line API: `render_line` draws the few rows on screen straight
from `ArticleListing.visible`, so filling, scrolling, filtering and moving the cursor cost the
same at 100 articles and at 100,000. Sorting and filtering live in `reader.core.listing`.

Mouse: a click on a row moves the cursor there; a click on the cursor row (so also the second
click of a double-click) opens it, like Textual's `DataTable`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from reader.core.filter_scan import OrderText
from reader.core.listing import ArticleListing, FilterJob, SortKey
from reader.core.models import ArticleSummary
from reader.core.sanitize import safe_text
from reader.core.text import fit, rich_shortfall
from reader.ui.workers import background

UNREAD_MARK = "●"
NOTES_MARK = "✎"
GAP = "  "
STRIP_CACHE_SIZE = 256
"""Drawn rows kept: a few screens, so paging back and forth and cursor moves draw two rows."""
SYNC_FILTER_ROWS = 20_000
"""Below this many articles filtering is instant enough to run on the event loop."""
FULL_MATCH_DELAY = 0.04
"""After showing a filter's first rows, when to count the rest: after two frames are painted."""
PREPARE_DELAY = 0.3
"""Quiet time after the rows change (say, while the indexer streams them in) before the list
readies itself for instant filtering, which costs ~0.1 s of a worker at 100,000 rows."""


class RowStyles(NamedTuple):
    """The styles one row is drawn with."""

    row: Style
    dim: Style
    mark: Style
    notes: Style
    unread: Style


class Columns(NamedTuple):
    """Cell widths of the columns after the marks; 0 drops a column."""

    title: int
    source: int
    date: int
    minutes: int


def layout(width: int) -> Columns:
    """Column widths for a row `width` cells wide.

    The title always (at least 30 cells from 46 up), the reading time from 30 cells, the date
    from 52 and the source from 72: an 80-column terminal (where the list has the full width)
    shows all four; side by side with the article (the list takes 42% of the terminal, less
    its border and scroll bar) the date shows from 131 columns and the source from 179.
    """
    minutes = 7 if width >= 30 else 0  # "999 min"
    date = 10 if width >= 52 else 0  # YYYY-MM-DD
    source = min(24, max(12, width // 6)) if width >= 72 else 0
    used = 4 + 1 + sum(len(GAP) + column for column in (source, date, minutes) if column)
    return Columns(max(0, width - used), source, date, minutes)


def format_date(date: dt.datetime | None) -> str:
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}" if date else ""


class ArticleList(ScrollView, can_focus=True):
    """A scrolling list of article summaries with a cursor; posts what the user picks."""

    DEFAULT_CSS = """
    ArticleList {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
        color: $foreground;
        & > .article-list--mark { color: $accent; }
        & > .article-list--notes { color: $secondary; }
        & > .article-list--unread { text-style: bold; }
        & > .article-list--dim { color: $foreground-muted; }
        & > .article-list--empty { color: $foreground-muted; text-style: italic; }
        & > .article-list--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .article-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--dim",
        "article-list--empty",
        "article-list--mark",
        "article-list--notes",
        "article-list--unread",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", tooltip="Open the article", id="article-list-open"),
        Binding("j,down", "cursor_down", "Next", show=False, id="article-list-down"),
        Binding("k,up", "cursor_up", "Previous", show=False, id="article-list-up"),
        Binding("g,home", "first", "First", show=False, id="article-list-first"),
        Binding("G,end", "last", "Last", show=False, id="article-list-last"),
        Binding(
            "space,pagedown", "page_down", "Page down", show=False, id="article-list-page-down"
        ),
        Binding("b,pageup", "page_up", "Page up", show=False, id="article-list-page-up"),
    ]

    class _ArticleMessage(Message):
        """Something happened to one article of the list."""

        def __init__(self, article_list: ArticleList, summary: ArticleSummary) -> None:
            super().__init__()
            self.article_list = article_list
            self.summary = summary

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class Highlighted(_ArticleMessage):
        """The cursor moved to another article (the app previews it)."""

        def can_replace(self, message: Message) -> bool:
            # Holding j: only the article the cursor ends on is worth previewing.
            return isinstance(message, ArticleList.Highlighted) and message.control is self.control

    class Selected(_ArticleMessage):
        """The user asked to open an article (enter, or a click on the cursor row)."""

    class CountsChanged(Message):
        """How many articles are shown (after filtering) and how many there are."""

        def __init__(self, article_list: ArticleList, shown: int, total: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.shown = shown
            self.total = total

        @property
        def control(self) -> ArticleList:
            return self.article_list

        def can_replace(self, message: Message) -> bool:
            return (
                isinstance(message, ArticleList.CountsChanged) and message.control is self.control
            )

    def __init__(
        self,
        summaries: Iterable[ArticleSummary] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        self._styles: dict[bool, RowStyles] = {}
        self._strips: LRUCache[tuple[int, bool, int], tuple[ArticleSummary, Strip]] = LRUCache(
            STRIP_CACHE_SIZE
        )
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._listing = ArticleListing(summaries)
        self._rows: Sequence[ArticleSummary] = self._listing.visible
        self._cursor = 0
        self._highlighted_id: int | None = None
        self._posted_counts: tuple[int, int, bool] | None = None
        self._pending_query = ""
        self._filter_job: FilterJob | None = None
        self._prepare_timer: Timer | None = None

    # -- public API -----------------------------------------------------------------------------

    @property
    def cursor_summary(self) -> ArticleSummary | None:
        """The article under the cursor, or None when the list shows nothing."""
        return self._rows[self._cursor] if self._rows else None

    @property
    def rows(self) -> Sequence[ArticleSummary]:
        """The articles shown, in order (after sorting and filtering)."""
        return self._rows

    def summary_for(self, article_id: int) -> ArticleSummary | None:
        """The current summary of an article, shown or filtered out."""
        return self._listing.get(article_id)

    def restrict_to(self, ids: Iterable[int] | None) -> None:
        """Show only these articles (a saved search); None shows every article again."""
        allowed = None if ids is None else list(ids)
        self._change(lambda: self._listing.restrict_to(allowed))

    @property
    def restricted(self) -> bool:
        return self._listing.restricted

    def index_of_id(self, article_id: int) -> int | None:
        """The row showing `article_id`, or None when it is filtered out or unknown."""
        return self._listing.index_of(article_id)

    def is_read(self, article_id: int) -> bool:
        summary = self._listing.get(article_id)
        return summary is not None and summary.read

    @property
    def cursor_row(self) -> int:
        """The cursor's row in the shown list."""
        return self._cursor

    @property
    def counts(self) -> tuple[int, int]:
        """(shown, total): articles left after filtering, and all articles."""
        return len(self._rows), self._listing.total

    @property
    def filtering_ready(self) -> bool:
        """Whether a filter keystroke can show its first rows at once (at any size)."""
        return self._listing.total < SYNC_FILTER_ROWS or self._listing.filtering_ready

    @property
    def counting(self) -> bool:
        """True while a filter shows its first rows and the full count is still on its way."""
        return self._listing.counting

    @property
    def sort_key(self) -> SortKey:
        return self._listing.sort_key

    @property
    def filter_text(self) -> str:
        """The current filter query (not `query`: that is Textual's DOM query)."""
        return self._pending_query

    def set_summaries(self, summaries: Iterable[ArticleSummary]) -> None:
        """Show these articles instead of the current ones, keeping the cursor's article."""
        self._change(lambda: self._listing.set_all(summaries))

    def set_listing(self, listing: ArticleListing) -> None:
        """Adopt a listing built elsewhere (say in a thread worker, for a 100,000-row start)."""

        def adopt() -> None:
            listing.sort_key, listing.query = self._listing.sort_key, self._listing.query
            self._listing = listing

        self._change(adopt)

    def upsert(self, summaries: Iterable[ArticleSummary]) -> None:
        """Add or replace articles (by id) as the indexer finds them."""
        self._change(lambda: self._listing.upsert(summaries))

    def remove(self, ids: Iterable[int]) -> None:
        """Drop articles whose files are gone."""
        self._change(lambda: self._listing.remove(ids))

    def update_state(
        self,
        article_id: int,
        *,
        read: bool | None = None,
        last_read: dt.datetime | None = None,
        position: int | None = None,
        has_notes: bool | None = None,
    ) -> None:
        """Record reading state (read mark, notes mark, recency) on one article."""
        self._change(
            lambda: self._listing.update_state(
                article_id, read=read, last_read=last_read, position=position, has_notes=has_notes
            )
        )

    def sort_by(self, key: SortKey) -> None:
        """Order the list by `key`, keeping the cursor on its article."""
        self._change(lambda: setattr(self._listing, "sort_key", key))

    @property
    def reversed(self) -> bool:
        return self._listing.reverse

    def reverse_sort(self, reverse: bool) -> None:
        """The order backwards (or forwards again), keeping the cursor on its article."""
        self._change(lambda: setattr(self._listing, "reverse", reverse))

    def _prepare_filtering_soon(self) -> None:
        """Ready the current order for instant filtering once the rows stop changing."""
        if self._listing.total < SYNC_FILTER_ROWS or not self.is_attached:
            return
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
        self._prepare_timer = self.set_timer(PREPARE_DELAY, self._prepare_filtering)

    def _prepare_filtering(self) -> None:
        self._prepare_timer = None
        job = self._listing.text_job()
        if job is not None:
            self._prepare_in_worker(job)

    @background("preparing the filter", exclusive=True, group="article-list-prepare")
    def _prepare_in_worker(self, job: FilterJob) -> None:
        result = job.run()
        self.app.call_from_thread(self._listing.adopt_text, job, result)

    def filter(self, query: str) -> None:
        """Show only articles matching every word of `query` (title, author, tags).

        The cursor stays on its article when that is still shown, else goes to the first row.
        A large list shows the first rows at once (a scan that stops after a few screenfuls)
        and is matched in full in a worker thread, so typing never waits on it.
        """
        self._pending_query = query
        if self._listing.total < SYNC_FILTER_ROWS or not self.is_mounted:
            self._change(lambda: setattr(self._listing, "query", query))
            return
        job = self._listing.start_query(query)
        if job is None:
            self._filter_job = None
            self._change(lambda: None)
            return
        kept = self.cursor_summary
        more = max(1, self.scrollable_content_region.height) * 2
        shown = self._listing.show_first(job, kept.id if kept else None, more)
        if shown is not None:
            self._change(lambda: None)  # the listing changed just above
        if shown is True:  # the scan found every match: nothing left for a worker
            self._filter_job = None
            return
        self._filter_job = job
        if shown is None:
            self._match_in_worker(job)
        else:  # once the first rows are painted: a worker would slow the paint (the GIL)
            self.set_timer(FULL_MATCH_DELAY, lambda: self._match_if_current(job))

    def _match_if_current(self, job: FilterJob) -> None:
        if job is self._filter_job:
            self._match_in_worker(job)

    @background("filtering the list", exclusive=True, group="article-list-filter")
    def _match_in_worker(self, job: FilterJob) -> None:
        result = job.run()
        self.app.call_from_thread(self._matched, job, result)

    def _matched(self, job: FilterJob, result: tuple[OrderText, list[int]] | None) -> None:
        if job is not self._filter_job:
            return  # a newer keystroke's job is on its way
        self._filter_job = None
        if not self._listing.finish_query(job, result):
            self.filter(job.query)  # the rows changed meanwhile: match again
            return
        self._change(lambda: None)

    def select_id(self, article_id: int) -> bool:
        """Put the cursor on an article; False when it is unknown or filtered out."""
        index = self._listing.index_of(article_id)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    # -- keeping the view in step with the listing ---------------------------------------------

    def _change(self, change: Callable[[], object]) -> None:
        """Apply a change to the listing, then keep the cursor's article at its screen line."""
        kept = self.cursor_summary
        screen_line = self._cursor - self.scroll_offset.y
        change()
        self._rows = self._listing.visible
        index = self._listing.index_of(kept.id) if kept else None
        self._cursor = min(index or 0, max(0, len(self._rows) - 1))
        if not self.is_mounted:  # filled before mounting: on_mount sizes, draws and announces
            return
        self._update_virtual_size()
        top = self._cursor - screen_line if index is not None else 0
        self.scroll_to(y=max(0, top), animate=False)
        self._scroll_to_cursor()
        self.refresh()
        self._announce()
        if not self._listing.filtering_ready:
            self._prepare_filtering_soon()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))

    def _announce(self) -> None:
        """Post Highlighted and CountsChanged when what they report has changed."""
        if not self.is_attached:
            return
        summary = self.cursor_summary
        if summary is not None and summary.id != self._highlighted_id:
            self.post_message(self.Highlighted(self, summary))
        self._highlighted_id = summary.id if summary else None
        if (*self.counts, self.counting) != self._posted_counts:
            self._posted_counts = (*self.counts, self.counting)
            self.post_message(self.CountsChanged(self, *self.counts))

    def _move_cursor(self, index: int) -> None:
        if not self._rows:
            return
        old, self._cursor = self._cursor, max(0, min(index, len(self._rows) - 1))
        if old != self._cursor:
            self.refresh_line(old)
            self.refresh_line(self._cursor)
        self._scroll_to_cursor()
        self._announce()

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if height <= 0:
            return
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + height:
            self.scroll_to(y=self._cursor - height + 1, animate=False)

    def on_mount(self) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()
        self._announce()
        self._prepare_filtering_soon()

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    # -- actions and mouse ---------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_first(self) -> None:
        self._move_cursor(0)

    def action_last(self) -> None:
        self._move_cursor(len(self._rows) - 1)

    def action_page_down(self) -> None:
        self._page(+1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        """Move cursor and view together by a screenful, as a pager does."""
        page = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=self.scroll_offset.y + direction * page, animate=False)
        self._move_cursor(self._cursor + direction * page)

    def action_select(self) -> None:
        if (summary := self.cursor_summary) is not None:
            self.post_message(self.Selected(self, summary))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if index >= len(self._rows):
            return
        if index == self._cursor:
            self.action_select()
        else:
            self._move_cursor(index)

    # -- drawing ---------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if not self._rows:
            return self._empty_line(y, width)
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        return self._row_strip(self._rows[index], index == self._cursor, width)

    def _empty_line(self, y: int, width: int) -> Strip:
        style = self.get_component_rich_style("article-list--empty")
        if y != 0:
            return Strip.blank(width, self.rich_style)
        if self._listing.total and self._listing.query.strip():
            message = f"No articles match '{safe_text(self._listing.query, limit=60).plain}'"
        else:
            message = "No articles"
        return Strip([Segment(fit(f" {message}", width), style)], width)

    def _row_strip(self, summary: ArticleSummary, is_cursor: bool, width: int) -> Strip:
        """One article as a line, from the cache while the same summary object is drawn."""
        key = (summary.id, is_cursor, width)
        cached = self._strips.get(key)
        if cached is not None and cached[0] is summary:
            return cached[1]
        strip = self._draw_row(summary, self._row_styles(is_cursor), width)
        self._strips[key] = (summary, strip)
        return strip

    def _draw_row(self, summary: ArticleSummary, styles: RowStyles, width: int) -> Strip:
        """Marks, title, source, date and reading time, each cut or padded to its column."""
        columns = layout(width)
        row, dim = styles.row, styles.dim
        segments = [
            Segment(" ", row),
            Segment(" " if summary.read else UNREAD_MARK, styles.mark),
            Segment(NOTES_MARK if summary.has_notes else " ", styles.notes),
            Segment(" ", row),
            Segment(
                fit(safe_text(summary.title).plain, columns.title),
                row if summary.read else styles.unread,
            ),
        ]
        cells = (
            (columns.source, safe_text(summary.source).plain, False),
            (columns.date, format_date(summary.date), False),
            (columns.minutes, f"{summary.minutes} min" if summary.words else "", True),
        )
        for column_width, text, right in cells:
            if column_width:
                segments += [Segment(GAP, row), Segment(fit(text, column_width, right=right), dim)]
        segments.append(Segment(" ", row))
        strip = Strip(segments)
        # Columns are cut by the terminal's widths (reader.core.text); where Rich counts fewer
        # cells (Indic vowel signs), the row is as wide as the terminal draws it, not wider.
        shortfall = sum(rich_shortfall(segment.text) for segment in segments)
        return Strip(segments, width) if shortfall else strip.adjust_cell_length(width, row)

    def _row_styles(self, is_cursor: bool) -> RowStyles:
        """The styles of a row, worked out once per theme, focus change and cursor state."""
        if is_cursor not in self._styles:
            base = self.rich_style
            cursor = self._component("article-list--cursor") if is_cursor else Style()

            def styled(*components: str) -> Style:
                # The cursor goes last so the highlighted row reads as one bar in every theme.
                return sum((self._component(name) for name in components), base) + cursor

            self._styles[is_cursor] = RowStyles(
                row=styled(),
                dim=styled("article-list--dim"),
                mark=styled("article-list--mark"),
                notes=styled("article-list--notes"),
                unread=styled("article-list--unread"),
            )
        return self._styles[is_cursor]

    def _component(self, component: str) -> Style:
        # Whole styles, not partial ones: theme colours with alpha ($foreground-muted, the
        # blurred cursor) are only right once blended over the background.
        return self.get_component_rich_style(component)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._strips.clear()
        super().notify_style_update()
