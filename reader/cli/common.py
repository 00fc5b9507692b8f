"""What every command needs: the library roots, the settings and the data directory, output
that survives any terminal, and a clean end when the command is interrupted or killed."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import os
import re
import select
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TextIO

from reader.core.config import Settings, load_settings
from reader.core.paths import DATA_DIR_ENV, data_dir, default_roots
from reader.core.sanitize import inert


@dataclass(frozen=True)
class Context:
    roots: list[Path]
    data_dir: Path
    settings: Settings
    warnings: list[str]


def resolve_roots(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The given paths that exist, absolute; messages for those that do not."""
    if not paths:
        return [root.resolve() for root in default_roots()], []
    roots: list[Path] = []
    problems: list[str] = []
    for path in paths:
        try:
            resolved = path.expanduser().resolve()
        except RuntimeError:  # Python 3.11-3.12 raise this for a symbolic link loop
            problems.append(f"a symbolic link that loops back on itself: {inert(str(path))}")
            continue
        except OSError as error:
            problems.append(f"cannot open {inert(str(path))}: {error.strerror or error}")
            continue
        if resolved.exists():
            if resolved not in roots:
                roots.append(resolved)
        else:
            problems.append(f"no such file or folder: {inert(str(path))}")
    return roots, problems


def data_dir_problem(override: str | None) -> str | None:
    """Why the data directory cannot be used, checked before anything opens or draws.

    A file given as the data directory (or as a folder above it) would otherwise fail deep
    inside SQLite or tantivy, or after the app has taken over the terminal.
    """
    folder = data_dir(override)
    for place in (folder, *folder.parents):
        if place.exists():
            if place.is_dir():
                return None
            source = "--data-dir" if override else f"${DATA_DIR_ENV}"
            what = "it is a file" if place == folder else f"{place} is a file"
            return f"the data directory {folder} is not a folder ({what}); give {source} a folder"
    return None


def build_context(args: argparse.Namespace) -> Context:
    roots, problems = resolve_roots(list(args.paths))
    settings, warnings = load_settings()
    return Context(roots, data_dir(args.data_dir), settings, problems + warnings)


def say(message: str) -> None:
    """Print a message that may hold file names: control characters made visible."""
    print(inert(message, limit=None))


def complain(message: str) -> None:
    print(f"reader: {inert(message, limit=None)}", file=sys.stderr)


# -- output that any terminal can take ---------------------------------------------------------


def speaks_utf8(stream: TextIO) -> bool:
    """Whether `stream` encodes every character (false under LANG=C with PYTHONUTF8=0)."""
    try:
        return codecs.lookup(stream.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return False


def tolerate_narrow_encodings() -> None:
    """Write what stdout's encoding cannot hold as backslash escapes instead of crashing.

    Under an ASCII locale a title such as "Café" raised UnicodeEncodeError at the first print.
    (stderr does this already.) UTF-8 streams are left as they are.
    """
    stream = sys.stdout
    if not speaks_utf8(stream):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[attr-defined]


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def ascii_json(text: str) -> str:
    """JSON text with every non-ASCII character written as a \\uXXXX escape, as
    `ensure_ascii` would: the same data, valid under any encoding. JSON is ASCII outside its
    strings, so only string contents change."""
    return _NON_ASCII.sub(lambda match: json.dumps(match.group())[1:-1], text)


# -- ending cleanly on a signal ------------------------------------------------------------------

EXIT_CODES = {signal.SIGINT: 130, signal.SIGHUP: 129, signal.SIGTERM: 143}
"""The shell's 128 + N for the signals that end a command: Ctrl-C, a closed terminal, `kill`."""


class Stopped(SystemExit):
    """SIGTERM or SIGHUP, raised in the main thread like Ctrl-C's KeyboardInterrupt, so every
    `finally` runs (the parse workers are stopped, the database closed). A SystemExit, so that
    even uncaught it ends the process quietly with the right status."""

    def __init__(self, signum: int) -> None:
        super().__init__(EXIT_CODES[signum])
        self.signum = signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into `Stopped` while the command runs.

    Killed by the default action, the process left no message, a status the shell showed as
    -15, and nothing of its cleanup done. A signal ignored when we started (`nohup`) stays
    ignored; after the first, the others are ignored so that the cleanup is not cut short.
    """

    def stop(signum: int, _frame: FrameType | None) -> None:
        for other in installed:
            signal.signal(other, signal.SIG_IGN)
        raise Stopped(signum)

    installed: dict[int, object] = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            with contextlib.suppress(ValueError):  # not the main thread (a test): no handler
                installed[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, previous in installed.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]


def stopped_message(signum: int) -> str:
    return "interrupted" if signum == signal.SIGINT else f"stopped ({signal.Signals(signum).name})"


def say_stopped(signum: int) -> int:
    """One line on why the command ended, if the terminal is still there; its exit status.

    After SIGHUP the terminal may be gone: every write to it fails (EIO)."""
    try:
        sys.stdout.flush()
        complain(stopped_message(signum))
        sys.stderr.flush()
    except (OSError, ValueError):
        _drop(sys.stdout, sys.stderr)
    return EXIT_CODES[signum]


PIPE_CLOSED = 141
"""128 + SIGPIPE: the status the shell shows for a command whose reader went away."""


def stdout_unread() -> bool:
    """Whether stdout is a pipe whose reader has gone (`reader search … | head`): then a
    BrokenPipeError is no error to report (it was a traceback), unlike one from a worker."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def output_closed() -> int:
    """End quietly when stdout's reader has gone; the rest of the output is dropped."""
    _drop(sys.stdout)
    return PIPE_CLOSED


def _drop(*streams: TextIO) -> None:
    """Point these streams' descriptors at the null device: whoever read them has gone, and
    what is still buffered would fail again when Python flushes it at exit (status 120)."""
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in streams:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            os.dup2(null, stream.fileno())
    os.close(null)
