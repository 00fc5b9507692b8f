"""Command line: `reader [PATH …]` opens the app; `reader index` updates the library without it.

Heavy modules (Textual, loaders) are imported inside the commands that need them, so
`reader --version` and `reader --help` answer at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from reader import __version__

SUBCOMMANDS = ("index", "search", "notes")

DESCRIPTION = """\
A keyboard-driven reader for a folder of articles (plain text, Markdown, HTML).

  reader [PATH ...]            open the app on these folders/files
                               (default: ./articles if present, else the samples)
  reader index [PATH ...]      build or update the library index, print what changed
  reader search QUERY [PATH ...] [--limit N] [--json]
                               ranked full-text search, for scripts
  reader notes export [--format markdown|json] [--output FILE] [PATH ...]
  reader notes import FILE     restore notes and highlights from a JSON export
  reader notes backup [--output FILE]

Keys inside the app: press ? for help, ctrl+p for every command.
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="folders or files")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the library database lives (default: $READER_DATA_DIR or the platform's "
        "user data directory)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    _common(parser)
    return parser


def build_index_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader index",
        description="Build or update the library index without the UI.",
    )
    _common(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        command, rest = args_list[0], args_list[1:]
        if command == "index":
            from reader.cli.index_command import run_index

            return run_index(build_index_parser().parse_args(rest))
        if command == "search":
            from reader.cli import search_command

            return search_command.run(search_command.build_parser().parse_args(rest))
        if command == "notes":
            from reader.cli import notes_command

            return notes_command.run(notes_command.build_parser().parse_args(rest))
    args = build_parser().parse_args(args_list)
    from reader.cli.app_command import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
