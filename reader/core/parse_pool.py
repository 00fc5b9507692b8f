"""Worker processes that parse files for a scan, and give up on any file that takes too long.

Parsing is CPU-bound, so a scan parses in processes. This pool is ours rather than
`ProcessPoolExecutor` for two reasons the executor cannot meet:

- A guard per file. Each worker reports every file as it finishes; a worker that spends more
  than `FILE_TIMEOUT` seconds on one file is killed and replaced, the file is skipped ("took
  too long to read"), and the rest of its chunk goes on in the new worker. A pathological file
  costs a few seconds, never the scan.
- Starting under Textual. Textual replaces `sys.stderr` with an object whose `fileno()` is -1,
  and multiprocessing hands that number to the resource tracker it starts with the first
  process: `ValueError: bad value(s) in fds_to_keep`. Processes are started while `sys.stderr`
  is a real (null) file, and workers send their own output to the null device so nothing they
  print can draw across the app's screen.

Workers come from the forkserver (forking a process whose UI threads hold locks can deadlock
the child), which imports the loaders once so a replaced worker starts in milliseconds. When
workers cannot be started, `PoolUnavailable` is raised and the scan parses the rest in-process.

No process outlives the scan's, even one killed with SIGKILL in the middle of a file that takes
a minute to parse (see `_die_with_the_scan`): the worker, the forkserver and the resource
tracker are gone within milliseconds, not when the file is done.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import selectors
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

FILE_TIMEOUT = 8.0
"""Seconds one file may keep a worker busy before the file is skipped and the worker replaced."""
TOO_SLOW = "took too long to read"
CRASHED = "could not be read (the parser process ended)"
IN_FLIGHT = 2
"""Chunks sent ahead to each worker."""
MAX_RESTARTS = 20
"""Workers replaced in one scan before the pool is given up on (something is wrong with it)."""

Item = TypeVar("Item")
_start_lock = threading.Lock()


class PoolUnavailable(Exception):
    """Worker processes could not be started, or kept dying; parse in-process instead."""


@contextlib.contextmanager
def _real_stderr() -> Iterator[None]:
    """`sys.stderr` as a file with a real descriptor while a process starts (see the module)."""
    saved = sys.stderr
    try:
        valid = saved is not None and saved.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        valid = False
    if valid:
        yield
        return
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            yield
        finally:
            sys.stderr = saved


@contextlib.contextmanager
def _deaf_to_the_terminal() -> Iterator[None]:
    """Processes started here inherit SIGINT and SIGHUP blocked (a mask survives fork and exec).

    Ctrl-C and a closed terminal signal the whole process group. The forkserver and the
    resource tracker, started with the first worker, would die of SIGHUP before the scan had
    heard of it, and the workers with the forkserver (see `_die_with_the_scan`): the files
    they were parsing recorded as crashing their parser, and kept as skipped. The scan's own
    process decides what the signal means and stops its workers; the helpers end with it.
    """
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGHUP})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _silence() -> None:
    """Point this worker's stdout and stderr at the null device: the terminal is the app's."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    os.close(null)


_PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>: the signal this process gets when its parent ends."""


def _die_with_the_scan() -> None:
    """Make this worker end when the process running the scan ends, however it ends.

    The worker's parent is the forkserver, and every process the forkserver starts inherits
    the write end of its "alive" pipe, which the forkserver waits on to know its clients are
    gone. A worker busy on a slow file kept that pipe open, so a scan killed mid-file left the
    worker, the forkserver and the resource tracker running until the file was done (a
    minute, for some saved pages), holding the terminal's output pipe open all that time.

    So the worker closes its copy (it starts no processes): the scan's own copy closes when it
    ends, and the forkserver exits at once. The kernel then kills the worker as its parent
    goes (PR_SET_PDEATHSIG, even in the middle of C code that holds the GIL); where that is not
    available, a thread notices the new parent within half a second. With both gone, the
    resource tracker sees the end of its pipe and exits too.
    """
    from multiprocessing import forkserver

    parent = os.getppid()
    armed = False
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None
    if os.getppid() != parent:  # the forkserver ended before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Exit once this process has a new parent: the old one (the forkserver) has ended."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _worker_main(conn: Connection, load: Callable[[bytes, int], Any], max_bytes: int) -> None:
    """Parse the paths of each task, sending every file's result as soon as it is ready.

    SIGINT and SIGHUP are ignored, as well as blocked, in case the forkserver was started by
    other code (see `_deaf_to_the_terminal`)."""
    _die_with_the_scan()
    for terminal_signal in (signal.SIGINT, signal.SIGHUP):
        signal.signal(terminal_signal, signal.SIG_IGN)
    _silence()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the scan is gone: so are we
            return
        if task is None:
            return
        task_id, start, paths = task
        for offset, path in enumerate(paths):
            try:
                conn.send((task_id, start + offset, load(path, max_bytes)))
            except (BrokenPipeError, OSError):
                return


@dataclass
class _Task(Generic[Item]):
    """One chunk of files, with its results so far (a replaced worker resumes at `next`)."""

    task_id: int
    items: list[Item]
    paths: list[bytes]
    results: list[Any] = field(default_factory=list)

    @property
    def next(self) -> int:
        return len(self.results)

    @property
    def done(self) -> bool:
        return len(self.results) == len(self.items)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    tasks: deque[_Task[Any]] = field(default_factory=deque)
    """Sent and not finished, in the order the worker takes them: the first is under way."""
    since: float = 0.0
    """When the worker began its current file (its last result, or its first task's start)."""

    @property
    def task(self) -> _Task[Any] | None:
        return self.tasks[0] if self.tasks else None


class ParsePool(Generic[Item]):
    """`workers` processes running `load(path, max_bytes)`; see the module docstring."""

    def __init__(
        self,
        load: Callable[[bytes, int], Any],
        max_bytes: int,
        workers: int,
        *,
        timeout: float = FILE_TIMEOUT,
        preload: tuple[str, ...] = (),
    ) -> None:
        self._load = load
        self._max_bytes = max_bytes
        self._size = max(1, workers)
        self._timeout = timeout
        self._context = multiprocessing.get_context("forkserver")
        if preload:
            self._context.set_forkserver_preload(list(preload))
        self._workers: list[_Worker] = []
        self._selector = selectors.DefaultSelector()
        self._restarts = 0

    def _start_worker(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker_main, args=(child, self._load, self._max_bytes), daemon=True
        )
        try:
            with _start_lock, _real_stderr(), _deaf_to_the_terminal():
                process.start()
        except Exception as error:  # no fork, no forkserver, a full process table…
            parent.close()
            child.close()
            raise PoolUnavailable(str(error) or type(error).__name__) from error
        child.close()
        worker = _Worker(process, parent)
        self._selector.register(parent.fileno(), selectors.EVENT_READ, worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        """A fresh worker in place of `worker`, taking up its unfinished tasks."""
        self._restarts += 1
        self._unregister(worker)
        self._stop(worker, kill=True)
        self._workers.remove(worker)
        if self._restarts > MAX_RESTARTS:
            self._orphans.extend(worker.tasks)
            raise PoolUnavailable(f"{self._restarts} parser processes ended early")
        fresh = self._start_worker()
        self._workers.append(fresh)
        for task in worker.tasks:
            if not task.done:
                self._assign(fresh, task)
        return fresh

    def _assign(self, worker: _Worker, task: _Task[Any]) -> None:
        if not worker.tasks:
            worker.since = time.monotonic()
        worker.tasks.append(task)
        worker.conn.send((task.task_id, task.next, task.paths[task.next :]))

    def run(
        self, chunks: deque[list[Item]], path_of: Callable[[Item], bytes]
    ) -> Iterator[list[tuple[Item, Any]]]:
        """Results chunk by chunk, as each chunk completes. Chunks are taken from the left
        of `chunks`; on `PoolUnavailable` the ones not finished are put back in front.

        Each worker has `IN_FLIGHT` chunks sent to it, so it never waits for the next one
        while this process writes a batch to the database."""
        serial = 0
        self._orphans: list[_Task[Item]] = []
        try:
            while len(self._workers) < self._size:
                self._workers.append(self._start_worker())
            while chunks or any(w.tasks for w in self._workers):
                for worker in self._workers:
                    while chunks and len(worker.tasks) < IN_FLIGHT:
                        items = chunks.popleft()
                        serial += 1
                        self._assign(worker, _Task(serial, items, [path_of(i) for i in items]))
                yield from self._collect()
        except PoolUnavailable:
            unfinished = [t for w in self._workers for t in w.tasks] + self._orphans
            for task in sorted(unfinished, key=lambda task: task.task_id, reverse=True):
                # what the pool already parsed is dropped: the fallback parses the chunk again
                chunks.appendleft(task.items)
            raise
        finally:
            self.close()

    def _collect(self) -> Iterator[list[tuple[Item, Any]]]:
        """Wait for results (or a timeout), yield finished chunks, replace stuck workers."""
        busy = [w for w in self._workers if w.tasks]
        if not busy:
            return
        deadline = min(w.since for w in busy) + self._timeout
        # One selector for the pool's life: building one per wake-up (as `connection.wait`
        # does) cost more than the messages themselves.
        for key, _events in self._selector.select(max(0.0, deadline - time.monotonic())):
            worker = key.data
            if worker in self._workers and worker.tasks:
                yield from self._drain(worker)
        now = time.monotonic()
        for worker in list(self._workers):
            task = worker.task
            if task is not None and now - worker.since > self._timeout:
                task.results.append(TOO_SLOW)
                if task.done:
                    worker.tasks.popleft()
                    yield list(zip(task.items, task.results, strict=True))
                self._replace(worker)

    def _drain(self, worker: _Worker) -> Iterator[list[tuple[Item, Any]]]:
        """The result `worker` has ready (the selector said so; it wakes again for the next)."""
        task = worker.tasks[0]
        try:
            task_id, index, result = worker.conn.recv()
        except (EOFError, OSError):  # the worker died on the file it was parsing
            task.results.append(CRASHED)
            if task.done:
                worker.tasks.popleft()
                yield list(zip(task.items, task.results, strict=True))
            self._replace(worker)
            return
        if task_id == task.task_id and index == task.next:
            task.results.append(result)
        worker.since = time.monotonic()
        if task.done:
            worker.tasks.popleft()
            yield list(zip(task.items, task.results, strict=True))

    @staticmethod
    def _stop(worker: _Worker, *, kill: bool) -> None:
        with contextlib.suppress(Exception):
            if kill:
                worker.process.kill()
            else:
                worker.conn.send(None)
        with contextlib.suppress(Exception):
            worker.conn.close()
        with contextlib.suppress(Exception):
            worker.process.join(timeout=1.0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=1.0)

    def _unregister(self, worker: _Worker) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self._selector.unregister(worker.conn.fileno())

    def close(self) -> None:
        """Stop every worker (idle ones are asked; busy ones are killed)."""
        for worker in self._workers:
            self._unregister(worker)
            self._stop(worker, kill=worker.task is not None)
        self._workers.clear()
        self._selector.close()
