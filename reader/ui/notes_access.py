"""The notes store of an open library session, shared by everything on screen.

`LibrarySession` knows nothing of notes, so the one `NotesStore` per session lives here, on
the session's own `Store` (already created and migrated). Opening it may create the database:
call `session_notes` from a worker the first time. Listeners (search re-indexing notes) hear
every committed change through `add_notes_listener`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from reader.core.session import LibrarySession

if TYPE_CHECKING:
    from reader.core.notes import NoteChange, NotesStore

Listener = Callable[["NoteChange"], None]

_stores: WeakKeyDictionary[LibrarySession, NotesStore] = WeakKeyDictionary()
_listeners: WeakKeyDictionary[LibrarySession, list[Listener]] = WeakKeyDictionary()
_lock = threading.Lock()
log = logging.getLogger(__name__)


def session_notes(session: LibrarySession) -> NotesStore:
    """The session's notes store, opened on first use (it may open the database: a worker)."""
    with _lock:
        store = _stores.get(session)
    if store is not None:
        return store
    from reader.core.notes import NotesStore  # imported on first use: it is not start-up work

    database = session.store  # outside our lock: it takes the session's own
    with _lock:
        store = _stores.get(session)
        if store is None:
            store = NotesStore.for_store(database, on_change=lambda change: _tell(session, change))
            _stores[session] = store
        return store


def add_notes_listener(session: LibrarySession, listener: Listener) -> None:
    """Call `listener` (on the thread that saved) after each committed note or highlight change."""
    with _lock:
        _listeners.setdefault(session, []).append(listener)


def close_session_notes(session: LibrarySession) -> None:
    with _lock:
        store = _stores.pop(session, None)
        _listeners.pop(session, None)
    if store is not None:
        with contextlib.suppress(Exception):  # closing must never fail the quit
            store.close()


def _tell(session: LibrarySession, change: NoteChange) -> None:
    with _lock:
        listeners = list(_listeners.get(session, ()))
    for listener in listeners:
        try:
            listener(change)
        except Exception:  # the change is on disk: a listener's bug must not undo "saved"
            log.exception("notes listener failed")
