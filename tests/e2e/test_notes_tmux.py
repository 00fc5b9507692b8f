"""Highlight and comment in the installed `reader` in a real terminal (tmux), quit, then export
the notes with `reader notes export` and find the passage and the comment in the file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import READER, Tmux, reader_env

pytestmark = pytest.mark.e2e

SENTENCE = "A wave of new dark web flicks have been hitting our inbox lately."
COMMENT = "the dark web cycle"


def test_highlight_comment_quit_and_export(tmux_reader: Tmux, tmp_path: Path) -> None:
    tmux = tmux_reader
    tmux.wait_for("3 of 3 articles")
    tmux.keys("f", "R", "e", "d", " ", "R", "o", "o", "m", "s", "Enter")
    tmux.wait_for("1 of 3 articles")
    tmux.keys("Enter")
    tmux.wait_for("A wave of new dark web flicks")
    # The caret starts on the top line; two paragraphs down, start afresh (v) and take
    # one sentence, then highlight it with a comment.
    tmux.keys("v", "}", "}", "v", ")", "c")
    tmux.wait_for("Comment on the highlight")
    tmux.keys(*" ".join(COMMENT).replace("   ", " Space ").split(" "))
    tmux.wait_for(COMMENT)
    tmux.keys("Enter")
    tmux.wait_gone("Comment on the highlight")
    tmux.keys("q", "q")  # back to the list, then quit
    tmux.wait_for("READER-EXITED-0")

    output = tmp_path / "notes.md"
    result = subprocess.run(
        [str(READER), "notes", "export", "--format", "markdown", "--output", str(output)],
        env={**os.environ, **reader_env(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    exported = output.read_text(encoding="utf-8")
    assert f"> {SENTENCE}" in exported
    assert COMMENT in exported
    assert "Red Rooms" in exported
