"""Thread workers that can fail without ending the app.

Textual ends the app when a worker raises (its `exit_on_error` defaults to True). A reader must
keep going with what it has: a position that could not be saved, or an index that could not be
opened, is worth a message, never the loss of the screen (and of a note being typed). Every
worker of the UI is declared with `background`, which runs the method in a thread and hands any
failure to one place, `WorkerFailures`, that logs the details to a file in the data directory
and tells the user in one short line.
"""

from __future__ import annotations

import functools
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from textual import work
from textual.dom import DOMNode

from reader.core.sanitize import inert

LOG_NAME = "reader.log"
"""The log of failures, in the data directory: the message the user sees names it."""
MAX_LOG_BYTES = 1_000_000
"""Past this size the log starts over (the previous one is kept as reader.log.1)."""

Method = TypeVar("Method", bound=Callable[..., Any])


def _is_fatal(error: BaseException) -> bool:
    """Interrupts and exits still end the app; everything else (tantivy panics included,
    which are BaseExceptions) is a failure of one task."""
    return isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit)


def background(
    doing: str, *, group: str = "default", exclusive: bool = False
) -> Callable[[Method], Method]:
    """Run the decorated method in a thread worker; a failure is reported, never fatal.

    Args:
        doing: what the worker does, as the user would say it ("saving your reading
            position"): the message reads "Something went wrong while <doing>".
        group: the Textual worker group (with `exclusive`, a new run cancels the last).
        exclusive: cancel the group's running workers when this one starts.
    """

    def decorate(method: Method) -> Method:
        @functools.wraps(method)
        def guarded(node: DOMNode, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(node, *args, **kwargs)
            except BaseException as error:
                if _is_fatal(error):
                    raise
                report_failure(node, doing, error)
                return None

        worker = work(guarded, thread=True, group=group, exclusive=exclusive, exit_on_error=False)
        return cast(Method, worker)

    return decorate


def report_failure(node: DOMNode, doing: str, error: BaseException) -> None:
    """Log `error` and tell the user, from any thread; never raises."""
    try:
        app = node.app
    except Exception:  # the node is gone (the app is closing): nothing to tell
        return
    failures = getattr(app, "worker_failures", None)
    if isinstance(failures, WorkerFailures):
        failures.report(doing, error)


class WorkerFailures:
    """Writes failures to the log file and shows each as a short notification."""

    def __init__(self, log_dir: Callable[[], Path], notify: Callable[[str], None]) -> None:
        """
        Args:
            log_dir: the folder of the log (called on first failure: the data directory).
            notify: shows one line to the user; called from the failing thread, so it must
                be thread-safe (Textual's `App.notify` is).
        """
        self._log_dir = log_dir
        self._notify = notify
        self._lock = threading.Lock()
        self.count = 0
        """Failures reported so far (the tests read the screen; this is for the log line)."""

    def report(self, doing: str, error: BaseException) -> None:
        """Log `error`, then tell the user; never raises (it runs in a failing worker)."""
        with self._lock:
            self.count += 1
            where = self._write(doing, error)
        try:
            reason = inert(f"{type(error).__name__}: {error}".strip().rstrip(":"), limit=200)
            detail = f"Details are in {where}." if where else "The details could not be logged."
            self._notify(f"Something went wrong while {doing} ({reason}). {detail}")
        except Exception:  # the app is closing: the log has it
            return

    def _write(self, doing: str, error: BaseException) -> Path | None:
        try:
            folder = self._log_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_NAME
            if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
                path.replace(folder / f"{LOG_NAME}.1")
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            lines = traceback.format_exception(type(error), error, error.__traceback__)
            with path.open("a", encoding="utf-8", errors="replace") as log:
                log.write(f"{stamp} while {doing}:\n{''.join(lines)}\n")
            return path
        except Exception:  # a read-only or full data dir: the message still shows
            return None
