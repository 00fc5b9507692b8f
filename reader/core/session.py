"""The small, typed API the UI uses: one library (roots + store + settings) and what it can do.

Every method may block on disk, so the UI calls them from worker threads. The store keeps one
SQLite connection per thread behind one object.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.config import Settings
from reader.core.models import (
    ArticleStream,
    ArticleSummary,
    ReadingState,
    ScanProgress,
    ScanReport,
    Skipped,
)
from reader.core.scan_lock import WAITING, scanning
from reader.core.store import Store, StoreError

if TYPE_CHECKING:
    from reader.core.notes import NoteChange
    from reader.core.search import SearchIndex, SearchResults
    from reader.core.search.upkeep import IndexState

FIRST_SCREEN_ROWS = 300
SAVED_SEARCHES = "saved_searches"
VIEW_SETTING = "view"
STILL_INDEXING = "still indexing: more results as files are made searchable"
"""The note on results found while a scan is feeding the search index."""


@dataclass(frozen=True)
class Preload:
    """The first screen's data, fetched before the app starts."""

    summaries: list[ArticleSummary]
    notices: list[str]
    theme: str | None
    view: str | None = None
    """The list's last sort, filter and selection and the width mode (JSON; the UI's)."""


def _waiting(
    progress: Callable[[ScanProgress], None] | None,
) -> Callable[[], None] | None:
    if progress is None:
        return None
    return lambda: progress(ScanProgress(0, 0, WAITING))


class LibrarySession:
    """A library opened on some roots, with its database in `data_dir`."""

    def __init__(self, roots: Sequence[Path], data_dir: Path, settings: Settings) -> None:
        self.roots = list(roots)
        self.data_dir = data_dir
        self.settings = settings
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._search: SearchIndex | None = None
        self.indexing = False
        """True while a scan (of this session) is bringing the search index up to date."""
        self.preloaded: Preload | None = None
        """What `preload` fetched before the UI started, taken once by the first screen."""
        self._files_checked = False
        self._closing = False

    @property
    def store(self) -> Store:
        """The database, opened on first use (from a worker: it may create or migrate it)."""
        with self._lock:
            if self._store is None:
                self._store = Store.open(self.data_dir)
            return self._store

    @property
    def view_setting(self) -> str:
        """The setting holding the UI's view of this library (sort, filter, selection): one
        per set of roots, so a filter typed in one library does not greet another."""
        import hashlib

        roots = "\0".join(sorted(str(root) for root in self.roots))
        return f"{VIEW_SETTING}:{hashlib.blake2b(roots.encode(), digest_size=8).hexdigest()}"

    def open(self) -> list[str]:
        """Open (or create, or migrate) the database; notices for the user. May raise StoreError."""
        return list(self.store.notices)

    def preload(self) -> None:
        """Open the database and fetch the first screen before the UI exists.

        Run before Textual is imported, this costs a few milliseconds; run in a worker while
        Textual paints its first frame, it waits on the GIL for a hundred or more.
        """
        try:
            notices = self.open()
            self.preloaded = Preload(
                self.first_summaries(),
                notices,
                self.get_setting("theme"),
                self.get_setting(self.view_setting),
            )
        except StoreError:
            self.preloaded = None  # the screen's worker tries again and reports the error

    def take_preload(self) -> Preload | None:
        preloaded, self.preloaded = self.preloaded, None
        return preloaded

    def first_summaries(self, limit: int = FIRST_SCREEN_ROWS) -> list[ArticleSummary]:
        """The newest articles: the first screen of a huge library, in milliseconds.

        Fewer than `limit` means that is the whole library.
        """
        return self.store.newest_summaries(self.roots, limit)

    def summaries(self) -> list[ArticleSummary]:
        return self.store.summaries(self.roots)

    def summary(self, article_id: int) -> ArticleSummary | None:
        return self.store.summary(article_id)

    def rescan(
        self,
        progress: Callable[[ScanProgress], None] | None = None,
        on_batch: Callable[[list[ArticleSummary]], None] | None = None,
    ) -> ScanReport:
        """Pick up changed files; the search index follows each batch as it is written.

        Damage found and repaired in the search index is told in the report's notices.
        """
        report, state = self.update(progress, on_batch)
        if state.repaired:
            report.notices.append(f"Search: {state.repaired}.")
        return report

    def update(
        self,
        progress: Callable[[ScanProgress], None] | None = None,
        on_batch: Callable[[list[ArticleSummary]], None] | None = None,
    ) -> tuple[ScanReport, IndexState]:
        """`rescan`, also saying how the search index stands (for `reader index`)."""
        from reader.core.library import scan
        from reader.core.search.upkeep import IndexState, scan_and_index

        store = self.store

        def run(on_change: Callable[..., None] | None) -> ScanReport:
            return scan(
                store,
                self.roots,
                max_bytes=self.settings.max_file_bytes,
                progress=progress,
                on_batch=on_batch,
                on_change=on_change,
            )

        waiting = _waiting(progress)
        with scanning(self.data_dir, on_wait=waiting, cancelled=lambda: self._closing) as ours:
            if not ours:  # closed (quitting) while another reader was indexing
                return ScanReport(notices=[WAITING]), IndexState(problem=WAITING)
            index = self.search_index()
            if index is None:
                return run(None), IndexState(problem="the search index could not be opened")
            self.indexing = True
            try:
                return scan_and_index(
                    index, store, run, progress=progress, check_files=self._check_files()
                )
            finally:
                self.indexing = False

    def _check_files(self) -> bool:
        """The index's checksums are verified once per session, on its first update."""
        first, self._files_checked = not self._files_checked, True
        return first

    # -- search ----------------------------------------------------------------------------

    def search_index(self) -> SearchIndex | None:
        """The full-text index (derived data: rebuilt when missing or damaged)."""
        with self._lock:
            if self._search is None:
                from reader.core.search import SearchIndex

                try:
                    self._search = SearchIndex.open(self.data_dir)
                except Exception:  # search must never stop the app
                    return None
            return self._search

    def saved_searches(self) -> list[tuple[str, str]]:
        """(name, query) pairs the user saved, in the order saved."""
        raw = self.store.get_setting(SAVED_SEARCHES) or "[]"
        try:
            items = json.loads(raw)
        except ValueError:
            return []
        return [(str(item[0]), str(item[1])) for item in items if isinstance(item, list)][:9]

    def save_search(self, name: str, query: str) -> list[tuple[str, str]]:
        """Keep `query` under `name` (replacing one of that name); at most nine are kept."""
        items = [item for item in self.saved_searches() if item[0] != name]
        items = [*items, (name, query)][-9:]
        self.store.set_setting(SAVED_SEARCHES, json.dumps(items))
        return items

    def forget_search(self, name: str) -> list[tuple[str, str]]:
        items = [item for item in self.saved_searches() if item[0] != name]
        self.store.set_setting(SAVED_SEARCHES, json.dumps(items))
        return items

    def search_ids(self, query: str) -> list[int]:
        """The articles a saved search holds (articles, and articles whose notes match), from
        the open roots only, as `search`."""
        from reader.core.search.engine import MAX_LIMIT

        found = self.search(query, limit=MAX_LIMIT)
        return list(dict.fromkeys(result.article_id for result in found.results))

    def index_note_change(self, change: NoteChange) -> None:
        """A note or highlight change was committed: bring search up to it (and anything
        else pending) now, if this process holds the index; else it waits in the outbox."""
        self.replay_pending()

    def replay_pending(self) -> int:
        """Take in what other writers (a second instance, `reader notes import`, a kill)
        left in the outboxes; how many changes. Never raises: search is derived data."""
        from reader.core.search import SearchIndexError
        from reader.core.search.outbox import replay

        index = self.search_index()
        if index is None or self.indexing:  # a scan's follower replays them
            return 0
        try:
            if not self.store.pending_count():
                return 0
            marks = replay(index, self.store)
        except (SearchIndexError, StoreError):
            return 0
        return marks.article_count + marks.note_count

    def catch_up_search(self) -> IndexState:
        """Bring the search index up to the store without scanning (see `upkeep.catch_up`)."""
        from reader.core.search.upkeep import IndexState, catch_up

        index = self.search_index()
        if index is None:
            return IndexState(problem="the search index could not be opened")
        return catch_up(index, self.store, check_files=self._check_files())

    def search(
        self, query: str, *, typing: bool = False, limit: int = 50, everywhere: bool = False
    ) -> SearchResults:
        """Ranked results from the open roots only; empty (with a note) when the index cannot
        be used.

        The index holds every library this data directory has seen; an article of another
        one could not be opened from this session's list, nor should it count.

        Args:
            everywhere: every library the data directory holds (`reader search` without a
                path), not only the open roots.
        """
        from reader.core.search import SearchResults
        from reader.core.search.engine import IndexDamaged

        index = self.search_index()
        if index is None:
            return SearchResults(0, [], ("search is unavailable: the index could not be opened",))
        indexing = self.indexing  # read before searching: results may lag the scan
        notes: tuple[str, ...] = ()
        try:
            found = self._query(index, query, typing, limit, everywhere)
        except IndexDamaged as error:
            state = self._rebuild_damaged(index)
            if state.problem:
                return SearchResults(0, [], (f"{error}; it could not be rebuilt: {state.problem}",))
            notes = (f"{error}; it has been rebuilt",)
            found = self._query(index, query, typing, limit, everywhere)
        found = self._without_vanished(found)
        if indexing:
            notes = (*notes, STILL_INDEXING)
        if notes:
            found = dataclasses.replace(found, notes=(*found.notes, *notes))
        return found

    def _query(
        self, index: SearchIndex, query: str, typing: bool, limit: int, everywhere: bool
    ) -> SearchResults:
        return index.search(
            query,
            limit=limit,
            read_ids=self.store.read_ids(),
            typing=typing,
            roots=None if everywhere else self.roots,
        )

    def _rebuild_damaged(self, index: SearchIndex) -> IndexState:
        from reader.core.search import SearchIndexError
        from reader.core.search.upkeep import IndexState, rebuild

        try:
            index.reset()
            rebuild(index, self.store)
        except SearchIndexError as error:
            return IndexState(problem=str(error))
        return IndexState(rebuilt=True)

    def _without_vanished(self, found: SearchResults) -> SearchResults:
        """Drop articles whose file is gone since they were indexed, and record them as
        missing (the outbox then takes them out of the index)."""
        gone = [r for r in found.results if r.kind == "article" and not os.path.lexists(r.path)]
        if not gone:
            return found
        with contextlib.suppress(StoreError):
            self.store.mark_missing([os.fsencode(r.path) for r in gone])
        kept = [r for r in found.results if r not in gone]
        return dataclasses.replace(found, total=max(0, found.total - len(gone)), results=kept)

    def display_path(self, path: Path) -> Path:
        """`path` as the user knows it: from its library folder's name down (or as given)."""
        for root in self.roots:
            if path == root:
                return Path(path.name)
            if path.is_relative_to(root):
                return Path(root.name) / path.relative_to(root)
        return path

    def open_article(self, path: Path) -> ArticleStream | Skipped:
        from reader.core.loaders import open_stream

        return open_stream(path, max_bytes=self.settings.max_file_bytes)

    def reading_state(self, article_id: int) -> ReadingState:
        return self.store.reading_state(article_id)

    def save_position(self, article_id: int, position: int) -> None:
        self.store.save_position(article_id, position)

    def set_read(self, article_id: int, read: bool) -> None:
        self.store.set_read(article_id, read)

    def mark_opened(self, article_id: int) -> None:
        self.store.mark_opened(article_id)

    def skipped(self) -> list[Skipped]:
        return self.store.skipped(self.roots)

    def get_setting(self, key: str) -> str | None:
        return self.store.get_setting(key)

    def set_setting(self, key: str, value: str) -> None:
        self.store.set_setting(key, value)

    def id_for_path(self, path: Path) -> int | None:
        return self.store.id_for_path(path)

    def close(self) -> None:
        self._closing = True  # a scan waiting for another reader's stops waiting
        with self._lock:
            if self._search is not None:
                with contextlib.suppress(Exception):
                    self._search.close()
                self._search = None
            if self._store is not None:
                with contextlib.suppress(Exception):  # closing must never fail the quit
                    self._store.close()
                self._store = None
