"""The article list as data: which summaries are shown, in what order.

The list must stay instant at 100,000 articles, so the expensive work is done once per row and
once per sort order, never per keystroke:

- each row gets a folded *haystack* (title, author, tags: `reader.core.fold`, the fold search
  and find-in-article use too) when it arrives,
  so type-to-filter is one pass of substring checks, and a query that extends the previous one
  only re-checks the rows that already matched;
- each sort order is computed the first time it is asked for and then kept, updated in place by
  bisection as the indexer streams rows in (or dropped and recomputed when a big batch lands);
- `visible` is a view over row ids, so marking an article read never copies the list.

Nothing here imports textual: the widget draws what this module decides.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter
from typing import Any, overload

from reader.core.filter_scan import FirstMatches, OrderText, first_matches
from reader.core.fold import fold
from reader.core.models import ArticleSummary

BULK_RESORT = 2_000
"""Above this many new or moved rows, drop the cached orders instead of bisecting each row in."""

_DIGITS = re.compile(r"\d+")
_NUMBER_WIDTH = 20
_JOIN = "\0"  # joins many strings for one C-level pass; fold and the digit pattern keep it
_FIELD_SEPARATOR = "\n"  # query words never contain whitespace, so no match spans two fields
_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=dt.UTC)
_NEVER = float("-inf")

_sort_fields = attrgetter("title", "date", "last_read", "path")
"""What places a row in some order: a change here moves the row, any other change does not."""


class SortKey(StrEnum):
    """The orders the list offers; ties fall back to title, then to store id."""

    DATE = "date"
    """Newest first; undated articles last."""
    TITLE = "title"
    """Folded (`fold`: case, accents), natural ("Part 2" before "Part 10")."""
    RECENT = "recent"
    """Most recently read first; never-read articles last, newest first."""
    PATH = "path"
    """File path, natural order, so folders stay together."""


_fold_repeated = functools.lru_cache(maxsize=8_192)(fold)
"""Authors and tags repeat across thousands of rows: fold each distinct one once."""


def query_words(query: str) -> tuple[str, ...]:
    """The folded words of a filter query; every one must occur in a row to show it."""
    return tuple(fold(query).split())


def _fold_all(texts: list[str]) -> list[str]:
    """`fold` of each text, done as one C-level pass over them all joined by NUL."""
    joined = _JOIN.join(texts)
    if joined.count(_JOIN) != max(0, len(texts) - 1):  # a text holds NUL itself: one by one
        return [fold(text) for text in texts]
    return fold(joined).split(_JOIN) if texts else []


def _natural_all(folded: list[str]) -> list[str]:
    """Natural sort keys, one string each: digit runs zero-padded so numbers compare by value."""
    joined = _JOIN.join(folded)
    return _DIGITS.sub(_pad, joined).split(_JOIN) if folded else []


def _pad(match: re.Match[str]) -> str:
    return match.group().zfill(_NUMBER_WIDTH)


def _instant(moment: dt.datetime | None) -> float:
    """Seconds on one timeline for naive (taken as UTC) and aware datetimes; None is -inf."""
    if moment is None:
        return _NEVER
    return (moment - (_EPOCH_UTC if moment.utcoffset() is not None else _EPOCH)).total_seconds()


def _haystack(folded_title: str, summary: ArticleSummary) -> str:
    author_and_tags = map(_fold_repeated, (summary.author, *summary.tags))
    return _FIELD_SEPARATOR.join((folded_title, *author_and_tags))


def _matching(
    hays: Sequence[str], words: tuple[str, ...], positions: list[int] | None
) -> list[int]:
    """Positions whose haystack holds every word (only among `positions` when given)."""
    for word in sorted(words, key=len, reverse=True):  # longest is most selective
        if positions is None:
            positions = [index for index, hay in enumerate(hays) if word in hay]
        else:
            positions = [index for index in positions if word in hays[index]]
    return positions or []


@dataclass(frozen=True)
class FilterJob:
    """A query to match in a worker thread against a snapshot of the haystacks."""

    query: str
    words: tuple[str, ...]
    order: list[int] = field(repr=False)  # Textual's @work repr()s its arguments
    hay: dict[int, str] = field(repr=False)
    text: OrderText | None = field(repr=False)
    base: list[int] | None = field(repr=False)
    generation: int = 0

    def run(self) -> tuple[OrderText, list[int]] | None:
        """(haystacks in order, matching positions); None if the rows changed under it.

        A job without words (`ArticleListing.text_job`) only prepares the haystacks.
        """
        try:
            text = self.text or OrderText(list(map(self.hay.__getitem__, self.order)))
        except (KeyError, RuntimeError):  # rows changed in the loop's thread meanwhile
            return None
        positions = _matching(text.hays, self.words, self.base) if self.words else []
        text.prepare()  # so the next keystroke can show its first rows at once
        return text, positions


def _refines(new: tuple[str, ...], old: tuple[str, ...]) -> bool:
    """Whether every row matching `new` also matches `old`, so `new` can filter `old`'s result."""
    return bool(old) and all(any(word in longer for longer in new) for word in old)


class _Rows(Sequence[ArticleSummary]):
    """Rows of an order, optionally only at some positions, as summaries; never copies."""

    __slots__ = ("_order", "_positions", "_rows")

    def __init__(
        self, order: list[int], positions: list[int] | None, rows: dict[int, ArticleSummary]
    ) -> None:
        self._order = order
        self._positions = positions
        self._rows = rows

    def __len__(self) -> int:
        return len(self._order if self._positions is None else self._positions)

    @overload
    def __getitem__(self, index: int) -> ArticleSummary: ...
    @overload
    def __getitem__(self, index: slice) -> list[ArticleSummary]: ...
    def __getitem__(self, index: int | slice) -> ArticleSummary | list[ArticleSummary]:
        if isinstance(index, slice):
            return [self[position] for position in range(len(self))[index]]
        if self._positions is not None:
            return self._rows[self._order[self._positions[index]]]
        return self._rows[self._order[index]]


class ArticleListing:
    """Summaries sorted by `sort_key` and narrowed by `query`; `visible` is the result."""

    def __init__(self, summaries: Iterable[ArticleSummary] = ()) -> None:
        self._rows: dict[int, ArticleSummary] = {}
        self._hay: dict[int, str] = {}
        self._title_key: dict[int, str] = {}
        self._date_time: dict[int, float] = {}
        self._read_time: dict[int, float] = {}
        self._orders: dict[SortKey, list[int]] = {}
        self._order_text: OrderText | None = None
        """Haystacks of the current order, position by position, while a query needs them."""
        self._sort_key = SortKey.DATE
        self._reverse = False
        self._reversed: list[int] | None = None
        """The current order backwards, while `reverse` is on (a copy: O(n), made on demand)."""
        self._query = ""
        self._words: tuple[str, ...] = ()
        self._positions: list[int] | None = None
        """Ascending positions in the current order that match the query; None when all do."""
        self._partial = False
        """True while `_positions` holds only a query's first matches (`show_first`)."""
        self._generation = 0
        self._allowed: frozenset[int] | None = None
        """Bumped whenever rows, order or query change: a worker's stale result is refused."""
        self.set_all(summaries)

    # -- reading ------------------------------------------------------------------------------

    @property
    def visible(self) -> Sequence[ArticleSummary]:
        """The rows shown, sorted and filtered; take it afresh after each change."""
        return _Rows(self._order(), self._positions, self._rows)

    @property
    def counting(self) -> bool:
        """True while only the first matches of a query are known (the rest are on the way)."""
        return self._partial

    @property
    def total(self) -> int:
        """How many articles there are, filtered or not."""
        return len(self._rows)

    def get(self, article_id: int) -> ArticleSummary | None:
        return self._rows.get(article_id)

    def index_of(self, article_id: int) -> int | None:
        """The row of `article_id` in `visible`, or None when it is filtered out or unknown."""
        if article_id not in self._rows:
            return None
        position = self._order().index(article_id)
        if self._positions is None:
            return position
        index = bisect.bisect_left(self._positions, position)
        found = index < len(self._positions) and self._positions[index] == position
        return index if found else None

    # -- sorting and filtering ----------------------------------------------------------------

    @property
    def sort_key(self) -> SortKey:
        return self._sort_key

    @sort_key.setter
    def sort_key(self, key: SortKey) -> None:
        key = SortKey(key)
        if key != self._sort_key:
            self._sort_key = key
            self._refilter()

    @property
    def reverse(self) -> bool:
        """The current order backwards: oldest first, Z to A, least recently read first."""
        return self._reverse

    @reverse.setter
    def reverse(self, reverse: bool) -> None:
        if reverse != self._reverse:
            self._reverse = reverse
            self._refilter()

    @property
    def query(self) -> str:
        return self._query

    @query.setter
    def query(self, query: str) -> None:
        words = query_words(query)
        self._query = query
        if words == self._words:
            return
        # A query that extends the previous one can only drop rows: check the survivors only.
        refines = not self._partial and _refines(words, self._words)
        base = self._positions if refines else None
        self._words = words
        self._generation += 1
        self._positions, self._partial = self._filter(base), False

    def _filter(self, positions: list[int] | None) -> list[int] | None:
        """Positions in the current order whose haystack holds every query word."""
        if positions is None:
            positions = self._allowed_positions()
        if not self._words:
            return positions
        return _matching(self._current_text().hays, self._words, positions)

    def _allowed_positions(self) -> list[int] | None:
        if self._allowed is None:
            return None
        allowed = self._allowed
        return [index for index, row_id in enumerate(self._order()) if row_id in allowed]

    @property
    def restricted(self) -> bool:
        return self._allowed is not None

    def restrict_to(self, ids: Collection[int] | None) -> None:
        """Show only these articles (a saved search, like a folder); None shows all again."""
        self._allowed = None if ids is None else frozenset(ids)
        self._refilter()

    def _current_text(self) -> OrderText:
        """Haystacks in the current order; a new object after every change, never mutated."""
        if self._order_text is None:
            self._order_text = OrderText(list(map(self._hay.__getitem__, self._order())))
        return self._order_text

    def prepare_filtering(self) -> None:
        """Build what instant filtering needs (~0.1 s at 100,000 rows): call it in a worker."""
        self._current_text().prepare()

    def _refilter(self) -> None:
        """Filter from scratch: the order changed under the current result."""
        self._generation += 1
        self._order_text = None
        self._reversed = None
        self._positions, self._partial = self._filter(None), False

    # -- filtering off the event loop -----------------------------------------------------------

    def start_query(self, query: str) -> FilterJob | None:
        """Prepare `query` to be matched in a worker thread (`FilterJob.run`).

        Returns None when the query took effect at once (cleared, or the same words).
        """
        words = query_words(query)
        if not words or words == self._words:
            self.query = query
            return None
        refines = not self._partial and _refines(words, self._words)
        base = self._positions if refines else self._allowed_positions()
        order = self._order()
        text = self._order_text
        return FilterJob(query, words, list(order), self._hay, text, base, self._generation)

    @property
    def filtering_ready(self) -> bool:
        """Whether a query's first rows can be found at once (see `text_job`)."""
        text = self._order_text
        return text is not None and text.joined is not None

    def text_job(self) -> FilterJob | None:
        """A job that prepares instant filtering for the current order; None when it is ready."""
        if self.filtering_ready:
            return None
        text = self._order_text
        return FilterJob("", (), list(self._order()), self._hay, text, None, self._generation)

    def adopt_text(self, job: FilterJob, result: tuple[OrderText, list[int]] | None) -> None:
        """Keep what `text_job` prepared, unless the rows or their order changed meanwhile."""
        if result is not None and job.generation == self._generation:
            self._order_text = result[0]

    def show_first(self, job: FilterJob, keep_id: int | None, more: int) -> bool | None:
        """Show `job`'s first matches now, found in a few milliseconds, if they can be.

        The matches cover the article `keep_id` (when it matches, so the cursor can stay on it)
        and `more` rows after it. Returns None when that could not be done in time (wait for
        the worker), False when only the first matches are shown (`counting` until the worker's
        `finish_query`), True when the scan found every match and the query is complete.
        """
        text = self._order_text
        if text is None or job.generation != self._generation:
            return None
        order = self._order()
        through = -1
        if keep_id is not None and self._matches(keep_id, job.words):
            through = order.index(keep_id)
        found = first_matches(
            text, job.words, through=through, more=more, order=order, allowed=self._allowed
        )
        if found is None:
            return None
        self._adopt(job, found)
        return found.complete

    def _adopt(self, job: FilterJob, found: FirstMatches) -> None:
        if found.complete:
            self._generation += 1
            self._query, self._words = job.query, job.words
        self._positions, self._partial = found.positions, not found.complete

    def _matches(self, row_id: int, words: tuple[str, ...]) -> bool:
        hay = self._hay.get(row_id)
        allowed = self._allowed is None or row_id in self._allowed
        return hay is not None and allowed and all(word in hay for word in words)

    def finish_query(self, job: FilterJob, result: tuple[OrderText, list[int]] | None) -> bool:
        """Adopt a worker's result; False when the rows changed meanwhile (run it again)."""
        if result is None or job.generation != self._generation:
            return False
        self._generation += 1
        self._order_text, positions = result
        self._query, self._words, self._positions = job.query, job.words, positions
        self._partial = False
        return True

    def _order(self, key: SortKey | None = None) -> list[int]:
        """Row ids in an order (the current one, reversed if asked, by default), sorted the
        first time it is used."""
        current = key is None
        key = key or self._sort_key
        if key not in self._orders:
            self._orders[key] = self._sorted(key)
        if current and self._reverse:
            if self._reversed is None:
                self._reversed = self._orders[key][::-1]
            return self._reversed
        return self._orders[key]

    def _sorted(self, key: SortKey) -> list[int]:
        """A full sort: stable passes from the tie-breaker up, each a cheap one-value key."""
        rows = self._rows
        if key is SortKey.PATH:  # like TITLE: ids, then a stable sort on one string
            ids = sorted(rows)
            paths = _natural_all(_fold_all([str(rows[row_id].path) for row_id in ids]))
            return sorted(ids, key=dict(zip(ids, paths, strict=True)).__getitem__)
        if key is SortKey.TITLE:  # ids first, then a stable sort on one string: ties by id
            return sorted(sorted(rows), key=self._title_key.__getitem__)
        if key is SortKey.DATE:
            return self._newest_first(self._order(SortKey.TITLE), self._date_time)
        return self._newest_first(self._order(SortKey.DATE), self._read_time)

    def _newest_first(self, order: list[int], times: dict[int, float]) -> list[int]:
        """`order` stably re-sorted by a time, newest first (undated rows are -inf, so last)."""
        return sorted(order, key=times.__getitem__, reverse=True)

    def _bisect_key(self, key: SortKey) -> Callable[[int], tuple[Any, ...]]:
        """One total key per order, for bisecting single rows in; agrees with `_sorted`."""
        title_key, date_time, read_time = self._title_key, self._date_time, self._read_time

        def by_title(row_id: int) -> tuple[Any, ...]:
            return (title_key[row_id], row_id)

        if key is SortKey.PATH:
            return lambda row_id: (self._path_key(row_id), row_id)
        if key is SortKey.TITLE:
            return by_title
        if key is SortKey.DATE:
            return lambda row_id: (-date_time[row_id], *by_title(row_id))
        return lambda row_id: (-read_time[row_id], -date_time[row_id], *by_title(row_id))

    def _path_key(self, row_id: int) -> str:
        return _natural_all([fold(str(self._rows[row_id].path))])[0]

    # -- changing -----------------------------------------------------------------------------

    def set_all(self, summaries: Iterable[ArticleSummary]) -> None:
        """Replace every row (the store's first answer)."""
        self._rows, self._hay, self._title_key, self._orders = {}, {}, {}, {}
        self._date_time, self._read_time = {}, {}
        self._store({summary.id: summary for summary in summaries})
        self._refilter()

    def upsert(self, summaries: Iterable[ArticleSummary]) -> None:
        """Add new rows and replace changed ones (matched by id), keeping every order sorted."""
        latest = {summary.id: summary for summary in summaries}
        placed: list[int] = []  # new rows and rows whose sort fields changed
        moved: set[int] = set()  # of those, the ones already in the cached orders
        for summary in latest.values():
            old = self._rows.get(summary.id)
            if old is None or _sort_fields(old) != _sort_fields(summary):
                placed.append(summary.id)
                if old is not None:
                    moved.add(summary.id)
        self._store(latest)
        if len(placed) > BULK_RESORT:
            self._orders.clear()  # one sort later beats thousands of bisections now
        elif placed:
            self._unplace(moved)
            self._place(placed)
        self._refilter()

    def remove(self, ids: Iterable[int]) -> None:
        """Forget rows (deleted files); unknown ids are ignored."""
        gone = {row_id for row_id in ids if row_id in self._rows}
        if not gone:
            return
        self._unplace(gone)
        for row_id in gone:
            del self._rows[row_id], self._hay[row_id], self._title_key[row_id]
            del self._date_time[row_id], self._read_time[row_id]
        self._refilter()

    def update_state(
        self,
        article_id: int,
        *,
        read: bool | None = None,
        last_read: dt.datetime | None = None,
        position: int | None = None,
        has_notes: bool | None = None,
    ) -> ArticleSummary | None:
        """Record reading state on one row; None leaves a field as it was.

        Returns:
            The updated summary, or None when the id is unknown.
        """
        old = self._rows.get(article_id)
        if old is None:
            return None
        fields = {
            "read": read,
            "last_read": last_read,
            "position": position,
            "has_notes": has_notes,
        }
        changes = {name: value for name, value in fields.items() if value is not None}
        new = dataclasses.replace(old, **changes)
        if new.last_read != old.last_read:
            self.upsert([new])  # only the recent order moves, but upsert keeps it simple
        else:
            self._rows[article_id] = new
        return new

    def _store(self, latest: dict[int, ArticleSummary]) -> None:
        """Keep rows with what sorting and filtering need, folding all titles in one pass."""
        summaries = list(latest.values())
        titles = _fold_all([summary.title for summary in summaries])
        self._rows.update(latest)
        self._hay.update(zip(latest, map(_haystack, titles, summaries), strict=True))
        self._title_key.update(zip(latest, _natural_all(titles), strict=True))
        dates = map(_instant, map(attrgetter("date"), summaries))
        self._date_time.update(zip(latest, dates, strict=True))
        read_times = map(_instant, map(attrgetter("last_read"), summaries))
        self._read_time.update(zip(latest, read_times, strict=True))

    def _place(self, ids: list[int]) -> None:
        """Bisect rows into every cached order."""
        for key, order in self._orders.items():
            key_function = self._bisect_key(key)
            for row_id in ids:
                bisect.insort(order, row_id, key=key_function)

    def _unplace(self, ids: set[int]) -> None:
        if not ids:
            return
        for key, order in self._orders.items():
            if len(ids) == 1:
                order.remove(next(iter(ids)))
            else:
                self._orders[key] = [row_id for row_id in order if row_id not in ids]
