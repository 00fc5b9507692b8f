"""Notes and highlights: stored durably in reader.db, anchored to passages that survive edits,
exported and imported. See `store.NotesStore` for the API the UI and the CLI use."""

from __future__ import annotations

from reader.core.notes.anchoring import Anchor, Located, locate, make_anchor
from reader.core.notes.atomic import cleanup_stale_temporaries
from reader.core.notes.errors import (
    NoNotes,
    NotesBusy,
    NotesDamaged,
    NotesDiskFull,
    NotesError,
    NotesReadOnly,
)
from reader.core.notes.models import (
    COLORS,
    ArticleNotes,
    ArticleRef,
    Conflict,
    Highlight,
    Note,
    NoteChange,
    NoteDocument,
    Saved,
    SaveResult,
)
from reader.core.notes.store import NotesStore, default_backup_path

__all__ = [
    "COLORS",
    "Anchor",
    "ArticleNotes",
    "ArticleRef",
    "Conflict",
    "Highlight",
    "Located",
    "NoNotes",
    "Note",
    "NoteChange",
    "NoteDocument",
    "NotesBusy",
    "NotesDamaged",
    "NotesDiskFull",
    "NotesError",
    "NotesReadOnly",
    "NotesStore",
    "SaveResult",
    "Saved",
    "cleanup_stale_temporaries",
    "default_backup_path",
    "locate",
    "make_anchor",
]
