"""`reader index`: bring the library and its search index up to date, and say what changed.

The search index is brought up to date here too (articles as the scan writes them, then the
notes), so that the app's next start finds it complete: after `reader index` of 100,000
articles it would otherwise spend most of a minute making them searchable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from reader.cli.common import build_context, complain, say
from reader.core.counts import plural
from reader.core.models import ScanProgress, ScanReport
from reader.core.scan_lock import WAITING
from reader.core.search.upkeep import IndexState


def run_index(args: argparse.Namespace) -> int:
    from reader.core.session import LibrarySession
    from reader.core.store import StoreError

    context = build_context(args)
    for warning in context.warnings:
        complain(warning)
    if not context.roots:
        complain("nothing to index")
        return 2
    session = LibrarySession(context.roots, context.data_dir, context.settings)
    try:
        for notice in session.open():
            complain(notice)
        report, state = session.update(
            progress=_telling_waits(_progress_printer() if sys.stderr.isatty() else None)
        )
    except StoreError as error:
        complain(str(error))
        return 1
    finally:
        session.close()
    print_report(report)
    if state.repaired:
        complain(f"{state.repaired}.")
    say(search_line(state))
    return 0


def _telling_waits(
    show: Callable[[ScanProgress], None] | None,
) -> Callable[[ScanProgress], None]:
    """Progress for the terminal (if any); waiting for another indexer is always said."""

    def progress(update: ScanProgress) -> None:
        if update.phase == WAITING:
            complain(f"{WAITING}; this one goes on when it is done")
        elif show is not None:
            show(update)

    return progress


def _progress_printer() -> Callable[[ScanProgress], None]:
    """Progress on the terminal; nothing more once the terminal has gone.

    A closed terminal fails every write (EIO), and a failed progress line ended the scan with
    an OSError before its SIGHUP could end it cleanly (status 129)."""
    gone = False

    def show(progress: ScanProgress) -> None:
        nonlocal gone
        if gone:
            return
        try:
            print(
                f"\r\033[K{progress.phase}: {progress.done:,}/{progress.total:,}",
                end="",
                file=sys.stderr,
                flush=True,
            )
        except OSError:
            gone = True

    return show


def print_report(report: ScanReport) -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    for notice in report.notices:
        complain(notice)
    say(
        f"{plural(report.articles, 'article')}: {report.new:,} new, {report.changed:,} changed, "
        f"{report.moved:,} moved, {report.removed:,} removed, {report.unchanged:,} unchanged, "
        f"{len(report.skipped):,} skipped "
        f"({report.seconds:.2f} s)"
    )
    for skipped in report.skipped:
        say(f"  skipped {skipped.path}: {skipped.reason}")


def search_line(state: IndexState) -> str:
    """One line on the search index: what it holds, or why it was not updated."""
    if state.problem:
        return f"search index not updated: {state.problem}"
    held = f"{plural(state.articles, 'article')} and {plural(state.notes, 'note')}"
    how = "built" if state.rebuilt else "up to date"
    return f"search index {how}: {held} searchable (every library in the data directory)"
