"""`reader check [PATH ...] [--repair] [--json]`: do the files, the library, the search index
and the notes agree? (see `reader.core.check`)

With PATHs, their files are compared with the library too; without, every library in the
data directory is checked for the rest (the files are not looked at). Exit status: 0 when
all agree (after the repair, with --repair), 1 when drift remains, 2 for a PATH that does
not exist.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.common import build_context, complain, resolve_roots, say

if TYPE_CHECKING:
    from reader.core.check import CheckReport, RepairOutcome


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader check",
        description="Compare the files on disk, the library, the search index and the notes, "
        "and say where they disagree (nothing is written). --repair fixes what is derived "
        "from the files and the notes, then checks again.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="library folders or files to compare with the library; without a PATH the files "
        "are not looked at, and every library in the data directory is checked for the rest",
    )
    parser.add_argument(
        "--repair",
        action="store_true",
        help="scan the PATHs, rebuild or mend the search index (and a damaged library.db), "
        "then check again",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--data-dir", metavar="DIR", help="where the library database lives")
    return parser


def run_check(args: argparse.Namespace) -> int:
    from reader.core.check import (
        NO_DISK,
        CheckReport,
        check,
        check_databases,
        repair_and_check,
    )
    from reader.core.schema import StoreError
    from reader.core.session import LibrarySession

    if args.paths:
        _, problems = resolve_roots(list(args.paths))
        if problems:
            for problem in problems:
                complain(problem)
            return 2
    context = build_context(args)
    for warning in context.warnings:
        complain(warning)
    roots = context.roots if args.paths else None
    databases = check_databases(context.data_dir)
    session = LibrarySession(roots or [], context.data_dir, context.settings)
    try:
        if databases:  # opening the store would rebuild or salvage: only a repair may
            before = CheckReport((*databases, *(() if roots is not None else (NO_DISK,))))
        else:
            notices = session.open()
            if not args.repair:  # a repair reports them among what it did
                for notice in notices:
                    complain(notice)
            before = check(session.store, None, roots, databases=databases)
        if not args.repair:
            _show(args, before, context.data_dir, roots)
            return 0 if before.agrees else 1
        outcome, after = repair_and_check(session, roots, databases)
    except StoreError as error:  # NotesError included
        complain(str(error))
        return 1
    finally:
        session.close()
    _show(args, after, context.data_dir, roots, before=before, actions=outcome)
    return 0 if after.agrees else 1


def _show(
    args: argparse.Namespace,
    report: CheckReport,
    data_dir: Path,
    roots: list[Path] | None,
    *,
    before: CheckReport | None = None,
    actions: RepairOutcome | None = None,
) -> None:
    from reader.core.check import report_dict

    if args.json:
        data = report_dict(report, before=before, outcome=actions, data_dir=data_dir, roots=roots)
        print(json.dumps(data, ensure_ascii=True, indent=2))
        return
    if before is not None:
        found = ", ".join(f.short or f.message for f in before.drift)
        say(f"before repair: {found}" if found else "before repair: nothing to repair")
    if actions is not None:
        for line in actions.lines():
            say(line)
    for line in report.lines():
        say(line)
