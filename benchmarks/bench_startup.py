"""Warm start: process start → the window with the article list painted, vs a trivial Textual app.

Each measurement is a fresh `python` process running headless, which reports the time from its
own process start (read from /proc) to the first paint that shows rows (for reader) or to the
first paint at all (for the baseline: an App with one Static). Medians of N runs, and the ratio.

    python benchmarks/bench_startup.py LIBRARY_DIR [-n 7] [--data-dir DIR]

The library is indexed once first (`reader index`), so every measured start is a warm start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

PROCESS_AGE = textwrap.dedent(
    """
    import os, time
    def process_age():
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    """
)

BASELINE = PROCESS_AGE + textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static

    class Trivial(App):
        def compose(self):
            yield Static("hello")
        def on_mount(self):
            self.call_after_refresh(self.done)
        def done(self):
            print(f"{process_age():.4f}")
            self.exit()

    Trivial().run(headless=True)
    """
)

READER = PROCESS_AGE + textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reader.core.config import Settings
    from reader.core.session import LibrarySession

    # Exactly what `reader PATH` does (reader/cli/app_command.py), headless.
    roots, data_dir = [Path(sys.argv[1]).resolve()], Path(sys.argv[2])
    session = LibrarySession(roots, data_dir, Settings())
    session.preload()
    from reader.ui.app import make_app
    from reader.ui.screens.main import MainScreen

    app = make_app(roots, data_dir, session=session)

    def check():
        screen = app.screen_stack[0] if app.screen_stack else None
        if isinstance(screen, MainScreen) and screen.article_list.counts[1] > 0:
            timer.stop()
            app.call_after_refresh(done, screen.article_list.counts[1])

    def done(rows):
        print(f"{process_age():.4f} {rows}")
        app.exit()

    timer = None
    def start():
        global timer
        timer = app.set_interval(0.002, check)
    app.call_later(start)
    app.run(headless=True)
    """
)


def run(code: str, *args: str) -> list[str]:
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none"}
    output = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("-n", type=int, default=7)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    print(f"indexing {args.library} into {data_dir} (once) …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "reader", "index", str(args.library), "--data-dir", str(data_dir)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    baseline: list[float] = []
    ours: list[float] = []
    rows = 0
    for _ in range(args.n):  # interleaved, so both see the same machine state
        baseline.append(float(run(BASELINE)[0]))
        seconds, rows_text = run(READER, str(args.library), str(data_dir))
        ours.append(float(seconds))
        rows = int(rows_text)
    base, mine = statistics.median(baseline), statistics.median(ours)
    print(f"trivial Textual app, first paint: median {base * 1000:.0f} ms (n={args.n})")
    print(f"reader warm start, list painted ({rows:,} rows): median {mine * 1000:.0f} ms")
    print(f"ratio reader/trivial: {mine / base:.2f}x (target ≤ 1.5x)")


if __name__ == "__main__":
    main()
