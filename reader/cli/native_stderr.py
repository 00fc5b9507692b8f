"""Keeping what native code prints to standard error off the app's screen.

Textual draws on standard error. tantivy (Rust) prints a panic's message, and its backtrace
when RUST_BACKTRACE is set, straight to file descriptor 2, across whatever Textual drew,
even though the app catches the panic and rebuilds the index. While the app runs,
descriptor 2 points at `reader.log` and Textual draws on a duplicate of the terminal, so
what native code prints is kept, out of sight, and the screen stays the app's.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def native_stderr_to(log: Path) -> Iterator[None]:
    """Descriptor 2 to `log` for the block, `sys.__stderr__` (Textual's screen) kept on the
    terminal. Nothing changes when standard error is not a terminal or the log cannot be
    opened: then nothing is drawn there, or nothing better can be done."""
    stream = sys.__stderr__
    if stream is None or not _is_terminal(stream):
        yield
        return
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log_fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError:
        yield
        return
    saved = os.dup(2)
    terminal = os.fdopen(
        os.dup(2), "w", encoding=stream.encoding, errors=stream.errors, buffering=1
    )
    old = sys.__stderr__, sys.stderr
    sys.__stderr__ = sys.stderr = terminal
    os.dup2(log_fd, 2)
    os.close(log_fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            terminal.flush()
        os.dup2(saved, 2)
        os.close(saved)
        sys.__stderr__, sys.stderr = old
        with contextlib.suppress(OSError):
            terminal.close()


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False
