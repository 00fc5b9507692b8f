"""One scan of a data directory at a time.

Two `reader index` runs (or the app and one) scanning the same library would both parse
every new file, both write it, and both report counts the other made wrong. The scan takes
an advisory lock on `DATA_DIR/scan.lock` (`flock`: released by the kernel when the process
ends, however it ends); a second scanner waits for it, says so, and then finds the library
up to date, with true counts.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_NAME = "scan.lock"
POLL_SECONDS = 0.1
WAITING = "waiting: another reader is indexing this library"


@contextlib.contextmanager
def scanning(
    data_dir: Path,
    *,
    on_wait: Callable[[], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[bool]:
    """Hold the data directory's scan lock for the block; yields False if `cancelled` said
    stop while waiting (the block should then not scan). Where locking is not possible (a
    file system without `flock`), scans are not kept apart, as before."""
    try:
        fd = os.open(Path(data_dir) / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield True
        return
    try:
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if cancelled():
                    yield False
                    return
                if not told and on_wait is not None:
                    on_wait()
                told = True
                time.sleep(POLL_SECONDS)
            except OSError:
                break  # no locking here: go on unguarded
        yield True
    finally:
        os.close(fd)  # releases the lock
