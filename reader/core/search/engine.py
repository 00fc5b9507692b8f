"""The search index: a tantivy index under the data directory, derived from the store.

Why tantivy: on 100,000 articles SQLite FTS5 needs 120 ms for a common word and 870 ms for a
one-letter prefix, because it scores every matching row before it can return the best 50;
tantivy answers both within a frame (see benchmarks/bench_search.py).

The index holds nothing that cannot be made again from the store (and the notes), so any
trouble with it is answered by rebuilding it: a missing, damaged or older-version index is
wiped and rebuilt by `sync`; it is never a reason to fail. The version file is written only
after a complete build, so a build cut short is redone.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Collection, Sequence
from pathlib import Path

import tantivy

from reader.core.library import ArticleChanges
from reader.core.models import ArticleSummary
from reader.core.search import analysis, fields
from reader.core.search.compile import compile_query, scoped
from reader.core.search.directory import (
    INDEX_DIR,
    VERSION_FILE,
    being_written,
    delete,
    fresh_index,
    version,
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


class SearchIndex:
    """Full-text search over articles and notes. Open with `SearchIndex.open(data_dir)`."""

    def __init__(self, directory: Path, index: tantivy.Index, *, complete: bool) -> None:
        self.directory = directory
        self._index = index
        self._schema = index.schema
        self._complete = complete
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, data_dir: Path) -> SearchIndex:
        """Open the index in `data_dir`, or start an empty one if it is missing or unusable."""
        directory = Path(data_dir) / INDEX_DIR
        complete = version(directory) == fields.SCHEMA_VERSION
        try:
            index = tantivy.Index.open(str(directory))
            analysis.register(index)
            index.searcher()
            if complete or being_written(index):  # never wipe what another process builds
                return cls(directory, index, complete=complete)
        except (ValueError, OSError):
            pass  # missing or damaged: start again below
        return cls(directory, fresh_index(directory), complete=False)

    @property
    def needs_rebuild(self) -> bool:
        """True when the index is not a complete build (new, damaged, or another version).

        Notes are not in the store this module reads: whoever owns them re-adds them with
        `index_note` after `sync` or `rebuild` ran on an index that needed it.
        """
        return not self._complete

    # -- keeping in step with the store ---------------------------------------------------

    def sync(self, store: Store) -> bool:
        """Make the index match the store: rebuild if needed, else add and drop what differs
        (after an interrupted scan). Cheap when they agree. True if anything was indexed."""
        if self.needs_rebuild:
            self.rebuild(store)
            return True
        if self.count() == store.count():
            return False
        return self._reconcile(store)

    def rebuild(self, store: Store) -> int:
        """Index every article in the store afresh; return how many."""
        summaries = store.summaries()
        with self._lock:
            writer = self._writer_locked()
            delete(writer, "kind", fields.ARTICLE)
            self._add(writer, store, summaries)
            self._commit(writer)
            with contextlib.suppress(OSError):  # an index kept in memory has no directory
                (self.directory / VERSION_FILE).write_text(f"{fields.SCHEMA_VERSION}\n")
            self._complete = True
        return len(summaries)

    def apply(self, store: Store, changes: ArticleChanges, *, commit: bool = True) -> None:
        """Index what a scan batch changed (the scanner's `on_change`); one commit.

        Args:
            commit: False to leave the changes staged for a later `commit()` (see
                `IndexFollower`, which batches commits while a long scan runs).
        """
        changed = list(dict.fromkeys(changes.added + changes.changed))
        with self._lock:
            writer = self._writer_locked()
            for article_id in (*changes.removed, *changed):
                delete(writer, "key", fields.article_key(article_id))
            for start in range(0, len(changed), READ_CHUNK):
                self._add(writer, store, store.summaries_for(changed[start : start + READ_CHUNK]))
            if commit:
                self._commit(writer)

    def commit(self) -> None:
        """Make staged changes searchable."""
        with self._lock:
            self._commit(self._writer_locked())

    def index_note(
        self,
        note_id: int | str,
        article_id: int,
        text: str,
        *,
        article: ArticleSummary | None = None,
    ) -> None:
        """Add or replace a note (or highlight comment) on `article_id`.

        Args:
            article: the article's summary, so that the note can be found with `title:`,
                `in:`, `tag:` and date filters and shown with the article's title and path.
        """
        doc = fields.note_document(note_id, article_id, text, article)
        with self._lock:
            writer = self._writer_locked()
            delete(writer, "key", fields.note_key(note_id))
            writer.add_document(doc)
            self._commit(writer)

    def put_notes(
        self, notes: Sequence[tuple[int | str, tantivy.Document]], *, replace_all: bool = False
    ) -> None:
        """Add or replace many notes (`fields.note_document`s by note id) in one commit.

        Args:
            replace_all: these are every note there is; drop all others first.
        """
        with self._lock:
            writer = self._writer_locked()
            if replace_all:
                delete(writer, "kind", fields.NOTE)
            for note_id, doc in notes:
                if not replace_all:
                    delete(writer, "key", fields.note_key(note_id))
                writer.add_document(doc)
            self._commit(writer)

    def remove_note(self, note_id: int | str) -> None:
        with self._lock:
            writer = self._writer_locked()
            delete(writer, "key", fields.note_key(note_id))
            self._commit(writer)

    def _add(
        self, writer: tantivy.IndexWriter, store: Store, rows: Sequence[ArticleSummary]
    ) -> None:
        for summary in rows:
            writer.add_document(fields.article_document(summary, store.article_text(summary.id)))

    def _reconcile(self, store: Store) -> bool:
        indexed = set(self._article_ids())
        present = {summary.id: summary for summary in store.summaries()}
        missing = [present[i] for i in present.keys() - indexed]
        extra = indexed - present.keys()
        with self._lock:
            writer = self._writer_locked()
            for article_id in extra:
                delete(writer, "key", fields.article_key(article_id))
            self._add(writer, store, missing)
            self._commit(writer)
        return bool(missing or extra)

    def acquire_writer(self) -> None:
        """Take the index's write lock now (it is kept until `close`).

        Raises:
            IndexBusy: another process holds it (searching still works).
        """
        with self._lock:
            self._writer_locked()

    def _writer_locked(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self._index.writer(HEAP_BYTES, num_threads=WRITER_THREADS)
            except ValueError as error:
                if "LockBusy" in str(error):
                    raise IndexBusy("another reader is updating the search index") from None
                raise SearchIndexError(f"cannot write the search index: {error}") from None
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
        """The best `limit` matches of `query`, best first, with snippets. Never raises.

        Args:
            read_ids: ids of the articles read (the store's reading state), for `is:read`.
            typing: the query is being typed; its last word also matches as a prefix.
            roots: only articles at or below these (and notes on them), counted and ranked
                alone; None searches every library the data directory holds.
        """
        parsed = parse(query, typing=typing)
        compiled, ranked = compile_query(parsed, self._schema, read_ids)
        if compiled is None:
            return SearchResults(0, [], parsed.notes)
        if roots is not None:
            compiled = scoped(compiled, self._schema, roots)
        limit = max(1, min(limit, MAX_LIMIT))
        try:
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
        except (ValueError, OSError):
            self._complete = False  # damaged under us: the next sync rebuilds it
            return SearchResults(0, [], (*parsed.notes, "the search index needs rebuilding"))
        return SearchResults(found.count, results, parsed.notes)

    def count(self, kind: str = fields.ARTICLE) -> int:
        """How many documents of `kind` ("article" or "note") the index holds."""
        query = tantivy.Query.term_query(self._schema, "kind", kind)
        return int(self._index.searcher().search(query, 1, count=True).count)

    def _article_ids(self) -> list[int]:
        searcher = self._index.searcher()
        query = tantivy.Query.term_query(self._schema, "kind", fields.ARTICLE)
        hits = searcher.search(query, max(1, searcher.num_docs), count=False).hits
        values = searcher.fast_field_values("id", [address for _, address in hits])
        return [int(value) for value in values if value is not None]

    def close(self, *, wait: bool = False) -> None:
        """Let go of the writer (and its lock) so another process may write.

        Args:
            wait: finish background segment merges first (a clean stop; may take seconds).
        """
        with self._lock:
            writer, self._writer = self._writer, None
        if wait and writer is not None:
            writer.wait_merging_threads()


def read_ids(store: Store) -> frozenset[int]:
    """Ids of the articles marked read, for `is:read` / `is:unread`."""
    return store.read_ids()
