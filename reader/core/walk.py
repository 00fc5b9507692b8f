"""Walking library folders: every article candidate, in a stable order, and what to skip.

Paths are bytes from start to finish (lossless for names that are not UTF-8). The walk never
opens a file, follows a link only to a target inside one of the roots, and walks each folder
once, so link loops end. A warm rescan of 100,000 files is mostly this module: it stats each
candidate once and does little else.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from reader.core import loaders
from reader.core.models import Skipped


class Found(NamedTuple):
    """A candidate file the walk found, with the stat the change check needs."""

    path: bytes
    root: bytes
    size: int
    mtime_ns: int


def walk(roots: Sequence[Path]) -> Iterator[Path | Skipped]:
    """Every article candidate under `roots` in a stable order, and files that cannot be one."""
    for item in walk_found(roots):
        yield item if isinstance(item, Skipped) else Path(os.fsdecode(item.path))


def walk_found(roots: Sequence[Path]) -> Iterator[Found | Skipped]:
    """`walk`, with each file's bytes path, root and stat (paths as bytes are lossless)."""
    bases = [os.fsencode(os.path.abspath(root)) for root in roots]
    walker = _Walker([os.path.realpath(base) for base in bases])
    for base in bases:
        yield from walker.root(base)


class _Walker:
    def __init__(self, real_roots: list[bytes]) -> None:
        self.real_roots = real_roots
        self.visited: set[tuple[int, int]] = set()
        self.files: set[bytes] = set()
        self.candidates: dict[bytes, bool] = {}
        self.unsupported: list[bytes] = []

    def root(self, base: bytes) -> Iterator[Found | Skipped]:
        try:
            info = os.stat(base)
        except OSError as error:
            yield Skipped(_path(base), f"cannot be read ({error.strerror})")
            return
        if stat.S_ISDIR(info.st_mode):
            if (info.st_dev, info.st_ino) not in self.visited:  # not inside a root walked before
                yield from self.tree(base, info)
        else:
            yield from self.file(base, base, info)

    def tree(self, base: bytes, info: os.stat_result) -> Iterator[Found | Skipped]:
        self.visited.add((info.st_dev, info.st_ino))
        stack = [base]
        while stack:
            directory = stack.pop()
            try:
                files, others = self.listing(directory)
            except OSError as error:
                yield Skipped(_path(directory), f"folder cannot be read ({error.strerror})")
                continue
            for path in self.unsupported:  # documents a reader might expect to see listed
                suffix = os.fsdecode(path[path.rfind(b".") :]).lower()
                yield Skipped(_path(path), f"unsupported file type {suffix}")
            self.unsupported.clear()
            prefix = directory if directory.endswith(b"/") else directory + b"/"
            for name in files:  # the common case, kept inline: this loop is the warm rescan
                path = prefix + name
                try:
                    info = os.lstat(path)
                except OSError:
                    continue  # removed since the listing
                if path in self.files:
                    continue
                if stat.S_ISREG(info.st_mode):
                    yield Found(path, base, info.st_size, info.st_mtime_ns)
                else:
                    yield from self.file(path, base, info)
            subdirs: list[bytes] = []
            for entry in others:
                try:
                    yield from self.other(entry, base, subdirs)
                except OSError:  # gone or unreadable since the listing: nothing to report
                    continue
            stack.extend(reversed(subdirs))

    def listing(self, directory: bytes) -> tuple[list[bytes], list[os.DirEntry[bytes]]]:
        """Sorted names of candidate regular files, and the other entries (links, folders...).

        Sorting names and calling lstat is measurably faster than sorting DirEntry objects.
        """
        files: list[bytes] = []
        others: list[os.DirEntry[bytes]] = []
        candidates = self.candidates
        with os.scandir(directory) as scan:
            for entry in scan:
                name = entry.name
                if name.startswith(b"."):
                    continue
                if not entry.is_file(follow_symlinks=False):
                    others.append(entry)
                    continue
                dot = name.rfind(b".")
                candidate = candidates.get(name[dot:] if dot > 0 else b"")
                if candidate is None:
                    candidate = self.is_candidate(name)
                if candidate:
                    files.append(name)
                elif name[dot:].lower() in UNSUPPORTED_DOCUMENTS and dot > 0:
                    self.unsupported.append(directory.rstrip(b"/") + b"/" + name)
        files.sort()
        others.sort(key=attrgetter("name"))
        return files, others

    def other(self, entry: os.DirEntry[bytes], base: bytes, subdirs: list[bytes]) -> Iterator:
        """Links, folders and special files."""
        if entry.is_symlink():
            yield from self.link(entry, base, subdirs)
        elif entry.is_dir(follow_symlinks=False):
            self.enter(entry.path, entry.stat(follow_symlinks=False), subdirs)
        elif self.is_candidate(entry.name):
            yield from self.file(entry.path, base, entry.stat(follow_symlinks=False))

    def link(self, entry: os.DirEntry[bytes], base: bytes, subdirs: list[bytes]) -> Iterator:
        real = os.path.realpath(entry.path)
        try:
            info = os.stat(entry.path)
        except OSError as error:
            if self.is_candidate(entry.name):
                loop = error.errno == errno.ELOOP
                yield Skipped(_path(entry.path), "link loop" if loop else "broken link")
            return
        is_dir = stat.S_ISDIR(info.st_mode)
        if not is_dir and not self.is_candidate(entry.name):
            return
        if not any(
            real == root or real.startswith(root.rstrip(b"/") + b"/") for root in self.real_roots
        ):
            yield Skipped(_path(entry.path), "link to outside the library")
        elif is_dir:
            self.enter(entry.path, info, subdirs)
        else:
            yield from self.file(entry.path, base, info)

    def enter(self, path: bytes, info: os.stat_result, subdirs: list[bytes]) -> None:
        key = (info.st_dev, info.st_ino)
        if key not in self.visited:  # a link loop, or a folder reached twice, is walked once
            self.visited.add(key)
            subdirs.append(path)

    def file(self, path: bytes, base: bytes, info: os.stat_result) -> Iterator[Found | Skipped]:
        if path in self.files:
            return
        self.files.add(path)
        if stat.S_ISREG(info.st_mode):
            yield Found(path, base, info.st_size, info.st_mtime_ns)
        else:
            yield Skipped(_path(path), f"not a regular file ({_kind(info.st_mode)})")

    def is_candidate(self, name: bytes) -> bool:
        # Candidates are decided by suffix, so one call per distinct suffix is enough.
        dot = name.rfind(b".")
        suffix = name[dot:] if dot > 0 else b""
        known = self.candidates.get(suffix)
        if known is None:
            probe = Path("probe" + os.fsdecode(suffix))
            known = self.candidates[suffix] = loaders.is_candidate(probe)
        return known


UNSUPPORTED_DOCUMENTS = frozenset(
    b".pdf .epub .mobi .azw .azw3 .djvu .doc .docx .odt .rtf .ps .pages .xps".split()
)
"""Documents listed as skipped; other files (images, styles, scripts of saved pages) are
silently passed over, or every saved page would flood the list with its assets."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"


def _path(path: bytes) -> Path:
    return Path(os.fsdecode(path))
