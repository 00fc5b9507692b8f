"""The search index: a tantivy index under the data directory, derived from the store.

Why tantivy: on 100,000 articles SQLite FTS5 needs 120 ms for a common word and 870 ms for a
one-letter prefix, because it scores every matching row before it can return the best 50;
tantivy answers both within a frame (see benchmarks/bench_search.py).

The index holds nothing that cannot be made again from the store (and the notes), so any
trouble with it is answered by rebuilding it: a missing, damaged or older-version index, or
one built for another build of library.db, is wiped and rebuilt (see `upkeep`); it is never a
reason to fail. The version file is written only after a complete build, so a build cut short
is redone.

tantivy reports damage inside its files as `pyo3_runtime.PanicException`, a BaseException
that `except Exception` misses: every call into it goes through `_tantivy`, which turns any
failure but an interrupt into `IndexDamaged`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path

import tantivy

from reader.core.library import ArticleChanges
from reader.core.models import ArticleSummary
from reader.core.search import analysis, fields
from reader.core.search.compile import compile_query, scoped
from reader.core.search.directory import (
    INDEX_DIR,
    being_written,
    built_version,
    delete,
    fresh_index,
    mark_built,
)
from reader.core.search.hits import Matcher
from reader.core.search.query import parse
from reader.core.search.results import SearchResults, result_from
from reader.core.store import Store

HEAP_BYTES = 96_000_000
"""The writer's memory budget (shared by its threads); more means fewer, larger segments."""
WRITER_THREADS = 2
"""Analysis runs in the writer's threads, beside Python building the next documents."""
READ_CHUNK = 500
MAX_LIMIT = 1_000


class SearchIndexError(Exception):
    """The index cannot be written just now."""


class IndexBusy(SearchIndexError):
    """Another reader process is writing the index; searching still works."""


class IndexDamaged(SearchIndexError):
    """tantivy failed inside its files (a panic, a bad read): the index must be rebuilt."""


_NOT_DAMAGE = (KeyboardInterrupt, SystemExit, GeneratorExit, SearchIndexError, MemoryError)


@contextlib.contextmanager
def _tantivy(doing: str) -> Iterator[None]:
    """Any failure of tantivy while `doing` ("searching") becomes IndexDamaged."""
    try:
        yield
    except _NOT_DAMAGE:
        raise
    except BaseException as error:
        if "LockBusy" in str(error):
            raise IndexBusy("another reader is updating the search index") from None
        raise IndexDamaged(f"the search index is damaged ({doing}: {_first_line(error)})") from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


class SearchIndex:
    """Full-text search over articles and notes. Open with `SearchIndex.open(data_dir)`."""

    def __init__(self, directory: Path, index: tantivy.Index, *, built_for: str | None) -> None:
        self.directory = directory
        self._index = index
        self._schema = index.schema
        self._built_for = built_for
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()
        self.damage: str | None = None
        """Why a complete index could not be opened and was started afresh (told once)."""

    @classmethod
    def open(cls, data_dir: Path) -> SearchIndex:
        """Open the index in `data_dir`, or start an empty one if it is missing or unusable."""
        directory = Path(data_dir) / INDEX_DIR
        built_for = built_version(directory)
        try:
            opened = cls.open_as_is(directory)
            if built_for is not None or being_written(opened._index):  # never wipe another's
                return opened
        except SearchIndexError as error:
            fresh = cls(directory, fresh_index(directory), built_for=None)
            if built_for is not None:  # a complete build that no longer opens: say so
                fresh.damage = str(error)
            return fresh
        return cls(directory, fresh_index(directory), built_for=None)

    @classmethod
    def open_as_is(cls, directory: Path) -> SearchIndex:
        """The index in `directory` as it is (`reader check` looks without repairing):
        never started afresh. Raises IndexDamaged when it cannot be opened."""
        with _tantivy("opening"):
            index = tantivy.Index.open(str(directory))
            analysis.register(index)
            index.searcher()
        return cls(directory, index, built_for=built_version(directory))

    @property
    def needs_rebuild(self) -> bool:
        """True when the index is not a complete build of this version (new, cut short,
        damaged, or of another version)."""
        return self._built_for is None

    def built_for(self, library_id: str) -> bool:
        """A complete build for this build of library.db (a rebuilt one has new ids)."""
        return self._built_for == library_id

    def sync(self, store: Store) -> bool:
        """Make the index agree with the store (see `upkeep.bring_up_to_date`); True if it
        was rebuilt or anything had to be re-indexed."""
        from reader.core.search.upkeep import bring_up_to_date

        pending = store.pending_count()
        rebuilt, repaired = bring_up_to_date(self, store)
        return rebuilt or repaired is not None or pending > 0

    def reset(self) -> None:
        """Throw the index away and start an empty one (damage met: it is all derived)."""
        self.close()
        with self._lock:
            self._index = fresh_index(self.directory)
            self._schema = self._index.schema
            self._built_for = None

    # -- writing --------------------------------------------------------------------------

    def rebuild(
        self,
        store: Store,
        notes: Sequence[tuple[str, tantivy.Document]],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Index every article in the store, and `notes`, afresh; return how many articles."""
        summaries = store.summaries()
        with self._lock, _tantivy("rebuilding"):
            writer = self._writer_locked()
            writer.delete_all_documents()
            for start in range(0, len(summaries), READ_CHUNK):
                self._add(writer, store, summaries[start : start + READ_CHUNK])
                if progress is not None:
                    progress(min(start + READ_CHUNK, len(summaries)), len(summaries))
            for _, doc in notes:
                writer.add_document(doc)
            self._commit(writer)
            mark_built(self.directory, store.library_id)
            self._built_for = store.library_id
        return len(summaries)

    def apply(self, store: Store, changes: ArticleChanges, *, commit: bool = True) -> None:
        """Replace what `changes` names: present articles re-added, the others dropped."""
        changed = list(dict.fromkeys(changes.added + changes.changed))
        with self._lock, _tantivy("indexing"):
            writer = self._writer_locked()
            for article_id in (*changes.removed, *changed):
                delete(writer, "key", fields.article_key(article_id))
            for start in range(0, len(changed), READ_CHUNK):
                self._add(writer, store, store.summaries_for(changed[start : start + READ_CHUNK]))
            if commit:
                self._commit(writer)

    def commit(self) -> None:
        """Make staged changes searchable."""
        with self._lock, _tantivy("committing"):
            self._commit(self._writer_locked())

    def put_notes(
        self,
        notes: Sequence[tuple[str, tantivy.Document]],
        removed: Collection[str] = (),
        *,
        commit: bool = True,
    ) -> None:
        """Add or replace notes (`fields.note_document`s by note id), drop `removed` ones."""
        with self._lock, _tantivy("indexing notes"):
            writer = self._writer_locked()
            for note_id in (*removed, *(note_id for note_id, _ in notes)):
                delete(writer, "key", fields.note_key(note_id))
            for _, doc in notes:
                writer.add_document(doc)
            if commit:
                self._commit(writer)

    def _add(
        self, writer: tantivy.IndexWriter, store: Store, rows: Sequence[ArticleSummary]
    ) -> None:
        texts = store.texts_for([summary.id for summary in rows])
        for summary in rows:
            text, revision = texts.get(summary.id, ("", 0))
            writer.add_document(fields.article_document(summary, text, revision))

    def acquire_writer(self) -> None:
        """Take the index's write lock now (it is kept until `close`).

        Raises:
            IndexBusy: another process holds it (searching still works).
        """
        with self._lock:
            self._writer_locked()

    @property
    def writing(self) -> bool:
        """Whether this process holds the index's write lock."""
        return self._writer is not None

    def _writer_locked(self) -> tantivy.IndexWriter:
        if self._writer is None:
            with _tantivy("opening the writer"):
                self._writer = self._index.writer(HEAP_BYTES, num_threads=WRITER_THREADS)
        return self._writer

    def _commit(self, writer: tantivy.IndexWriter) -> None:
        writer.commit()
        self._index.reload()

    # -- searching -------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        read_ids: Collection[int] = frozenset(),
        typing: bool = False,
        roots: Sequence[Path] | None = None,
    ) -> SearchResults:
        """The best `limit` matches of `query`, best first, with snippets.

        Args:
            read_ids: ids of the articles read (the store's reading state), for `is:read`.
            typing: the query is being typed; its last word also matches as a prefix.
            roots: only articles at or below these (and notes on them), counted and ranked
                alone; None searches every library the data directory holds.

        Raises:
            IndexDamaged: the index could not be read (the caller rebuilds it).
        """
        parsed = parse(query, typing=typing)
        compiled, ranked = compile_query(parsed, self._schema, read_ids)
        if compiled is None:
            return SearchResults(0, [], parsed.notes)
        if roots is not None:
            compiled = scoped(compiled, self._schema, roots)
        limit = max(1, min(limit, MAX_LIMIT))
        with _tantivy("searching"):
            searcher = self._index.searcher()
            if ranked:
                found = searcher.search(compiled, limit, count=True)
            else:  # filters alone rank nothing: newest first
                found = searcher.search(compiled, limit, count=True, order_by_field="date")
            matcher = Matcher(parsed.positive_terms)
            results = [
                result_from(searcher.doc(address), float(score) if ranked else 0.0, matcher)
                for score, address in found.hits
            ]
        return SearchResults(found.count, results, parsed.notes)

    def count(self, kind: str = fields.ARTICLE) -> int:
        """How many documents of `kind` ("article" or "note") the index holds."""
        query = tantivy.Query.term_query(self._schema, "kind", kind)
        with _tantivy("counting"):
            return int(self._index.searcher().search(query, 1, count=True).count)

    def article_stamps(self) -> dict[int, int]:
        """article id -> stamp of every article document (a duplicate shows as stamp -1)."""
        with _tantivy("reading the stamps"):
            searcher = self._index.searcher()
            query = tantivy.Query.term_query(self._schema, "kind", fields.ARTICLE)
            hits = searcher.search(query, max(1, searcher.num_docs), count=False).hits
            addresses = [address for _, address in hits]
            ids = searcher.fast_field_values("id", addresses)
            stamps = searcher.fast_field_values("stamp", addresses)
        found: dict[int, int] = {}
        for article_id, stamp in zip(ids, stamps, strict=True):
            if article_id is not None:
                key = int(article_id)
                found[key] = -1 if key in found else int(stamp if stamp is not None else -1)
        return found

    def note_stamps(self) -> dict[str, int]:
        """note id -> stamp of every note document (notes are few: their stored keys)."""
        with _tantivy("reading the note stamps"):
            searcher = self._index.searcher()
            query = tantivy.Query.term_query(self._schema, "kind", fields.NOTE)
            hits = searcher.search(query, max(1, searcher.num_docs), count=False).hits
            addresses = [address for _, address in hits]
            stamps = searcher.fast_field_values("stamp", addresses)
            keys = [searcher.doc(address).get_first("key") for address in addresses]
        found: dict[str, int] = {}
        for key, stamp in zip(keys, stamps, strict=True):
            if isinstance(key, str) and key.startswith("n:"):
                note_id = key[2:]
                found[note_id] = -1 if note_id in found else int(stamp if stamp is not None else -1)
        return found

    def close(self, *, wait: bool = False) -> None:
        """Let go of the writer (and its lock) so another process may write.

        Args:
            wait: finish background segment merges first (a clean stop; may take seconds).
        """
        with self._lock:
            writer, self._writer = self._writer, None
        if wait and writer is not None:
            with contextlib.suppress(SearchIndexError), _tantivy("finishing merges"):
                writer.wait_merging_threads()


def read_ids(store: Store) -> frozenset[int]:
    """Ids of the articles marked read, for `is:read` / `is:unread`."""
    return store.read_ids()
