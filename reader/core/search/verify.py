"""Checking the search index against the library by content, and mending what differs.

Each article document carries its row's revision (`fields.article_document`), each note
document its text's checksum, so the check compares what each document *is*, not how many
there are: an article edited, renamed or removed behind the index's back shows up, as does a
note saved where the index never heard of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.counts import plural
from reader.core.library import ArticleChanges
from reader.core.search import fields
from reader.core.search.engine import SearchIndex
from reader.core.search.outbox import note_documents
from reader.core.store import Store


@dataclass(frozen=True)
class Drift:
    """Where the index and the library disagree."""

    stale: tuple[int, ...] = ()
    """Articles indexed with other content than the library's (or twice)."""
    missing: tuple[int, ...] = ()
    """Articles in the library, not in the index."""
    dead: tuple[int, ...] = ()
    """Articles in the index that the library no longer has (or whose file is gone)."""
    notes_stale: tuple[str, ...] = ()
    notes_missing: tuple[str, ...] = ()
    notes_dead: tuple[str, ...] = ()

    @property
    def agrees(self) -> bool:
        return not any(
            (
                self.stale,
                self.missing,
                self.dead,
                self.notes_stale,
                self.notes_missing,
                self.notes_dead,
            )
        )

    def describe(self) -> list[str]:
        """One line per kind of disagreement, for `reader check`."""
        lines = []
        for count, what in (
            (len(self.stale), "indexed with old content"),
            (len(self.missing), "missing from the search index"),
            (len(self.dead), "gone but still in the search index"),
        ):
            if count:
                lines.append(f"{plural(count, 'article')} {what}")
        for count, what in (
            (len(self.notes_stale), "indexed with old text"),
            (len(self.notes_missing), "missing from the search index"),
            (len(self.notes_dead), "deleted but still in the search index"),
        ):
            if count:
                lines.append(f"{plural(count, 'note')} {what}")
        return lines


def drift(index: SearchIndex, store: Store) -> Drift:
    """Compare every document's stamp with the library and the notes. Raises
    SearchIndexError (IndexDamaged) when the index cannot be read."""
    indexed, present = index.article_stamps(), store.revisions()
    notes = {note_id: fields.note_stamp_of(doc) for note_id, _, doc in note_documents(store)}
    noted = index.note_stamps()
    return Drift(
        stale=tuple(sorted(i for i, s in present.items() if i in indexed and indexed[i] != s)),
        missing=tuple(sorted(present.keys() - indexed.keys())),
        dead=tuple(sorted(indexed.keys() - present.keys())),
        notes_stale=tuple(sorted(n for n, s in notes.items() if n in noted and noted[n] != s)),
        notes_missing=tuple(sorted(notes.keys() - noted.keys())),
        notes_dead=tuple(sorted(noted.keys() - notes.keys())),
    )


def mend(index: SearchIndex, store: Store, found: Drift) -> None:
    """Re-index what `found` names, in one commit. Raises SearchIndexError."""
    if found.agrees:
        return
    changed = (*found.stale, *found.missing)
    index.apply(store, ArticleChanges(changed=changed, removed=found.dead), commit=False)
    redo = {*found.notes_stale, *found.notes_missing}
    docs = [(n, doc) for n, _, doc in note_documents(store) if n in redo]
    index.put_notes(docs, found.notes_dead, commit=False)
    index.commit()
