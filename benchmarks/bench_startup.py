"""Warm start: process start → the first frame showing the article list, vs a trivial Textual app.

Each measurement is a fresh `python` process running headless. The parent notes the wall-clock
time just before it starts the process; the child notes it when Textual hands its first frame
to the terminal driver (`App._display`): for the baseline (an App with one Static) its first
frame, for reader the first frame whose list shows rows. Reader runs through its real command
line entry (`reader LIB --data-dir DIR`, forced headless). Medians of N interleaved runs.

    python benchmarks/bench_startup.py LIBRARY_DIR [-n 9] [--data-dir DIR]

The library is indexed once first (`reader index`), so every measured start is a warm start.
Both programs run once unmeasured with a private bytecode cache (`PYTHONPYCACHEPREFIX`), so
neither pays for compiling its modules, as on a user's machine after the first run (some
sandboxes set `PYTHONDONTWRITEBYTECODE`, which would make every start compile reader afresh).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

FIRST_FRAME_HOOK = textwrap.dedent(
    """
    import sys, time
    from textual.app import App

    _display = App._display
    _run = App.run
    _seen = {}

    def display(self, screen, renderable):
        _display(self, screen, renderable)
        if renderable is not None and "first" not in _seen and shows_what_we_wait_for(screen):
            _seen["first"] = time.time()
            print(f"{_seen['first']:.6f}", flush=True)
            self.exit()

    def run(self, *args, **kwargs):
        kwargs["headless"] = True
        return _run(self, *args, **kwargs)

    App._display = display
    App.run = run
    """
)

BASELINE = FIRST_FRAME_HOOK + textwrap.dedent(
    """
    from textual.widgets import Static

    def shows_what_we_wait_for(screen):
        return True

    class Trivial(App):
        def compose(self):
            yield Static("hello")

    Trivial().run()
    """
)

READER = FIRST_FRAME_HOOK + textwrap.dedent(
    """
    def shows_what_we_wait_for(screen):
        articles = getattr(screen, "article_list", None)
        return articles is not None and articles.counts[1] > 0

    from reader.__main__ import main

    main(sys.argv[1:])
    """
)


def started_to_first_frame(code: str, *args: str, env: dict[str, str]) -> float:
    started = time.time()
    output = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    return float(output[0]) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("-n", type=int, default=9)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    print(f"indexing {args.library} into {data_dir} (once) …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "reader", "index", str(args.library), "--data-dir", str(data_dir)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {
        "TEXTUAL_ANIMATIONS": "none",
        "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="reader-bench-pyc-"),
    }
    reader_args = (str(args.library), "--data-dir", str(data_dir))
    started_to_first_frame(BASELINE, env=env)  # warm the bytecode cache, unmeasured
    started_to_first_frame(READER, *reader_args, env=env)
    baseline: list[float] = []
    ours: list[float] = []
    for _ in range(args.n):  # interleaved, so both see the same machine state
        baseline.append(started_to_first_frame(BASELINE, env=env))
        ours.append(started_to_first_frame(READER, *reader_args, env=env))
    base, mine = statistics.median(baseline), statistics.median(ours)
    print(f"trivial Textual app, first frame: median {base * 1000:.0f} ms (n={args.n})")
    print(f"reader warm start, first frame with the list: median {mine * 1000:.0f} ms")
    print(f"ratio reader/trivial: {mine / base:.2f}x (target ≤ 1.5x)")


if __name__ == "__main__":
    main()
