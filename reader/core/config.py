"""User settings read from `config.toml` in the config directory.

Every field has a default, so a missing or broken file never stops the app; problems are
returned as warnings for the UI to show.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from reader.core.paths import config_dir

DEFAULT_MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    max_file_bytes: int = DEFAULT_MAX_BYTES
    """Files larger than this are listed as skipped ("too large"), never read."""
    measure: int = 80
    """Widest reading column in cells; `w` toggles full width."""
    words_per_minute: int = 230


def load_settings(directory: Path | None = None) -> tuple[Settings, list[str]]:
    """Settings from `config.toml`, and warnings for anything that could not be used."""
    path = (directory or config_dir()) / "config.toml"
    settings = Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return settings, []
    except (OSError, UnicodeDecodeError) as error:
        return settings, [f"config.toml ignored: {error}"]
    import tomllib  # only when there is a file: most starts have none, and it costs 15 ms

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return settings, [f"config.toml ignored: {error}"]
    warnings: list[str] = []
    known = {field.name: field for field in fields(Settings)}
    for key, value in raw.items():
        if key not in known:
            warnings.append(f"config.toml: unknown setting {key!r}")
        elif not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            warnings.append(f"config.toml: {key} must be a positive whole number")
        else:
            settings = replace(settings, **{key: value})
    return settings, warnings
