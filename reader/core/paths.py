"""Where reader keeps its files: platformdirs locations, overridable for tests and power users.

Nothing here creates a directory; whoever writes there first does (`ensure_dir`).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "reader"
DATA_DIR_ENV = "READER_DATA_DIR"
CONFIG_DIR_ENV = "READER_CONFIG_DIR"
LEGACY_DATABASE_NAME = "reader.db"
"""The single database of reader before user data and derived data were split (see `tables`)."""
LIBRARY_DATABASE_NAME = "library.db"
USER_DATABASE_NAME = "user.db"
BACKUP_DIR_NAME = "backups"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: `--data-dir`, then `READER_DATA_DIR`, then the platform's default."""
    if override:
        return Path(override).expanduser()
    if env := os.environ.get(DATA_DIR_ENV):
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The config directory: `READER_CONFIG_DIR`, then the platform's default."""
    if env := os.environ.get(CONFIG_DIR_ENV):
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def library_database_path(directory: Path) -> Path:
    """The derived database: articles and their text, rebuilt from the files when damaged."""
    return directory / LIBRARY_DATABASE_NAME


def user_database_path(directory: Path) -> Path:
    """What the user made: notes, highlights, reading state, settings. Never rebuilt."""
    return directory / USER_DATABASE_NAME


def legacy_database_path(directory: Path) -> Path:
    return directory / LEGACY_DATABASE_NAME


def backup_dir(directory: Path) -> Path:
    return directory / BACKUP_DIR_NAME


def bundled_articles() -> Path:
    """The sample articles: shipped inside the wheel, or `articles/` beside an editable checkout."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "bundled_articles"
    if inside.is_dir():
        return inside
    return package.parent / "articles"


def default_roots(cwd: Path | None = None) -> list[Path]:
    """With no PATH: `./articles` when it exists, else the bundled samples."""
    here = (cwd or Path.cwd()) / "articles"
    return [here if here.is_dir() else bundled_articles()]


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
