"""`reader index`: build or update the library index and say what changed."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import build_context, complain, say
from reader.core.models import ScanProgress, ScanReport


def run_index(args: argparse.Namespace) -> int:
    from reader.core.library import scan
    from reader.core.store import Store, StoreError

    context = build_context(args)
    for warning in context.warnings:
        complain(warning)
    if not context.roots:
        complain("nothing to index")
        return 2
    try:
        store = Store.open(context.data_dir)
    except StoreError as error:
        complain(str(error))
        return 1
    for notice in store.notices:
        complain(notice)
    try:
        report = scan(
            store,
            context.roots,
            max_bytes=context.settings.max_file_bytes,
            progress=_progress_printer() if sys.stderr.isatty() else None,
        )
    finally:
        store.close()
    print_report(report)
    return 0


def _progress_printer():  # type: ignore[no-untyped-def]
    def show(progress: ScanProgress) -> None:
        print(
            f"\r{progress.phase}: {progress.done:,}/{progress.total:,}",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def print_report(report: ScanReport) -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    say(
        f"{report.articles:,} articles: {report.new:,} new, {report.changed:,} changed, "
        f"{report.moved:,} moved, {report.removed:,} removed, {report.unchanged:,} unchanged, "
        f"{len(report.skipped):,} skipped ({report.seconds:.2f} s)"
    )
    for skipped in report.skipped:
        say(f"  skipped {skipped.path}: {skipped.reason}")
