"""Bringing the search index up to date with a scan: articles as batches land, notes after.

The app's rescan, `reader index` and `reader search` all go through `scan_and_index`, so that
whichever runs leaves an index the next start does not rebuild: after `reader index` of a
large library the app opens searchable at once, instead of making it searchable for a minute.

Notes live in the notes tables, not in what the scanner reports, so they are re-indexed here:
all of them after a rebuild (or when the index holds a different number of them, as after
`reader notes import`), and those of each article a scan changed, moved or removed, because a
note is found through its article's title, folders and place (`fields.places_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reader.core.library import ArticleChanges
from reader.core.models import ScanProgress, ScanReport
from reader.core.search import fields
from reader.core.search.engine import SearchIndex, SearchIndexError
from reader.core.search.follow import IndexFollower
from reader.core.store import Store

Scan = Callable[[Callable[[ArticleChanges], None] | None], ScanReport]
"""Runs the scan, with the given `on_change` (None: without the search index)."""


@dataclass(frozen=True)
class IndexState:
    """How the search index stands after `scan_and_index`, for the user."""

    articles: int = 0
    """Articles it holds (of every library in the data directory)."""
    notes: int = 0
    rebuilt: bool = False
    problem: str | None = None
    """Why it could not be brought up to date (it is searched as it is)."""


def scan_and_index(
    index: SearchIndex,
    store: Store,
    run: Scan,
    *,
    progress: Callable[[ScanProgress], None] | None = None,
) -> tuple[ScanReport, IndexState]:
    """Rebuild the index if it needs it, run the scan with the index following each batch,
    wait for it to catch up, then bring the notes up to date.

    Never raises a search error: the library is updated whatever the index does, and the
    trouble is in `IndexState.problem`.

    Args:
        progress: the scan's progress, and then the index catching up ("making searchable").
    """
    try:
        rebuilt = index.needs_rebuild
        index.sync(store)
    except SearchIndexError as error:
        return run(None), IndexState(problem=str(error))
    touched: set[int] = set()
    follow = IndexFollower(index, store)  # indexes in a thread as batches land

    def on_change(changes: ArticleChanges) -> None:
        touched.update(changes.changed, changes.removed)
        follow(changes)

    try:
        report = run(on_change)
    finally:
        try:
            follow.wait(progress=None if progress is None else _catching_up(progress))
        except SearchIndexError as error:
            problem: str | None = str(error)
        else:
            problem = None
    if problem is None:
        try:
            sync_notes(index, store, everything=rebuilt, articles=touched)
        except SearchIndexError as error:
            problem = str(error)
    return report, IndexState(
        index.count(), index.count(fields.NOTE), rebuilt=rebuilt, problem=problem
    )


def catch_up(index: SearchIndex, store: Store) -> IndexState:
    """`scan_and_index` without the scan: the index made to match the store as it is (a
    search with no path given, which does not look at the files). Never raises."""
    rebuilt = index.needs_rebuild
    try:
        index.sync(store)
        sync_notes(index, store, everything=rebuilt)
    except SearchIndexError as error:
        return IndexState(problem=str(error))
    return IndexState(index.count(), index.count(fields.NOTE), rebuilt=rebuilt)


def sync_notes(
    index: SearchIndex, store: Store, *, everything: bool, articles: Iterable[int] = ()
) -> None:
    """Index every note (`everything`, or when the counts differ), else those of `articles`.

    Raises:
        SearchIndexError: the index cannot be written.
    """
    from reader.core.notes import NotesStore

    notes = NotesStore.for_store(store)
    try:
        every = list(notes.iter_note_documents())
        if not everything and index.count(fields.NOTE) == len(every):
            wanted = set(articles)
            if not wanted:
                return
            every = [doc for doc in every if doc.article_id in wanted]
        else:
            everything = True
    finally:
        notes.close()
    summaries = {s.id: s for s in store.summaries_for(sorted({d.article_id for d in every}))}
    documents = []
    for doc in every:
        summary = summaries.get(doc.article_id)  # None: article gone; no scope finds the note
        documents.append(
            (doc.note_id, fields.note_document(doc.note_id, doc.article_id, doc.text, summary))
        )
    index.put_notes(documents, replace_all=everything)


def _catching_up(progress: Callable[[ScanProgress], None]) -> Callable[[int, int], None]:
    """The search index catching up after the scan, reported as a phase of it."""
    return lambda indexed, queued: progress(ScanProgress(indexed, queued, "making searchable"))
