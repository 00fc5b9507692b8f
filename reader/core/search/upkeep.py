"""Bringing the search index up to date: before a scan, beside it, and without one.

The app's rescan, `reader index`, `reader search` and `reader check --repair` all come here,
so that whichever runs leaves an index that agrees with the library:

1. An index that is not a complete build for this library.db (new, another version, cut
   short, damaged) is rebuilt, notes included.
2. Otherwise the outboxes are replayed: every change any writer made since (see `outbox`).
3. Then the index is checked against the library by content (see `verify`) and mended, so
   that even damage no outbox recorded heals.
4. During a scan, an `IndexFollower` replays each batch's changes as they land.

Damage met on the way (tantivy's panics included) is answered by throwing the index away
and rebuilding it, and said in `IndexState.repaired`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reader.core.library import ArticleChanges
from reader.core.models import ScanProgress, ScanReport
from reader.core.search import fields
from reader.core.search.checksums import damaged_files
from reader.core.search.engine import IndexDamaged, SearchIndex, SearchIndexError
from reader.core.search.follow import IndexFollower
from reader.core.search.outbox import Marks, note_documents, replay, settle
from reader.core.search.verify import drift, mend
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
    repaired: str | None = None
    """Damage found and mended on the way ("the search index was damaged (…)")."""


def bring_up_to_date(
    index: SearchIndex,
    store: Store,
    *,
    check_files: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[bool, str | None]:
    """Rebuild, or replay and mend; (whether it was rebuilt, the damage repaired if any).

    Args:
        check_files: verify the checksums of the index's files first (a second per GB):
            damage tantivy would not notice, or would panic on in the middle of a search.

    Raises:
        SearchIndexError: the index cannot be written (IndexBusy: another process has it).
    """
    repaired = None
    if index.damage is not None:
        repaired = f"{index.damage}; it has been rebuilt"
        index.damage = None
    if check_files and (bad := damaged_files(index.directory)):
        repaired = f"the search index was damaged ({', '.join(bad[:3])}) and has been rebuilt"
        index.reset()
    try:
        rebuilt, mended = _up_to_date(index, store, progress)
        return rebuilt, repaired or mended
    except IndexDamaged as error:
        index.reset()
        rebuild(index, store, progress)
        return True, f"{error}; it has been rebuilt"


def _up_to_date(
    index: SearchIndex, store: Store, progress: Callable[[int, int], None] | None
) -> tuple[bool, str | None]:
    if not index.built_for(store.library_id):
        rebuild(index, store, progress)
        return True, None
    replay(index, store)
    found = drift(index, store)
    mend(index, store, found)
    if found.agrees:
        return False, None
    # The outboxes should have covered everything: drift means something bypassed them
    # (a kill between two files' commits, a damaged index). Say what was mended.
    mended = ", ".join(found.describe())
    return False, f"the search index was mended ({mended})"


def rebuild(
    index: SearchIndex, store: Store, progress: Callable[[int, int], None] | None = None
) -> None:
    """Index everything afresh; the outboxes' rows up to now are then taken in."""
    articles, notes = store.outbox_marks()
    index.rebuild(store, [(n, doc) for n, _, doc in note_documents(store)], progress=progress)
    settle(store, Marks(articles=articles, notes=notes))


def scan_and_index(
    index: SearchIndex,
    store: Store,
    run: Scan,
    *,
    progress: Callable[[ScanProgress], None] | None = None,
    check_files: bool = False,
) -> tuple[ScanReport, IndexState]:
    """Bring the index up to date, run the scan with the index following each batch, and
    wait for it to catch up.

    Never raises a search error: the library is updated whatever the index does, and the
    trouble is in `IndexState.problem` (the outboxes keep what it missed).

    Args:
        progress: the scan's progress, and then the index catching up ("making searchable").
    """
    try:
        rebuilt, repaired = bring_up_to_date(index, store, check_files=check_files)
    except SearchIndexError as error:
        return run(None), IndexState(problem=str(error))
    follow = IndexFollower(index, store)  # replays the outbox in a thread as batches land
    problem: str | None = None
    try:
        report = run(follow)
    except Exception:
        follow.abandon()
        raise
    except BaseException:  # a signal, Ctrl-C: stop now; the outbox keeps what is not indexed
        follow.abandon()
        raise
    else:
        try:
            follow.wait(progress=None if progress is None else _catching_up(progress))
        except IndexDamaged as error:
            rebuilt, repaired = True, f"{error}; it has been rebuilt"
            try:
                index.reset()
                rebuild(index, store)
            except SearchIndexError as again:
                problem = str(again)
        except SearchIndexError as error:
            problem = str(error)
    return report, _state(index, rebuilt, problem, repaired)


def catch_up(index: SearchIndex, store: Store, *, check_files: bool = False) -> IndexState:
    """`scan_and_index` without the scan: the index made to match the store as it is (a
    search with no path given, which does not look at the files). Never raises."""
    try:
        rebuilt, repaired = bring_up_to_date(index, store, check_files=check_files)
    except SearchIndexError as error:
        return IndexState(problem=str(error))
    return _state(index, rebuilt, None, repaired)


def _state(
    index: SearchIndex, rebuilt: bool, problem: str | None, repaired: str | None
) -> IndexState:
    try:
        return IndexState(index.count(), index.count(fields.NOTE), rebuilt, problem, repaired)
    except SearchIndexError as error:
        return IndexState(rebuilt=rebuilt, problem=problem or str(error), repaired=repaired)


def _catching_up(progress: Callable[[ScanProgress], None]) -> Callable[[int, int], None]:
    """The search index catching up after the scan, reported as a phase of it."""
    return lambda indexed, queued: progress(ScanProgress(indexed, queued, "making searchable"))
