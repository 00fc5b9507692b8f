"""Drafts: the text of a note or comment that could not be saved, kept in a plain file.

When the database refuses a save (the disk is full, the folder is read-only) the text is only
in the app's memory, and a crash or a second `q` would lose it. So it is also written to a
draft in `<data dir>/drafts/`, with plain file IO outside SQLite, and fsynced. On a disk that
is truly full that may fail too; `Drafts.keep` then raises `DraftNotWritten` and the caller
says so (the text is still in the editor).

One file per note or comment and window, named by time and article:
`20260101-120000-article-12-note.txt`, `…-article-12-comment-3f2a9c1e.txt`. Its first lines say
what it is and why it was written; each failed save whose text differs from the last appends
a dated version at the end. The file only grows: nothing written is overwritten.

reader never deletes a draft. When the same note or comment is saved later in the same
window, its draft is renamed `….saved.txt`: still there, no longer counted as unsaved. A draft
whose window ended before a save (a crash, quitting without it) keeps its name, and every
start says how many there are until the reader copies them back and deletes them.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from reader.core.counts import plural

if TYPE_CHECKING:
    from reader.core.schema import StoreError

DRAFTS_FOLDER = "drafts"
DRAFT_SUFFIX = ".txt"
SAVED_SUFFIX = ".saved.txt"
"""A draft whose note or comment was saved afterwards (kept, not counted)."""


def drafts_dir(data_dir: Path) -> Path:
    return Path(data_dir) / DRAFTS_FOLDER


class DraftKey(NamedTuple):
    """What a draft is the text of: an article's note, or a highlight's comment.

    (NamedTuples here, not frozen dataclasses: the app imports this module at start, and
    the two dataclasses took 1.2 ms more to make.)"""

    article_id: int
    kind: Literal["note", "comment"] = "note"
    highlight_id: str | None = None

    @property
    def name(self) -> str:
        """The part of the file name after the time."""
        name = f"article-{self.article_id}-{self.kind}"
        if self.highlight_id:
            name += "-" + "".join(c for c in self.highlight_id if c.isalnum())[:8]
        return name


class DraftNotWritten(Exception):
    """The draft could not be written either; the message says where and why."""

    def __init__(self, folder: Path, error: OSError) -> None:
        super().__init__(
            f"the draft could not be written to {folder} either ({error.strerror or error})"
        )
        self.folder = folder
        self.error = error


class NotSaved(NamedTuple):
    """A save the database refused: why, and the draft that holds the text (or why there is
    none: on a truly full disk the draft cannot be written either). Says it to the reader."""

    error: StoreError
    draft: Path | None = None
    draft_problem: str | None = None

    @property
    def disk_full(self) -> bool:
        from reader.core.notes.errors import NotesDiskFull  # not at import: a save was tried

        return isinstance(self.error, NotesDiskFull)

    @property
    def title(self) -> str:
        return "Disk full" if self.disk_full else "Not saved"

    @property
    def status(self) -> str:
        """Short, for a status line: why, and where the text is besides the screen."""
        why = "disk full" if self.disk_full else str(self.error)
        if self.draft is None:
            return f"{why}; no draft could be written, copy your text somewhere"
        return f"{why}; draft in {self.draft}"

    def message(self, kept_in: str) -> str:
        """In full: the error, and everywhere the text still is (`kept_in`: "the editor")."""
        if self.draft is None:
            return f"{self.error}; {self.draft_problem}. Your text is only in {kept_in}: copy it."
        return f"{self.error}. Your text is kept in {kept_in} and in the draft {self.draft}."


class Drafts:
    """The drafts of one window: which file holds each unsaved text. Thread-safe (saves run
    in workers and, when quitting, on the event loop)."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self.folder = drafts_dir(data_dir)
        self._clock = clock
        self._files: dict[DraftKey, Path] = {}
        self._last: dict[DraftKey, str] = {}
        """The text each file ends with: the same failed text twice is written once."""
        self._lock = threading.Lock()

    def keep(self, key: DraftKey, text: str, *, about: str, reason: str) -> Path:
        """Append `text` to the draft of `key` (made on its first failure) and fsync it.

        Args:
            about: what the text belongs to, for the file's first lines ("“Essay” (/a.md)").
            reason: why it is a draft (the save's error message).

        Raises:
            DraftNotWritten: the folder or the file could not be written (whole).
        """
        with self._lock:
            path = self._files.get(key)
            if path is not None and self._last.get(key) == text:
                return path
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self._clock()))
            chunk = f"\n--- {stamp} ---\n{text}\n"
            created = path is None
            try:
                if path is None:
                    path = self._create(key)
                    self._files[key] = path  # later versions go here even if this write fails
                    chunk = _header(key, about, reason) + chunk
                _append(path, chunk.encode("utf-8"))
            except OSError as error:
                if created and path is not None:
                    self._forget_if_empty(key, path)
                raise DraftNotWritten(self.folder, error) from error
            self._last[key] = text
            return path

    def keep_refused(self, key: DraftKey, text: str, error: StoreError, about: str) -> NotSaved:
        """The database refused `text` with `error`: keep it in its draft, never raising."""
        try:
            return NotSaved(error, self.keep(key, text, about=about, reason=str(error)))
        except DraftNotWritten as problem:
            return NotSaved(error, draft_problem=str(problem))

    def saved(self, key: DraftKey) -> Path | None:
        """The text of `key` is in the database now: its draft, if any, is renamed
        `….saved.txt` (kept, but no longer announced at start). Returns the new path."""
        with self._lock:
            path = self._files.pop(key, None)
            self._last.pop(key, None)
        if path is None:
            return None
        target = path.with_name(path.name.removesuffix(DRAFT_SUFFIX) + SAVED_SUFFIX)
        try:
            path.rename(target)
        except OSError:  # still named as unsaved: announced at the next start, never lost
            return None
        return target

    def _forget_if_empty(self, key: DraftKey, path: Path) -> None:
        """A draft just made that holds not one byte is no draft (on a full disk the name
        fits but the text does not): it is removed, not announced at the next start."""
        with contextlib.suppress(OSError):
            if path.stat().st_size == 0:
                path.unlink()
                del self._files[key]

    def _create(self, key: DraftKey) -> Path:
        """A new, empty draft file, its folder entry fsynced. Never an existing name, saved
        or not: renaming this one `….saved.txt` later must not replace an earlier one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self._clock()))
        for number in range(1, 1000):
            stem = f"{stamp}-{key.name}" + ("" if number == 1 else f"-{number}")
            path = self.folder / f"{stem}{DRAFT_SUFFIX}"
            if (self.folder / f"{stem}{SAVED_SUFFIX}").exists():
                continue
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                continue
            _fsync_folder(self.folder)
            return path
        raise FileExistsError(f"too many drafts named {stamp}-{key.name} in {self.folder}")


def _header(key: DraftKey, about: str, reason: str) -> str:
    what = "A note" if key.kind == "note" else "A highlight comment"
    return (
        f"{what} that reader could not save, on article {key.article_id}: {_one_line(about)}\n"
        f"Why: {_one_line(reason)}\n"
        "Newest version last. reader never deletes this file: copy the text back, then "
        "delete it.\n"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _append(path: Path, data: bytes) -> None:
    """Write all of `data` at the end of `path`, then fsync: raises if any of it is not."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a new file's name durable too (not possible on Windows: skipped)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def unsaved_drafts(data_dir: Path) -> list[Path]:
    """Drafts not followed by a save in their window, oldest first."""
    try:
        found = [
            path
            for path in drafts_dir(data_dir).iterdir()
            if path.name.endswith(DRAFT_SUFFIX) and not path.name.endswith(SAVED_SUFFIX)
        ]
    except OSError:  # no drafts folder (the usual case), or it cannot be read
        return []
    return sorted(found)


def drafts_notice(data_dir: Path) -> str | None:
    """The start-up line about unsaved drafts, or None when there are none."""
    count = len(unsaved_drafts(data_dir))
    if not count:
        return None
    verb = "is" if count == 1 else "are"
    return (
        f"{plural(count, 'unsaved draft')} {verb} in {drafts_dir(data_dir)}: text that could "
        "not be saved. Copy it back into the note, then delete the file."
    )
