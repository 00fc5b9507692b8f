"""Full-text search: the query language, the tantivy index, snippets and hit finding.

index = SearchIndex.open(data_dir)
index.sync(store)                      # rebuild if needed (first run, new version, damage)
scan(store, roots, ..., on_change=lambda changes: index.apply(store, changes))
index.search("killers -movie tag:crime", read_ids=read_ids(store))
find_hits(query, document.text)        # highlights in the reading view, for n/N
find_in_text("Café", document.text)    # find in the open article (smart case)
"""

from reader.core.search.engine import (
    IndexBusy,
    SearchIndex,
    SearchIndexError,
    read_ids,
)
from reader.core.search.follow import IndexFollower
from reader.core.search.hits import Matcher, find_hits, find_in_text
from reader.core.search.query import Query, parse
from reader.core.search.results import SearchResult, SearchResults

__all__ = [
    "IndexBusy",
    "IndexFollower",
    "Matcher",
    "Query",
    "SearchIndex",
    "SearchIndexError",
    "SearchResult",
    "SearchResults",
    "find_hits",
    "find_in_text",
    "parse",
    "read_ids",
]
