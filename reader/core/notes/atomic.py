"""Files that appear whole or not at all: exports and database backups.

The content goes to a temporary file in the target's directory (a rename is only atomic within
one file system), is flushed and fsynced, renamed over the target, and the directory is fsynced
so the rename itself survives a power cut. A crash leaves at most a temporary file, never a
half-written export; `cleanup_stale_temporaries` removes those on the next start.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_MARK = ".reader-tmp-"
STALE_SECONDS = 24 * 3600
"""A temporary file this old is stale even if its process id is in use again."""
_TEMP_NAME = re.compile(r"^\..*" + re.escape(TEMP_MARK) + r"(\d+)-[0-9a-f]+$")


def temporary_path(target: Path) -> Path:
    """A fresh temporary name beside `target`, carrying our process id."""
    return target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def write_atomic(target: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write `target` through `write(file)` so it is replaced whole or left as it was.

    Raises:
        OSError: nothing was replaced and no temporary file is left behind.
    """
    target = Path(target)
    with _replacing(target) as temp:
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        _keep_mode(target, temp)
    return target


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`: renamed over it (durably) when the block succeeds,
    removed when it fails."""
    temp = temporary_path(target)
    try:
        yield temp
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_directory(target.parent)


def write_bytes_atomic(target: Path, data: bytes) -> Path:
    def write(file: BinaryIO) -> None:
        file.write(data)

    return write_atomic(target, write)


def backup_to(conn: sqlite3.Connection, target: Path, *, name: str = "main") -> Path:
    """Copy the database `name` of `conn` to `target` with SQLite's online backup API."""
    with _replacing(target) as temp:
        copy = sqlite3.connect(temp)
        try:
            conn.backup(copy, name=name)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
        with open(temp, "rb+") as file:
            os.fsync(file.fileno())
    return target


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def cleanup_stale_temporaries(directory: Path) -> list[Path]:
    """Remove temporary files a crashed export or backup left in `directory`; return them.

    A temporary file is stale when the process that made it is gone, or it is a day old; one
    a running export is still writing is left alone.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            if old or not _running(int(match.group(1))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return True


def _keep_mode(target: Path, temp: Path) -> None:
    """A replaced file keeps its permissions; a new one is private (notes are personal)."""
    with contextlib.suppress(OSError):
        os.chmod(temp, target.stat().st_mode & 0o777)
