"""Free space on the disk holding the data directory, checked once at start.

A full disk used to go unnoticed until the first save failed. One `statvfs` at start costs
microseconds and lets the app say so before the reader types a note that cannot be saved.

The threshold is an absolute amount, `LOW_SPACE_BYTES` (50 MB), not a share of the disk: what
fails is a write of a few megabytes at most (a note, a page of SQLite's log, a search index
segment), and 1% of a 2 TB disk (20 GB) is plenty of room, while 1% of a small partition is not.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol

LOW_SPACE_BYTES = 50 * 1024 * 1024
"""Warn when less than this is free (50 MB)."""
MB = 1024 * 1024


class Usage(Protocol):
    """What `shutil.disk_usage` returns (only `free` is read)."""

    @property
    def free(self) -> int: ...


class FreeSpace(NamedTuple):
    """Free bytes on the filesystem of `folder` (the data directory or its nearest parent)."""

    folder: Path
    free: int


def free_space(data_dir: Path, usage: Callable[[Path], Usage] | None = None) -> FreeSpace | None:
    """Free space where the data directory is, or will be (it may not exist before the first
    write); None when it cannot be measured (a missing mount, a permission problem).

    Args:
        usage: measures a folder (default `shutil.disk_usage`, looked up at each call).
    """
    measure = usage or shutil.disk_usage
    for place in (data_dir, *data_dir.parents):
        try:
            if place.is_dir():
                return FreeSpace(place, measure(place).free)
        except OSError:
            return None
    return None


def low_space_warning(
    data_dir: Path,
    usage: Callable[[Path], Usage] | None = None,
    threshold: int = LOW_SPACE_BYTES,
) -> str | None:
    """One line for the reader when less than `threshold` bytes are free, else None."""
    measured = free_space(data_dir, usage)
    if measured is None or measured.free >= threshold:
        return None
    return (
        f"Only {format_size(measured.free)} free on the disk holding the data directory "
        f"({data_dir}); saving notes may fail."
    )


def format_size(size: int) -> str:
    """Bytes as the reader would say them: '12 MB', '300 KB', '0 bytes'."""
    if size >= MB:
        return f"{size / MB:.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes" if size != 1 else "1 byte"
