"""Indexing beside a running scan, so that the scan never waits for the index.

`SearchIndex.apply` is synchronous: called from the scanner's `on_change`, a first index of a
large library would parse, then index, then parse again. An `IndexFollower` takes each batch
of changes from the scanner's thread and returns at once; its own thread indexes them and
commits every `COMMIT_SECONDS` (and when the scan pauses or ends), so the index follows the
scan instead of running a second pass after it, with fewer, larger segments than a commit per
batch would make.

On a first index both compete for the same cores (on two cores the scan took 36 s alone and
77 s beside the indexing), and the scan is what fills the list. So the indexing threads (this
one and tantivy's) run at a lower CPU priority where the system allows it: the scan keeps
nearly its own speed, and the index uses what it leaves and catches up soon after.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reader.core.library import ArticleChanges
from reader.core.search.engine import SearchIndex
from reader.core.search.outbox import Marks, more_pending, settle, take_in
from reader.core.store import Store

PROGRESS_SECONDS = 0.25
ROUND = 2_000
"""Article changes taken in between two looks at the clock (commit due?) and at a stop."""
COMMIT_SECONDS = 2.0
"""Longest time indexed articles wait to become searchable during a long scan."""

NICENESS = 10
"""How much lower the indexing threads' priority is (Linux `nice`; raising it needs no rights)."""
_TANTIVY_THREADS = ("thrd-tantivy", "thread-tantivy", "segment_updater", "merge_thread")

_DONE = ArticleChanges()


def yield_to_the_scan() -> None:
    """Lower this thread's CPU priority, and that of tantivy's threads (Linux only)."""
    if not hasattr(os, "setpriority"):
        return
    targets = [threading.get_native_id()]
    with contextlib.suppress(OSError):
        for task in Path("/proc/self/task").iterdir():
            name = (task / "comm").read_text(encoding="utf-8", errors="replace")
            if name.startswith(_TANTIVY_THREADS):
                targets.append(int(task.name))
    for thread_id in targets:
        with contextlib.suppress(OSError):
            current = os.getpriority(os.PRIO_PROCESS, thread_id)
            os.setpriority(os.PRIO_PROCESS, thread_id, max(current, NICENESS))


class IndexFollower:
    """`on_change` for `scan()` that indexes in a background thread.

    Each batch the scanner writes leaves its changes in the outbox (same transaction); the
    call only wakes this thread, which takes in everything pending (`outbox.take_in`),
    commits every `COMMIT_SECONDS`, and clears what it committed. Killed at any moment, it
    leaves the outbox holding what it had not committed, for the next run to replay.

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
        self.queued = 0
        """Articles handed over so far; `indexed` of them are in the index (maybe uncommitted)."""
        self.indexed = 0
        self._abandoned = False

    def __call__(self, changes: ArticleChanges) -> None:
        self.queued += len(changes.added) + len(changes.changed)
        self._queue.put(changes)

    def wait(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Index and commit everything queued so far; stop the thread.

        Args:
            progress: called with (indexed, queued) every `PROGRESS_SECONDS` while it waits.

        Raises:
            SearchIndexError: what the indexing thread met (the outbox keeps the rest).
        """
        self._queue.put(_DONE)
        self._thread.join(PROGRESS_SECONDS)
        while self._thread.is_alive():
            if progress is not None:
                progress(min(self.indexed, self.queued), self.queued)
            self._thread.join(PROGRESS_SECONDS)
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        """Stop without indexing what is queued (the scan failed or was interrupted): what
        was not committed stays in the outbox, for the next run to replay. Returns at once."""
        self._abandoned = True
        self._queue.put(_DONE)

    def __enter__(self) -> IndexFollower:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.wait()

    def _run(self) -> None:
        with contextlib.suppress(Exception):  # the writer exists once sync() has run
            self._index.acquire_writer()
        yield_to_the_scan()
        staged = Marks()
        last_commit = time.monotonic()
        changes: ArticleChanges | None = None
        more = False
        while True:
            if not more:
                try:
                    changes = self._queue.get(timeout=COMMIT_SECONDS if staged.any else None)
                except queue.Empty:
                    changes = None  # a pause in the scan: make what is staged searchable
            if self._abandoned:
                return
            try:
                if changes is not None:
                    read = take_in(self._index, self._store, staged, most=ROUND)
                    self.indexed += read.article_count - staged.article_count
                    more = read.article_count - staged.article_count >= ROUND and more_pending(
                        self._store, read
                    )
                    staged = read
                due = changes is None or (changes is _DONE and not more)
                if staged.any and (due or time.monotonic() - last_commit >= COMMIT_SECONDS):
                    self._index.commit()
                    settle(self._store, staged)
                    staged, last_commit = Marks(), time.monotonic()
            except BaseException as error:  # reported by wait(); the scan itself goes on
                self.error = error
                self._drain(changes)
                return
            if changes is _DONE and not more:
                return

    def _drain(self, last: ArticleChanges | None) -> None:
        while last is not _DONE:
            last = self._queue.get()
