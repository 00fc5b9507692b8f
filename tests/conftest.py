"""Shared fixtures: every test gets its own data and config directories and library copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTICLES = REPO / "articles"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "articles"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the developer's real data or config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("READER_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("READER_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    return home


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs / "data"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A private copy of the sample articles."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
