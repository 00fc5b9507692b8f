"""What every command needs: the library roots, the settings and the data directory."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from reader.core.config import Settings, load_settings
from reader.core.paths import data_dir, default_roots
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
        resolved = path.expanduser().resolve()
        if resolved.exists():
            if resolved not in roots:
                roots.append(resolved)
        else:
            problems.append(f"no such file or folder: {inert(str(path))}")
    return roots, problems


def build_context(args: argparse.Namespace) -> Context:
    roots, problems = resolve_roots(list(args.paths))
    settings, warnings = load_settings()
    return Context(roots, data_dir(args.data_dir), settings, problems + warnings)


def say(message: str) -> None:
    """Print a message that may hold file names: control characters made visible."""
    print(inert(message, limit=None))


def complain(message: str) -> None:
    print(f"reader: {inert(message, limit=None)}", file=sys.stderr)
