"""The reading view: one line-API widget that shows an article of any size at once.

Only visible lines are drawn (`render_line` with a cache of strips). As blocks arrive, the
first screenful is laid out on the event loop and the rest in a thread worker that hands
lines back batch by batch, so a 1 MB article paints as fast as a 1 KB one. Positions are text
offsets into `Document.text`, so search hits, highlights and the remembered reading position
land on exactly the characters they name.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from reader.core.models import BLOCK_SEPARATOR, ArticleMeta, Block, count_words
from reader.ui.anchors import find_anchor
from reader.ui.document_layout import (
    DEFAULT_STYLES,
    LaidLine,
    StyleMap,
    layout_blocks,
    layout_header,
    layout_message,
    style_of,
)
from reader.ui.laid_document import LaidDocument, RangeGroup, overlay
from reader.ui.links import Link, block_links
from reader.ui.widgets.selection import SELECTION_BINDINGS, SelectionMixin
from reader.ui.workers import background

BATCH_CHARS = 20_000
"""Article text the worker lays out before handing lines to the screen."""
SYNC_RELAYOUT_CHARS = 60_000
"""Articles this small are re-laid out on the event loop when the width changes."""
PAGE_OVERLAP = 2
"""Lines of the previous page kept in view on page down, so the eye finds its place."""
PADDING = 2
"""Blank cells either side of the text when the pane is narrower than the measure."""


class ReadingView(SelectionMixin, ScrollView, can_focus=True):
    """Shows one article: header, then its blocks laid out to the reading width.

    Passages are selected with the keyboard or the mouse (see `selection`); Textual's own
    text selection is off, since it knows nothing of text offsets.
    """

    ALLOW_SELECT = False

    DEFAULT_CSS = """
    ReadingView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    """

    BINDINGS = [
        *SELECTION_BINDINGS,
        Binding("j,down", "line_down", "Down", show=False, id="reading-line-down"),
        Binding("k,up", "line_up", "Up", show=False, id="reading-line-up"),
        Binding("space,pagedown", "page_down", "Page down", id="reading-page-down"),
        Binding("b,pageup", "page_up", "Page up", id="reading-page-up"),
        Binding("g,home", "top", "Top", show=False, id="reading-top"),
        Binding("G,end", "bottom", "End", show=False, id="reading-bottom"),
    ]

    full_width: reactive[bool] = reactive(False)
    """Use the whole pane instead of the comfortable measure (the app's `w` key)."""
    measure: reactive[int] = reactive(80)
    """Widest the text gets, in cells; it is centred in the pane."""

    class LinkActivated(Message):
        """The reader clicked a link; the app decides whether and how to follow it."""

        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    class Scrolled(Message):
        """The reading position changed (only the latest one waiting is delivered)."""

        def __init__(self, top_offset: int) -> None:
            super().__init__()
            self.top_offset = top_offset

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ReadingView.Scrolled)

    def __init__(
        self,
        *,
        styles: StyleMap | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.styles_map: StyleMap = styles or DEFAULT_STYLES
        self._cache: LRUCache[tuple[int, int, int, int], Strip] = LRUCache(1024)
        self._ranges: dict[str, RangeGroup] = {}
        self._version = 0  # bumped when what lines look like changes without relayout
        self._generation = 0  # bumped on every new layout; stale worker results are dropped
        self._serial = 0  # bumped for every article shown
        self._reset(notice="")

    def _reset(
        self, *, notice: str | None, path: Path | None = None, meta: ArticleMeta | None = None
    ) -> None:
        self._notice = notice
        self._path = path
        self._meta = meta
        self._warnings: tuple[str, ...] = ()
        self._blocks: list[Block] = []
        self._offsets: list[int] = []
        self._next_offset = 0
        self._links: list[Link] = []
        self._text: str | None = None
        self._words: int | None = None
        self._finished = False
        self._serial += 1
        self._generation += 1
        self._shown = LaidDocument(0)
        self._building = self._shown
        self._worker_busy = False
        self._pending_scroll: tuple[int, bool] | None = None
        self._pending_end = False
        self._cache.clear()
        self.cancel_selection()
        if self.is_mounted:
            self.workers.cancel_group(self, "reading-layout")

    # Feeding an article -------------------------------------------------------------------

    def show_loading(self) -> None:
        """Show "Loading…" until the first blocks arrive."""
        self.show_message("Loading…")

    def show_message(self, text: str) -> None:
        """Show a notice instead of an article (a skipped file, an error)."""
        self._reset(notice=text)
        self._relayout_now()

    def show_article(self, path: Path, meta: ArticleMeta, warnings: tuple[str, ...] = ()) -> None:
        """Start showing an article: its header now, its blocks as `append_blocks` brings them.

        `warnings` (such as front matter that failed to parse) are shown in the header.
        """
        self._reset(notice=None, path=path, meta=meta)
        self._warnings = tuple(warnings)
        self.scroll_to(y=0, animate=False, immediate=True)
        self._relayout_now()

    def append_blocks(self, blocks: tuple[Block, ...]) -> None:
        """Add the next chunk of the article: the visible part is drawn now, the rest later."""
        for block in blocks:
            self._blocks.append(block)
            self._offsets.append(self._next_offset)
            self._links.extend(block_links(block, self._next_offset))
            self._next_offset += len(block.text) + len(BLOCK_SEPARATOR)
        self._text = None
        self._pump()

    def finish(self) -> None:
        """The article has arrived in full: the word count and reading time become final."""
        self._finished = True
        self._count_words(self._serial, tuple(self._blocks))
        self._publish()

    @property
    def finished(self) -> bool:
        """The whole article has arrived and is laid out (what tests and benchmarks wait for)."""
        return (
            self._finished
            and not self._worker_busy
            and self._shown is self._building
            and self._shown.blocks_done >= len(self._blocks)
        )

    @property
    def text(self) -> str:
        """The article's text so far (`Document.text` once finished): what offsets address."""
        if self._text is None:
            self._text = BLOCK_SEPARATOR.join(block.text for block in self._blocks)
        return self._text

    @property
    def links(self) -> list[Link]:
        """The article's links in reading order."""
        return list(self._links)

    @property
    def text_width(self) -> int:
        """Cells the text is laid out to at the current pane size."""
        available = self.scrollable_content_region.width - 2 * PADDING
        return max(available if self.full_width else min(self.measure, available), 8)

    # Layout ----------------------------------------------------------------------------

    def _header(self, width: int) -> list[LaidLine]:
        if self._notice is not None:
            return layout_message(self._notice, width, self.styles_map) if self._notice else []
        assert self._meta is not None and self._path is not None
        return layout_header(
            self._meta,
            self._path,
            width,
            self.styles_map,
            words=self._words,
            warnings=self._warnings,
        )

    def _relayout_now(self, *, everything: bool = False) -> None:
        """Lay out again from the top at the current width: the screenful now, the rest later.

        With `everything` (small articles only) all blocks are laid out before returning.
        """
        if not self.is_mounted or self.scrollable_content_region.width <= 0:
            return
        self._generation += 1
        self._building = self._shown = LaidDocument(self.text_width, self._header(self.text_width))
        self._worker_busy = False
        self._cache.clear()
        if everything:
            self._lay_out_sync(len(self._blocks))
        self._publish()
        self._pump()

    def _pump(self) -> None:
        """Lay out what the screen needs now and hand the rest to the worker."""
        building = self._building
        if not building.width or self._worker_busy or building.blocks_done >= len(self._blocks):
            return
        if building is self._shown:
            needed = int(self.scroll_y) + 2 * max(self.size.height, 1)
            while building.blocks_done < len(self._blocks) and len(building.lines) < needed:
                self._lay_out_sync(building.blocks_done + 1)
            self._publish()
        if building.blocks_done < len(self._blocks):
            self._worker_busy = True
            # After the next paint: a layout thread competing for the GIL delays the first one.
            self.call_after_refresh(self._start_worker, self._generation, building)

    def _start_worker(self, generation: int, building: LaidDocument) -> None:
        if generation == self._generation and building is self._building:
            self._lay_out_rest(generation, building)

    def _lay_out_sync(self, upto: int) -> None:
        building = self._building
        start = building.blocks_done
        if upto > start:
            lines = self._lay_out(self._blocks, self._offsets, building.width, start, upto)
            building.extend(lines, upto)

    def _lay_out(
        self, blocks: list[Block], offsets: list[int], width: int, start: int, stop: int
    ) -> list[LaidLine]:
        return layout_blocks(
            blocks[start:stop],
            width,
            self.styles_map,
            first_offset=offsets[start],
            leading_blank=True,
            previous=blocks[start - 1] if start else None,
        )

    @background("laying out the article", exclusive=True, group="reading-layout")
    def _lay_out_rest(self, generation: int, building: LaidDocument) -> None:
        """Lay out the remaining blocks in batches, handing each to the event loop."""
        worker = get_current_worker()
        blocks, offsets = self._blocks, self._offsets  # grow by appends; replaced on reset
        cursor = building.blocks_done
        while not worker.is_cancelled and cursor < len(blocks):
            stop, chars = cursor, 0
            while stop < len(blocks) and chars < BATCH_CHARS:
                chars += len(blocks[stop].text)
                stop += 1
            lines = self._lay_out(blocks, offsets, building.width, cursor, stop)
            if worker.is_cancelled:
                return
            self._from_worker(self._receive, generation, building, lines, stop)
            cursor = stop
        if not worker.is_cancelled:
            self._from_worker(self._worker_done, generation)

    def _from_worker(self, callback: Callable[..., object], *args: object) -> None:
        """Hand a worker's result to the event loop; dropped when the app has stopped."""
        with contextlib.suppress(RuntimeError):  # NoActiveAppError, or the app not running
            self.app.call_from_thread(callback, *args)

    def _receive(
        self, generation: int, building: LaidDocument, lines: list[LaidLine], upto: int
    ) -> None:
        if generation == self._generation and building is self._building:
            building.extend(lines, upto)
            if building is self._shown:
                self._publish()

    def _worker_done(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._worker_busy = False
        if self._building.blocks_done < len(self._blocks):
            self._pump()
        elif self._building is not self._shown:
            anchor = self.top_offset
            self._shown = self._building
            self._publish()
            self._scroll_to_row(self._shown.row_of(anchor) or 0)

    def _publish(self) -> None:
        """Show the current lines: size the scroll area, honour a waiting scroll, repaint."""
        shown = self._shown
        self.virtual_size = Size(self.scrollable_content_region.width, len(shown.lines))
        if self._pending_end and shown.blocks_done >= len(self._blocks):
            self._pending_end = False
            self._scroll_to_row(len(shown.lines))
        if self._pending_scroll is not None:
            offset, center = self._pending_scroll
            if offset < shown.text_end or self._laid_out_in_full:
                self._pending_scroll = None
                self.scroll_to_offset(offset, center=center)  # may wait again for more lines
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._check_width()

    def watch_full_width(self) -> None:
        self._check_width()

    def watch_measure(self) -> None:
        self._check_width()

    def _check_width(self) -> None:
        """Re-lay out when the text width changes, keeping the top line's text at the top."""
        if not self.is_mounted or self.scrollable_content_region.width <= 0:
            return
        width = self.text_width
        if width == self._building.width:
            self._publish()
            return
        if not self._shown.width or self._next_offset <= SYNC_RELAYOUT_CHARS:
            anchor = self.top_offset if self._shown.width else None
            self._relayout_now(everything=anchor is not None)
            if anchor is not None and self._shown.row_of(anchor) is not None:
                self._scroll_to_row(self._shown.row_of(anchor) or 0)
            return
        self._generation += 1
        self._building = LaidDocument(width, self._header(width))
        self._worker_busy = False
        self._pump()

    @background("counting the article's words", group="reading-words")
    def _count_words(self, serial: int, blocks: tuple[Block, ...]) -> None:
        words = count_words(BLOCK_SEPARATOR.join(block.text for block in blocks))
        self._from_worker(self._set_words, serial, words)

    def _set_words(self, serial: int, words: int) -> None:
        if serial != self._serial or self._meta is None:
            return
        self._words = words
        for laid in {id(self._shown): self._shown, id(self._building): self._building}.values():
            if laid.width:
                laid.replace_header(self._header(laid.width))
        self._invalidate()
        self._publish()

    # Drawing ---------------------------------------------------------------------------

    def _margin(self) -> int:
        return max((self.scrollable_content_region.width - self._shown.width) // 2, 0)

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        lines = self._shown.lines
        if row >= len(lines) or width <= 0:
            return Strip.blank(width, self.rich_style)
        key = (row, width, self._version, id(self._shown))
        strip = self._cache.get(key)
        if strip is None:
            line = lines[row]
            groups = list(self._ranges.values()) if line.runs else []
            segments = overlay(line, groups) if groups else line.segments
            margin = self._margin()
            strip = Strip([Segment(" " * margin), *segments], margin + line.cell_length)
            strip = strip.crop_extend(0, width, None).apply_style(self.rich_style)
            self._cache[key] = strip
        return strip

    def set_ranges(self, name: str, ranges: Sequence[tuple[int, int]], style: str) -> None:
        """Draw a named group of `[start, end)` text ranges in the named style."""
        self._ranges[name] = RangeGroup.build(ranges, style_of(self.styles_map, style))
        self._invalidate()

    def clear_ranges(self, name: str) -> None:
        if self._ranges.pop(name, None) is not None:
            self._invalidate()

    def _invalidate(self) -> None:
        self._version += 1
        self._cache.clear()
        self.refresh()

    # Positions ---------------------------------------------------------------------------

    @property
    def top_offset(self) -> int:
        """Text offset of the first text line in view: the reading position to remember."""
        return self._shown.offset_of_row(int(self.scroll_y))

    def offset_in_view(self, offset: int) -> bool:
        """True when the line showing `offset` is on screen."""
        row = self._shown.row_of(offset)
        top = int(self.scroll_y)
        return row is not None and top <= row < top + self.scrollable_content_region.height

    def scroll_to_offset(self, offset: int, *, center: bool = False, animate: bool = False) -> None:
        """Bring the line showing `offset` to the top (or centre); waits if not laid out yet."""
        shown = self._shown
        if not shown.width or (offset >= shown.text_end and not self._laid_out_in_full):
            self._pending_scroll = (offset, center)
            return
        row = shown.row_of(offset) or 0
        height = self.scrollable_content_region.height
        top = row - (height // 2 if center else 0)
        if top + height > len(shown.lines) and not self._laid_out_in_full:
            self._pending_scroll = (offset, center)  # go on once the lines below are laid out
        self._scroll_to_row(top, animate=animate)

    @property
    def _laid_out_in_full(self) -> bool:
        return self._finished and self._shown.blocks_done >= len(self._blocks)

    def _scroll_to_row(self, row: int, *, animate: bool = False) -> None:
        # force: right after the virtual size grows, Textual has not yet decided the scrollbar
        # is needed and would otherwise ignore the scroll.
        self.scroll_to(y=max(row, 0), animate=animate, immediate=True, force=True)

    def scroll_to_anchor(self, name: str) -> bool:
        """Scroll to the heading or footnote `#name` names (see `anchors`); False if none."""
        offset = find_anchor(name, self._blocks, self._offsets, self._links)
        if offset is not None:
            self._pending_scroll = None
            self.scroll_to_offset(offset)
        return offset is not None

    def jump_to_anchor(
        self, name: str, missing: Callable[[str], None], *, source: Path | None = None
    ) -> None:
        """Scroll to `#name`; for a saved web page, look for the id in the page `source` itself.

        `missing(name)` is called when the article has no such place, so the caller can say so.
        """
        if self.scroll_to_anchor(name):
            return
        if self._meta is not None and self._meta.format == "html" and source is not None:
            self._find_page_anchor(self._serial, source, name, self.text, missing)
        else:
            missing(name)

    @background("finding the place the link names in the page", group="reading-anchor")
    def _find_page_anchor(
        self, serial: int, path: Path, name: str, text: str, missing: Callable[[str], None]
    ) -> None:
        from reader.core.loaders.html_anchors import page_anchor_offset

        offset = page_anchor_offset(path, name, text)
        self._from_worker(self._page_anchor_found, serial, name, offset, missing)

    def _page_anchor_found(
        self, serial: int, name: str, offset: int | None, missing: Callable[[str], None]
    ) -> None:
        if serial != self._serial:
            return  # another article is open now
        if offset is None:
            missing(name)
        else:
            self._pending_scroll = None
            self.scroll_to_offset(offset)

    def offset_at(self, x: int, y: int, *, nearest: bool = False) -> int | None:
        """Text offset drawn at widget coordinates `(x, y)`, or None outside the text."""
        row = int(self.scroll_y) + y
        if not 0 <= row < len(self._shown.lines):
            return None
        return self._shown.lines[row].offset_at(x - self._margin(), nearest=nearest)

    def link_at(self, offset: int) -> Link | None:
        index = bisect_right([link.offset for link in self._links], offset) - 1
        if index >= 0 and offset < self._links[index].offset + len(self._links[index].text):
            return self._links[index]
        return None

    def on_click(self, event: events.Click) -> None:
        if self.take_drag():
            return  # the press-drag-release selected text
        position = event.get_content_offset(self)
        offset = None if position is None else self.offset_at(position.x, position.y)
        link = None if offset is None else self.link_at(offset)
        if link is not None:
            event.stop()
            self.post_message(self.LinkActivated(link.target))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value) and self._shown.width:
            self.post_message(self.Scrolled(self.top_offset))

    # Actions -----------------------------------------------------------------------------

    def action_line_down(self) -> None:
        self._pending_scroll = None  # the reader's own move wins over a pending restore
        self._scroll_to_row(int(self.scroll_y) + 1)

    def action_line_up(self) -> None:
        self._pending_scroll = None  # the reader's own move wins over a pending restore
        self._scroll_to_row(int(self.scroll_y) - 1)

    def action_page_down(self) -> None:
        self._pending_scroll = None  # the reader's own move wins over a pending restore
        page = max(self.scrollable_content_region.height - PAGE_OVERLAP, 1)
        self._scroll_to_row(int(self.scroll_y) + page)

    def action_page_up(self) -> None:
        self._pending_scroll = None  # the reader's own move wins over a pending restore
        page = max(self.scrollable_content_region.height - PAGE_OVERLAP, 1)
        self._scroll_to_row(int(self.scroll_y) - page)

    def action_top(self) -> None:
        self._pending_scroll = None  # the reader's own move wins over a pending restore
        self._scroll_to_row(0)

    def action_bottom(self) -> None:
        """Go to the end; if the article is still being laid out, go there when it is."""
        self._pending_scroll = None  # the reader's own move wins over a pending restore
        self._pending_end = self._shown.blocks_done < len(self._blocks)
        self._scroll_to_row(len(self._shown.lines))
