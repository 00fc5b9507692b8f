"""`reader search QUERY [PATH …]`: ranked full-text search for scripts and the shell.

The given paths are indexed (or brought up to date) first, so it works on a fresh data
directory, and only they are searched; with no path, every library the data directory holds
is searched (an empty one indexes the default folder first). Results go to stdout,
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

from reader.cli.common import build_context, complain, say, speaks_utf8
from reader.core.counts import plural
from reader.core.sanitize import inert

if TYPE_CHECKING:
    from reader.core.search import SearchResult

BOLD, PLAIN = "\033[1m", "\033[0m"
_JSON_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1 (`--limit 0` would show nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader search",
        usage="%(prog)s [-h] QUERY [PATH ...] [--limit N] [--json] [--data-dir DIR]",
        description="Search the library: ranked results with snippets. "
        'Query language: words, "a phrase", prefix*, -exclude, a OR b, title:, author:, '
        "tag:, in:FOLDER, is:read, is:unread, after:2024-01-01, before:2024-07.",
    )
    parser.add_argument(
        "query", metavar="QUERY", help="what to search for (quote it for the shell)"
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="search only these folders or files, brought up to date first; without a PATH, "
        "every library in the data directory is searched as last indexed",
    )
    parser.add_argument(
        "--limit", type=positive, default=20, metavar="N", help="results, at least 1 (default 20)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list of results")
    parser.add_argument("--data-dir", metavar="DIR", help="where the library database lives")
    return parser


def run(args: argparse.Namespace) -> int:
    from reader.core.session import LibrarySession
    from reader.core.store import StoreError

    context = build_context(args)
    for warning in context.warnings:
        complain(warning)
    if args.paths and not context.roots:
        complain("nothing to search")
        return 2
    session = LibrarySession(context.roots, context.data_dir, context.settings)
    try:
        try:
            for notice in session.open():
                complain(notice)
            # Without a path an empty library indexes the default folder, so that a first
            # `reader search` finds something; otherwise the files are not looked at.
            if args.paths or session.store.count() == 0:
                report, state = session.update()
                for notice in report.notices:
                    complain(notice)
            else:
                state = session.catch_up_search()
        except StoreError as error:
            complain(str(error))
            return 1
        if state.repaired:
            complain(f"{state.repaired}.")
        if state.problem:
            complain(f"{state.problem}; searching the index as it is")
        found = session.search(args.query, limit=args.limit, everywhere=not args.paths)
    finally:
        session.close()
    for note in found.notes:
        complain(note)
    if args.json:
        print(_as_json(found.results, ascii_only=not speaks_utf8(sys.stdout)))
    else:
        _print_results(found.total, found.results, bold=sys.stdout.isatty())
    return 0


def _as_json(results: list[SearchResult], *, ascii_only: bool = False) -> str:
    """The results as JSON; `ascii_only` (for an output that cannot encode UTF-8, such as an
    ASCII locale's) escapes every other character, so that the JSON stays valid."""
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
    text = json.dumps(rows, ensure_ascii=ascii_only, indent=2)
    # json.dumps escapes controls in strings; the newlines left are its indentation. Escaped,
    # not shown: other terminal controls, bidi overrides, lone surrogates (offsets unchanged).
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _print_results(total: int, results: list[SearchResult], *, bold: bool) -> None:
    if not results:
        say("no results")
        return
    counted = plural(total, "result")
    say(f"{len(results):,} of {counted}" if total > len(results) else counted)
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
