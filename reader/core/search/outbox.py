"""Replaying the outboxes: the search index takes in every change written since it last did.

Every change of an article or a note leaves a row in an outbox, in the same transaction (a
trigger; see `reader.core.tables`). Replaying reads the rows, re-indexes what they name from
the store as it is now, commits, and only then deletes the rows it read. Whoever holds the
index's lock can do it, at any time: a change made by another process, or one whose indexing
was cut short by a kill, is taken in by the next replay, and replaying twice is harmless.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass

import tantivy

from reader.core.library import ArticleChanges
from reader.core.search import fields
from reader.core.search.engine import SearchIndex
from reader.core.store import Store

MANY = 200
"""Above this many changed articles, their notes are found by reading every note once."""


@dataclass(frozen=True)
class Marks:
    """How far the outboxes have been read (staged), and how much that was."""

    articles: int = 0
    """The last article change read (its `seq`)."""
    notes: int = 0
    article_count: int = 0
    note_count: int = 0

    @property
    def any(self) -> bool:
        return bool(self.article_count or self.note_count)


CHUNK = 2_000
"""Article changes read from the outbox at a time."""


def take_in(
    index: SearchIndex, store: Store, since: Marks = Marks(), *, most: int | None = None
) -> Marks:
    """Stage (without committing) the changes recorded after `since`; the new marks.

    Args:
        most: stop after about this many article changes (a follower commits between
            rounds, so that a long scan's changes become searchable, and a stop is prompt);
            None: everything pending.

    Raises:
        SearchIndexError: the index cannot be written.
    """
    marks, touched = since, set[int]()
    while most is None or marks.article_count - since.article_count < most:
        through, ids = store.pending_articles(after=marks.articles, limit=CHUNK)
        if not through:
            break
        present = {summary.id for summary in store.summaries_for(ids)}
        gone = tuple(i for i in ids if i not in present)
        index.apply(store, ArticleChanges(changed=tuple(present), removed=gone), commit=False)
        touched.update(ids)
        marks = dataclasses.replace(
            marks, articles=through, article_count=marks.article_count + len(ids)
        )
    through, pairs = store.pending_notes(after=marks.notes)
    wanted = {note_id for note_id, _ in pairs}
    owners = {article_id for _, article_id in pairs} | touched
    if owners:
        docs = note_documents(store, owners)
        # A changed article's notes are re-indexed with it: they are found by its title,
        # folders and place.
        wanted |= {note_id for note_id, article_id, _ in docs if article_id in touched}
        put = [(note_id, doc) for note_id, _, doc in docs if note_id in wanted]
        kept = {note_id for note_id, _ in put}
        index.put_notes(put, [n for n in wanted if n not in kept], commit=False)
    if through:
        marks = dataclasses.replace(marks, notes=through, note_count=marks.note_count + len(pairs))
    return marks


def more_pending(store: Store, marks: Marks) -> bool:
    """Whether article changes were recorded after `marks` (a round stopped at `most`)."""
    return bool(store.pending_articles(after=marks.articles, limit=1)[0])


def settle(store: Store, marks: Marks) -> None:
    """Forget what `marks` read: call only once the index has committed it."""
    store.clear_pending_articles(marks.articles)
    store.clear_pending_notes(marks.notes)


def replay(index: SearchIndex, store: Store) -> Marks:
    """Take in and commit everything pending. Raises SearchIndexError (IndexBusy: another
    process holds the lock, and will replay it, or the next one to hold it will)."""
    marks = take_in(index, store)
    if marks.any:
        index.commit()
    settle(store, marks)
    return marks


def note_documents(
    store: Store, article_ids: Collection[int] | None = None
) -> list[tuple[str, int, tantivy.Document]]:
    """(note id, article id, index document) of every note and comment on `article_ids` (None: all),
    each with its article's summary so that scopes and filters find it."""
    from reader.core.notes import NotesStore

    notes = NotesStore.for_store(store)
    try:
        if article_ids is None or len(article_ids) > MANY:
            found = list(notes.iter_note_documents())
            if article_ids is not None:
                found = [doc for doc in found if doc.article_id in article_ids]
        else:
            found = [doc for a in sorted(article_ids) for doc in notes.iter_note_documents(a)]
    finally:
        notes.close()
    summaries = {s.id: s for s in store.summaries_for(sorted({d.article_id for d in found}))}
    return [
        (
            doc.note_id,
            doc.article_id,
            fields.note_document(
                doc.note_id, doc.article_id, doc.text, summaries.get(doc.article_id)
            ),
        )
        for doc in found
    ]
