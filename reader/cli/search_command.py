"""`reader search QUERY [PATH …]`: ranked full-text search for scripts and the shell.

The given paths are indexed (or brought up to date) first, so it works on a fresh data
directory; with no path, an empty library indexes the default folder. Results go to stdout,
hits marked with `[` `]` (bold on a terminal); `--json` prints a list of objects whose hit
offsets point into their snippet. No results is not an error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.common import build_context, complain, say
from reader.core.sanitize import inert

if TYPE_CHECKING:
    from reader.core.search import SearchResult

BOLD, PLAIN = "\033[1m", "\033[0m"
_JSON_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader search",
        description="Search the library: ranked results with snippets. "
        'Query language: words, "a phrase", prefix*, -exclude, a OR b, title:, author:, '
        "tag:, in:FOLDER, is:read, is:unread, after:2024-01-01, before:2024-07.",
    )
    parser.add_argument("query", help="what to search for (quote it for the shell)")
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="folders or files to index first"
    )
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="results (default 20)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of results")
    parser.add_argument("--data-dir", metavar="DIR", help="where the library database lives")
    return parser


def run(args: argparse.Namespace) -> int:
    from reader.core.library import scan
    from reader.core.search import (
        IndexBusy,
        IndexFollower,
        SearchIndex,
        SearchIndexError,
        read_ids,
    )
    from reader.core.store import Store, StoreError

    context = build_context(args)
    for warning in context.warnings:
        complain(warning)
    try:
        store = Store.open(context.data_dir)
    except StoreError as error:
        complain(str(error))
        return 1
    index = SearchIndex.open(context.data_dir)
    try:
        try:
            index.acquire_writer()
            index.sync(store)
            if args.paths or store.count() == 0:
                with IndexFollower(index, store) as follow:
                    scan(
                        store,
                        context.roots,
                        max_bytes=context.settings.max_file_bytes,
                        on_change=follow,
                    )
        except IndexBusy as error:
            complain(f"{error}; searching the index as it is")
        except SearchIndexError as error:
            complain(str(error))
        found = index.search(args.query, limit=max(1, args.limit), read_ids=read_ids(store))
    finally:
        index.close()
        store.close()
    for note in found.notes:
        complain(note)
    if args.json:
        print(_as_json(found.results))
    else:
        _print_results(found.total, found.results, bold=sys.stdout.isatty())
    return 0


def _as_json(results: list[SearchResult]) -> str:
    rows = [
        {
            "path": os.fsdecode(result.path),
            "title": result.title,
            "score": round(result.score, 4),
            "snippet": result.snippet,
            "hits": [list(span) for span in result.spans],
            "kind": result.kind,
            "date": result.date.isoformat() if result.date else None,
        }
        for result in results
    ]
    text = json.dumps(rows, ensure_ascii=False, indent=2)
    # json.dumps escapes controls in strings; the newlines left are its indentation. Escaped,
    # not shown: other terminal controls, bidi overrides, lone surrogates (offsets unchanged).
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _print_results(total: int, results: list[SearchResult], *, bold: bool) -> None:
    if not results:
        say("no results")
        return
    shown = f"{len(results):,} of {total:,}" if total > len(results) else f"{total:,}"
    say(f"{shown} result{'s' if total != 1 else ''}")
    for rank, result in enumerate(results, 1):
        kind = " (note)" if result.kind == "note" else ""
        print(
            f"\n{rank}. {_marked(result.title, result.title_spans, bold)}{kind}"
            f"  [{result.score:.2f}]"
        )
        print(f"   {inert(os.fsdecode(result.path), limit=None)}")
        if result.snippet:
            print(f"   {_marked(result.snippet, result.spans, bold)}")


def _marked(text: str, spans: tuple[tuple[int, int], ...], bold: bool) -> str:
    """`text` made inert piece by piece, with its hits marked."""
    start_mark, end_mark = (BOLD, PLAIN) if bold else ("[", "]")
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        pieces += (inert(text[last:start]), start_mark, inert(text[start:end]), end_mark)
        last = end
    pieces.append(inert(text[last:]))
    return "".join(pieces)
