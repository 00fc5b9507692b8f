"""`reader notes export|import|backup`: notes out of and into the database, without the UI.

Export and backup only read the database (they work on a read-only data directory); import
writes one transaction. Every message goes through `say`/`complain`, which make file names
and titles safe to print.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.common import ascii_json, complain, say, speaks_utf8
from reader.core.counts import plural
from reader.core.paths import data_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader notes", description="Export, import and back up notes and highlights."
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export", help="write notes and highlights as Markdown or JSON (stdout by default)"
    )
    export.add_argument("--format", choices=("markdown", "json"), default="markdown")
    export.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE")
    export.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="only articles at or below these"
    )
    restore = actions.add_parser("import", help="restore a JSON export without duplicating")
    restore.add_argument("file", type=Path, metavar="FILE")
    backup = actions.add_parser("backup", help="copy the whole database (SQLite backup API)")
    backup.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="default: DATA_DIR/backups/"
    )
    for sub in (export, restore, backup):
        sub.add_argument("--data-dir", metavar="DIR", help="where the library database lives")
    return parser


def run(args: argparse.Namespace) -> int:
    from reader.core.notes import NotesError
    from reader.core.schema import StoreError

    try:
        if args.action == "export":
            return _export(args)
        if args.action == "import":
            return _import(args)
        return _backup(args)
    except (NotesError, StoreError) as error:
        complain(str(error))
        return 1


def _export(args: argparse.Namespace) -> int:
    from reader.core.notes import NoNotes, NotesStore
    from reader.core.notes.export import render, select, write_export

    paths = [path.expanduser().resolve() for path in args.paths]
    try:
        store = NotesStore.open_readonly(data_dir(args.data_dir))
    except NoNotes as error:
        complain(str(error))
        items = []
    else:
        try:
            items = select(store.collect(include_deleted=args.format == "json"), paths)
            for warning in store.warnings:
                complain(warning)
        finally:
            store.close()
    if paths and not items:
        if not any(path.exists() for path in paths):  # a mistyped path is an error
            complain("no notes for " + ", ".join(str(path) for path in paths))
            return 1
        # A folder without notes yet: still a valid (empty) export, so backup scripts go on.
        complain("no notes yet for " + ", ".join(str(path) for path in paths))
    text = render(items, args.format)
    if args.output is None:
        if args.format == "json" and not speaks_utf8(sys.stdout):
            text = ascii_json(text)  # still valid JSON where the locale cannot encode UTF-8
        sys.stdout.write(text)
        return 0
    try:
        write_export(text, args.output)
    except OSError as error:
        complain(f"cannot write {args.output}: {error.strerror or error}; nothing was written")
        return 1
    say(f"exported notes of {plural(len(items), 'article')} to {args.output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from reader.core.notes import NotesStore, cleanup_stale_temporaries

    folder = data_dir(args.data_dir)
    store = NotesStore.open(folder)
    cleanup_stale_temporaries(folder)
    for notice in store.notices:
        complain(notice)
    try:
        report = store.import_json(args.file)
    finally:
        store.close()
    for line in report.summary():
        say(line)
    _make_searchable(folder)
    return 0


def _make_searchable(folder: Path) -> None:
    """Take the imported notes into the search index now (their outbox rows were written
    with them: if the index is busy in another reader, that one takes them in)."""
    from reader.core.config import Settings
    from reader.core.session import LibrarySession

    session = LibrarySession([], folder, Settings())
    try:
        session.replay_pending()
    finally:
        session.close()


def _backup(args: argparse.Namespace) -> int:
    from reader.core.notes import NotesStore, cleanup_stale_temporaries, default_backup_path

    folder = data_dir(args.data_dir)
    store = NotesStore.open_readonly(folder)
    try:
        target = args.output or default_backup_path(folder)
        cleanup_stale_temporaries(Path(target).parent)
        store.backup(target)
    except OSError as error:
        complain(f"cannot write the backup: {error}")
        return 1
    finally:
        store.close()
    say(f"backed up the database to {target}")
    return 0
