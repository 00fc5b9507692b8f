"""Command line: `reader [PATH …]` opens the app; `reader index` updates the library without it.

Heavy modules (Textual, loaders) are imported inside the commands that need them, so
`reader --version` and `reader --help` answer at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from reader import __version__

SUBCOMMANDS = ("index", "search", "notes", "check")

DESCRIPTION = """\
A keyboard-driven reader for a folder of articles (plain text, Markdown, HTML).

  reader [PATH ...]            open the app on these folders/files
                               (default: ./articles if present, else the samples)
  reader index [PATH ...]      build or update the library and its search index,
                               print what changed
  reader search QUERY [PATH ...] [--limit N] [--json]
                               ranked full-text search, for scripts (only PATHs given;
                               every library in the data directory when none is)
  reader notes export [--format markdown|json] [--output FILE] [PATH ...]
  reader notes import FILE     restore notes and highlights from a JSON export
  reader notes backup [--output FILE]
  reader check [PATH ...] [--repair] [--json]
                               compare the files, library, search index and notes;
                               --repair fixes what is derived, then checks again

Keys inside the app: press ? for help, ctrl+p for every command.
"""

Command = Callable[[argparse.Namespace], int]


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
        description="Build or update the library index and its search index without the UI, "
        "so that the next start has nothing to catch up on.",
    )
    _common(parser)
    return parser


def _parse(argv: list[str]) -> tuple[argparse.Namespace, Command]:
    """The arguments of whichever command `argv` names, and the function that runs it."""
    command, rest = (argv[0], argv[1:]) if argv and argv[0] in SUBCOMMANDS else (None, argv)
    if command == "index":
        from reader.cli.index_command import run_index

        return build_index_parser().parse_args(rest), run_index
    if command == "search":
        from reader.cli import search_command

        # Intermixed: `reader search whale --limit 3 PATH` keeps PATH a path.
        return search_command.build_parser().parse_intermixed_args(rest), search_command.run
    if command == "notes":
        from reader.cli import notes_command

        return notes_command.build_parser().parse_args(rest), notes_command.run
    if command == "check":
        from reader.cli import check_command

        # Intermixed: `reader check A --json B` keeps B a path.
        return check_command.build_parser().parse_intermixed_args(rest), check_command.run_check
    from reader.cli.app_command import run_app

    return build_parser().parse_args(rest), run_app


def _ensure_streams() -> None:
    """A closed stdout or stderr (`2>&-`, some service managers) is None in Python: every
    write would fail, so they go to the null device instead."""
    import os

    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the life of the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status.

    However it ends, it ends in a message, not a traceback: Ctrl-C (130), SIGHUP (129) and
    SIGTERM (143) unwind the command (stopping the parse workers) and say so in one line, as
    does a database problem (1); output piped into a reader that stops early (`| head`) ends
    quietly (141).
    """
    import signal

    from reader.cli.common import (
        Stopped,
        complain,
        data_dir_problem,
        output_closed,
        say_stopped,
        stdout_unread,
        stop_on_signals,
        tolerate_narrow_encodings,
    )

    _ensure_streams()
    tolerate_narrow_encodings()
    try:
        with stop_on_signals():
            args, run = _parse(list(sys.argv[1:] if argv is None else argv))
            if problem := data_dir_problem(args.data_dir):
                complain(problem)
                return 2
            return _run(run, args)
    except KeyboardInterrupt:
        return say_stopped(signal.SIGINT)
    except Stopped as stop:
        return say_stopped(stop.signum)
    except BrokenPipeError:
        if not stdout_unread():
            raise
        return output_closed()


def _run(run: Command, args: argparse.Namespace) -> int:
    """`run(args)`, with a database problem any command meets said in one line."""
    from reader.cli.common import complain
    from reader.core.schema import StoreError

    try:
        return run(args)
    except StoreError as error:
        complain(str(error))
        return 1


if __name__ == "__main__":
    sys.exit(main())
