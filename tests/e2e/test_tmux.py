"""The installed `reader` command in a real terminal (tmux), driven as a person would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import Tmux

pytestmark = pytest.mark.e2e


def test_open_read_and_quit_in_a_real_terminal(tmux_reader: Tmux, tmp_path: Path) -> None:
    screen = tmux_reader.wait_for("Getting started with reader")
    assert "Pascal Plante’s Red Rooms" in screen
    assert "3 of 3 articles" in tmux_reader.wait_for("3 of 3 articles")

    # Filter down to the Red Rooms review and open it.
    tmux_reader.keys("f", "R", "e", "d", " ", "R", "o", "o", "m", "s", "Enter")
    tmux_reader.wait_for("1 of 3 articles")
    tmux_reader.keys("Enter")
    screen = tmux_reader.wait_for("Courtesy Nemesis Films")
    assert "A wave of new dark web flicks" in screen

    # Read on, then quit: the reading position is saved in the data directory.
    tmux_reader.keys("Space")
    tmux_reader.keys("q")  # back to the list, as in less and mutt
    tmux_reader.wait_for("1 of 3 articles")
    tmux_reader.keys("q")  # and out
    screen = tmux_reader.wait_for("READER-EXITED-0")
    assert "A wave of new dark web flicks" not in screen
    assert (tmp_path / "data" / "library.db").exists()
    assert os.path.getsize(tmp_path / "data" / "user.db") > 0
