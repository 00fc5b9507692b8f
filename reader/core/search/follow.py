"""Indexing beside a running scan, so that the scan never waits for the index.

`SearchIndex.apply` is synchronous: called from the scanner's `on_change`, a first index of a
large library would parse, then index, then parse again. An `IndexFollower` takes each batch
of changes from the scanner's thread and returns at once; its own thread indexes them and
commits every `COMMIT_SECONDS` (and when the scan pauses or ends), so the index follows the
scan instead of running a second pass after it, with fewer, larger segments than a commit per
batch would make.
"""

from __future__ import annotations

import queue
import threading
import time

from reader.core.library import ArticleChanges
from reader.core.search.engine import SearchIndex
from reader.core.store import Store

COMMIT_SECONDS = 2.0
"""Longest time indexed articles wait to become searchable during a long scan."""

_DONE = ArticleChanges()


class IndexFollower:
    """`on_change` for `scan()` that indexes in a background thread.

    Use as `with IndexFollower(index, store) as follow: scan(..., on_change=follow)`; leaving
    the block waits until everything is indexed and committed.
    """

    def __init__(self, index: SearchIndex, store: Store) -> None:
        self._index = index
        self._store = store
        self._queue: queue.Queue[ArticleChanges] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()
        self.error: BaseException | None = None
        """What stopped the indexing thread (such as `IndexBusy`), if anything did."""

    def __call__(self, changes: ArticleChanges) -> None:
        self._queue.put(changes)

    def wait(self) -> None:
        """Index and commit everything queued so far; stop the thread.

        Raises:
            SearchIndexError: what the indexing thread met (the index stays as it was).
        """
        self._queue.put(_DONE)
        self._thread.join()
        if self.error is not None:
            raise self.error

    def __enter__(self) -> IndexFollower:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.wait()

    def _run(self) -> None:
        staged = False
        last_commit = time.monotonic()
        while True:
            try:
                changes: ArticleChanges | None = self._queue.get(
                    timeout=COMMIT_SECONDS if staged else None
                )
            except queue.Empty:
                changes = None  # a pause in the scan: make what is staged searchable
            try:
                if changes is not None and changes is not _DONE:
                    self._index.apply(self._store, changes, commit=False)
                    staged = True
                due = changes is None or changes is _DONE
                if staged and (due or time.monotonic() - last_commit >= COMMIT_SECONDS):
                    self._index.commit()
                    staged, last_commit = False, time.monotonic()
            except Exception as error:  # reported by wait(); the scan itself goes on
                self.error = error
                self._drain(changes)
                return
            if changes is _DONE:
                return

    def _drain(self, last: ArticleChanges | None) -> None:
        while last is not _DONE:
            last = self._queue.get()
