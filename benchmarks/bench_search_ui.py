"""Search as you type, in the real app: keystroke → the updated results list on screen.

Run from the repository root, on an indexed make_large library (ripgrep not needed):

    PYTHONPATH=. .venv/bin/python benchmarks/bench_search_ui.py [--library /work/large/lib100k]
        [--data-dir DIR] [--runs 5]

The data directory is brought up to date first with `reader search` (which indexes the library
and builds the search index when they are missing). Then the app runs headless (120×40) exactly
as `reader LIBRARY --data-dir DIR` does; after its background rescan, `/` opens the search
screen and words are typed one key at a time. Each figure runs from posting the key event to
the frame that shows that query's results (the search ran in its worker, the list was rebuilt
and the compositor painted it), the way `bench_list.py` times keys. Baseline, in the same run:
a stock Textual `Input` echoing a key (the least any keystroke costs). Target: ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from reader.core.config import Settings
from reader.core.session import LibrarySession
from reader.ui.app import make_app
from reader.ui.screens.main import MainScreen
from reader.ui.screens.search import SearchScreen

WORDS = ("survey", "network", "kernel", "the compiler")


def key(pilot: Pilot[object], character: str) -> None:
    name = "space" if character == " " else character
    event = events.Key(name, character)
    event.set_sender(pilot.app)
    pilot.app.post_message(event)


async def until_painted(pilot: Pilot[object], done: Callable[[], bool]) -> None:
    while not done():
        await asyncio.sleep(0)
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()


async def typed_in_reader(library: Path, data_dir: Path, runs: int) -> dict[str, list[float]]:
    session = LibrarySession([library], data_dir, Settings())
    session.preload()
    app = make_app([library], data_dir, session=session)
    shown: dict[str, str] = {}
    original_show = SearchScreen._show

    def show(screen: SearchScreen, serial: int, query: str, found: object) -> None:
        original_show(screen, serial, query, found)
        if serial == screen._serial:
            shown["query"] = query

    SearchScreen._show = show  # type: ignore[method-assign]
    times: dict[str, list[float]] = {word: [] for word in WORDS}
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.screen
        assert isinstance(main, MainScreen)
        while main.scanning or main.loading_rows:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # let the search index settle after the rescan
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        field = screen.query_one(Input)
        shown["query"] = ""
        for _ in range(runs):
            for word in WORDS:
                for length, character in enumerate(word, 1):
                    start = time.perf_counter()
                    key(pilot, character)
                    await until_painted(pilot, lambda typed=word[:length]: shown["query"] == typed)
                    times[word].append(time.perf_counter() - start)
                field.value = ""
                await pilot.pause(0.05)
    return times


class Echo(App[None]):
    def compose(self) -> ComposeResult:
        yield Input()


async def typed_in_stock_input(runs: int) -> list[float]:
    app = Echo()
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        for _ in range(runs):
            for word in WORDS:
                for character in word:
                    before = field.value
                    start = time.perf_counter()
                    key(pilot, character)
                    await until_painted(pilot, lambda before=before: field.value != before)
                    times.append(time.perf_counter() - start)
                field.value = ""
                await pilot.pause(0.02)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=Path("/work/large/lib100k"))
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    print(f"indexing {args.library} into {data_dir} (if needed) …", flush=True)
    command = [sys.executable, "-m", "reader", "search", "x", str(args.library)]
    command += ["--data-dir", str(data_dir), "--limit", "1"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    ours = asyncio.run(typed_in_reader(args.library.resolve(), data_dir, args.runs))
    stock = asyncio.run(typed_in_stock_input(args.runs))
    base = statistics.median(stock)
    print(f"\n{'typed':16} {'keys':>5} {'median':>8} {'p95':>8} {'worst':>8}")
    every: list[float] = []
    for word, times in ours.items():
        every += times
        print(
            f"{word:16} {len(times):5} {statistics.median(times) * 1e3:7.1f}ms"
            f" {p95(times) * 1e3:7.1f}ms {max(times) * 1e3:7.1f}ms"
        )
    median, high = statistics.median(every), p95(every)
    print(f"\nkeystroke → results on screen: median {median * 1e3:.1f} ms, p95 {high * 1e3:.1f} ms")
    print(f"stock Input echoing a key: median {base * 1e3:.1f} ms, p95 {p95(stock) * 1e3:.1f} ms")
    print(f"ratio (median) search/echo: {median / base:.1f}x; target: p95 ≤ 50 ms")


if __name__ == "__main__":
    main()
