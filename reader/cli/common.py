"""What every command needs: the library roots, the settings and the data directory."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

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
