"""Open a ~100 KB and a ~1 MB Markdown article: our ReadingView against Textual's `Markdown`.

Run: `.venv/bin/python benchmarks/bench_open_article.py [--runs N] [--timeout S]`

Method, the same for both widgets, in one process, under `App.run_test(size=(100, 30))`:
- first paint: the clock starts just before the article is handed over (ours: a thread worker
  parses chunks with `iter_markdown_blocks` and passes each to `append_blocks`, as the app's
  loader does; stock: a `Markdown(source)` is mounted in a `VerticalScroll`). `App._display` is
  wrapped; first paint is the first call that carries a compositor update while article text
  is on screen (ours: a body line laid out; stock: a block mounted), and the update is
  serialised to terminal bytes as a real terminal would need. Stock Markdown at 1 MB takes
  minutes to finish, so only its first paint is awaited, capped by `--timeout`.
- page down: after the article is on screen (ours: fully laid out), the clock runs from the
  `pagedown` key press to the next display.
- peak extra memory: a separate run under tracemalloc (it slows Python, so it is not timed),
  from hand-over until ours is fully laid out, or until stock's first paint (1 MB) / finish.
Medians of N runs are printed, with the ratio stock/ours.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from reader.core.loaders.markdown_doc import iter_markdown_blocks
from reader.core.models import ArticleMeta
from reader.ui.widgets.reading_view import ReadingView

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "articles"
SIZE = (100, 30)


def build_source(size: int) -> str:
    """Corpus Markdown files concatenated to `size` characters (generated if absent)."""
    files = sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []
    parts: list[str] = []
    total = 0
    while files and total < size:
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            parts.append(text)
            total += len(text) + 2
            if total >= size:
                break
    if not parts:
        para = "Some *emphasis*, a [link](https://example.com) and `code` in a sentence. " * 6
        parts = [
            f"## Section {i}\n\n{para}\n\n- an item\n- another item" for i in range(size // 600)
        ]
    return "\n\n".join(parts)[:size]


@dataclass
class Probe:
    """Timestamps of displays, taken inside `App._display`."""

    ready: Callable[[], bool] = lambda: False
    start: float = 0.0
    first_paint: float | None = None
    displays: list[float] = field(default_factory=list)
    painted: asyncio.Event = field(default_factory=asyncio.Event)


class Host(App[None]):
    def __init__(self, probe: Probe) -> None:
        super().__init__()
        self.probe = probe

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="pane")

    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is None or not hasattr(renderable, "render_segments"):
            return
        renderable.render_segments(self.console)  # what a real terminal would be sent
        now = time.perf_counter()
        self.probe.displays.append(now)
        if self.probe.first_paint is None and self.probe.ready():
            self.probe.first_paint = now - self.probe.start
            self.probe.painted.set()


async def _page_down(app: App[None], probe: Probe) -> float:
    """Post a `pagedown` key (no Pilot waits: stock may still be mounting) and time the display."""
    await asyncio.sleep(0.2)
    before = time.perf_counter()
    app.post_message(events.Key("pagedown", None))
    deadline = before + 10
    while time.perf_counter() < deadline:
        after = [t for t in probe.displays if t > before]
        if after:
            return after[0] - before
        await asyncio.sleep(0.001)
    return float("nan")


async def run_ours(source: str, *, memory: bool = False) -> tuple[float, float, float]:
    probe = Probe()
    app = Host(probe)
    async with app.run_test(size=SIZE) as pilot:
        view = ReadingView()
        await app.query_one("#pane").mount(view)
        view.focus()
        await pilot.pause()
        probe.ready = lambda: view._shown.blocks_done > 0
        done = asyncio.Event()

        def load() -> None:
            app.call_from_thread(view.show_article, Path("bench.md"), ArticleMeta("Bench"))
            for chunk in iter_markdown_blocks(source):
                app.call_from_thread(view.append_blocks, chunk)
            app.call_from_thread(view.finish)
            app.call_from_thread(done.set)

        if memory:
            tracemalloc.start()
        probe.start = time.perf_counter()
        app.run_worker(load, thread=True)
        await asyncio.wait_for(probe.painted.wait(), 60)
        await done.wait()
        await app.workers.wait_for_complete()
        if memory:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            return float("nan"), float("nan"), peak
        page = await _page_down(app, probe)
        assert probe.first_paint is not None
        return probe.first_paint, page, 0.0


async def run_stock(
    source: str, timeout: float, *, memory: bool = False
) -> tuple[float, float, float]:
    probe = Probe()
    app = Host(probe)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one("#pane")
        pane.focus()
        await pilot.pause()
        markdown = Markdown(source)
        probe.ready = lambda: bool(markdown.children)
        if memory:
            tracemalloc.start()
        probe.start = time.perf_counter()
        pane.mount(markdown)
        try:
            await asyncio.wait_for(probe.painted.wait(), timeout)
        except TimeoutError:
            if memory:
                tracemalloc.stop()
            return float("nan"), float("nan"), float("nan")
        if len(source) < 200_000:
            await app.workers.wait_for_complete()
            await pilot.pause(0.5)
        if memory:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            return float("nan"), float("nan"), peak
        page = await _page_down(app, probe)
        assert probe.first_paint is not None
        return probe.first_paint, page, 0.0


def _median(values: list[float]) -> float:
    return statistics.median(values)


async def main(runs: int, timeout: float, stock_runs: int) -> None:
    print(f"terminal {SIZE[0]}x{SIZE[1]}, medians of {runs} runs (stock: {stock_runs})")
    header = f"{'size':>7} {'widget':<8} {'first paint ms':>15} {'page down ms':>13} {'peak MB':>8}"
    print(header)
    for size in (100_000, 1_000_000):
        source = build_source(size)
        ours = [await run_ours(source) for _ in range(runs)]
        ours_mem = (await run_ours(source, memory=True))[2]
        stock = [await run_stock(source, timeout) for _ in range(stock_runs)]
        stock_mem = (await run_stock(source, timeout, memory=True))[2]
        rows = {"ours": (ours, ours_mem), "stock": (stock, stock_mem)}
        medians: dict[str, tuple[float, float]] = {}
        for name, (results, mem) in rows.items():
            paint = _median([r[0] for r in results]) * 1000
            page = _median([r[1] for r in results]) * 1000
            medians[name] = (paint, page)
            print(f"{len(source) // 1000:>6}K {name:<8} {paint:>15.1f} {page:>13.1f} {mem:>8.1f}")
        ratio = medians["stock"][0] / medians["ours"][0]
        print(f"{'':>7} first paint stock/ours = {ratio:.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stock-runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30.0, help="cap on stock's first paint")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.timeout, args.stock_runs))
