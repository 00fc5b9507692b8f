"""Reading an article file's bytes without surprises.

A library folder can hold anything: FIFOs that block on open, device nodes, sparse files of
terabytes, unreadable files. Opening with O_NONBLOCK and checking `fstat` before reading means
none of these can hang or exhaust memory: only regular files are read, and never more than
the size cap plus one byte.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from reader.core.models import Skipped

_KINDS = (
    (stat.S_ISDIR, "directory"),
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def format_size(size: int) -> str:
    """A size as a person reads it: "12.3 MB", "8 MB", "512 bytes"."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "special file"


def _os_reason(error: OSError) -> str:
    """Why a file could not be opened or read, in a few words."""
    if isinstance(error, PermissionError):
        return "unreadable: permission denied"
    if isinstance(error, FileNotFoundError):
        return "unreadable: file not found"
    if error.errno == errno.ELOOP:
        return "unreadable: too many levels of symbolic links"
    if isinstance(error, IsADirectoryError):
        return "not a regular file (directory)"
    return f"unreadable: {error.strerror or type(error).__name__}".lower()


def read_file(path: Path, max_bytes: int) -> bytes | Skipped:
    """The bytes of a regular file of at most `max_bytes`, or why it was skipped.

    Symlinks are followed (the library walker decides which targets are allowed).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        return Skipped(path, _os_reason(error))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Skipped(path, f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > max_bytes:
            return _too_large(path, info.st_size, max_bytes)
        data = _read_at_most(fd, max_bytes + 1)
    except OSError as error:
        return Skipped(path, _os_reason(error))
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew between fstat and read
        return _too_large(path, len(data), max_bytes)
    return data


def _too_large(path: Path, size: int, max_bytes: int) -> Skipped:
    return Skipped(path, f"too large ({format_size(size)}; limit {format_size(max_bytes)})")


def _read_at_most(fd: int, limit: int) -> bytes:
    parts: list[bytes] = []
    remaining = limit
    while remaining > 0:
        part = os.read(fd, min(remaining, 1 << 20))
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
