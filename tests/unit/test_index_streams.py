"""`reader index` starts its worker processes whatever state its standard streams are in:
stdin from /dev/null, stdin closed, stderr closed (as under cron, nohup or a service)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.library import POOL_THRESHOLD

READER = Path(sys.executable).parent / "reader"
FILES = POOL_THRESHOLD * 2


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    for number in range(FILES):
        (root / f"n{number}.md").write_text(f"# Note {number}\n\nWords {number}.\n")
    return root


@pytest.mark.parametrize(
    "redirects",
    ["</dev/null", "<&-", "<&- 2>&-", "</dev/null >/dev/null"],
    ids=["stdin-null", "stdin-closed", "stdin-and-stderr-closed", "stdout-null"],
)
def test_index_with_odd_standard_streams(library: Path, tmp_path: Path, redirects: str) -> None:
    if not READER.exists():
        pytest.skip("the installed reader command is missing")
    data = tmp_path / "data"
    report = tmp_path / "report.txt"
    command = f"'{READER}' index '{library}' --data-dir '{data}' {redirects}; echo $? > '{report}'"
    subprocess.run(["bash", "-c", command], timeout=120, check=False, env=os.environ.copy())
    assert report.read_text().strip() == "0"
    listed = subprocess.run(
        [str(READER), "search", "words", str(library), "--data-dir", str(data), "--limit", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f"of {FILES} results" in listed.stdout
