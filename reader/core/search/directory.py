"""The index's directory: its version file, starting afresh, and the writer lock.

Everything under `DATA_DIR/search-index/` is derived data, so starting afresh means deleting
it; the one thing never done is deleting an index another process is writing.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import tantivy

from reader.core.search import analysis, fields

INDEX_DIR = "search-index"
VERSION_FILE = "reader-search-version"


def delete(writer: tantivy.IndexWriter, name: str, value: str) -> None:
    # tantivy-py before 0.25 calls it `delete_documents` (now a deprecated alias).
    by_term = getattr(writer, "delete_documents_by_term", None) or writer.delete_documents
    by_term(name, value)


def being_written(index: tantivy.Index) -> bool:
    """Whether another writer (another reader process, say) holds the index's lock."""
    try:
        writer = index.writer(15_000_000, num_threads=1)
    except ValueError as error:
        return "LockBusy" in str(error)
    del writer
    return False


def built_version(directory: Path) -> str | None:
    """The library.db build a complete index of this schema version was made for, or None
    (no complete build, another version: rebuild)."""
    try:
        words = (directory / VERSION_FILE).read_text().split()
    except OSError:
        return None
    if len(words) == 2 and words[0] == str(fields.SCHEMA_VERSION):
        return words[1]
    return None


def mark_built(directory: Path, library_id: str) -> None:
    """Record a complete build, after its commit: a build cut short is redone."""
    with contextlib.suppress(OSError):  # an index kept in memory has no directory
        (directory / VERSION_FILE).write_text(f"{fields.SCHEMA_VERSION} {library_id}\n")


def fresh_index(directory: Path) -> tantivy.Index:
    """An empty index in `directory`, replacing whatever was there (it is all derived)."""
    if directory.is_symlink() or directory.is_file():
        directory.unlink()
    elif directory.exists():
        shutil.rmtree(directory, ignore_errors=True)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(fields.build_schema(), path=str(directory), reuse=False)
    except (OSError, ValueError):
        index = tantivy.Index(fields.build_schema())  # in memory: search works this session
    analysis.register(index)
    return index
