"""The article list at 100,000 articles: `ArticleList` against the stock `OptionList`.

Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/bench_list.py [--rows N] [--runs 5] [--baseline-runs 2]

Each figure is a median over runs of: the API call or key event, Textual dispatching it to the
widget, and the screen's compositor painting the change (headless, so minus the terminal write).
Pilot's own `press`/`pause` sleep in 20 ms steps while waiting for idle, so this script posts the
key, yields to the loop until the widget has acted, waits for queued messages and then paints at
once, as the refresh timer would (two private Textual calls, the same ones `Pilot.pause` makes).
The baseline uses the same `ArticleListing` for sorting and filtering and refills the
`OptionList` with its rows, the usual way to filter a stock list.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import OptionList

from reader.core.listing import ArticleListing, SortKey
from reader.core.models import ArticleSummary
from reader.ui.widgets.article_list import ArticleList, format_date

WORDS = (
    *("the", "theatre", "of", "rust", "python", "café", "naïve", "data", "river", "light"),
    *("garden", "winter", "machine", "learning", "history", "city", "music", "ocean"),
    *("thermal", "weather", "other"),
)
QUERIES = ("t", "th", "the", "thea", "winter garden", "zzz")


def synthetic(count: int, seed: int = 1) -> list[ArticleSummary]:
    """A library of `count` articles with realistic titles, authors, tags and dates."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1)
    return [
        ArticleSummary(
            id=index,
            path=Path(f"/library/source{index % 40}/article{index}.md"),
            title=" ".join(rng.choices(WORDS, k=rng.randint(2, 7))).capitalize()
            + f" {rng.randint(1, 500)}",
            source=f"source{index % 40}.example",
            author=rng.choice(("Ann Lee", "José Núñez", "", "Bo")),
            date=None if index % 17 == 0 else start - dt.timedelta(minutes=rng.randint(0, 5**9)),
            tags=tuple(rng.sample(WORDS, 2)),
            words=rng.randint(0, 9_000),
            read=index % 3 == 0,
        )
        for index in range(1, count + 1)
    ]


class Host(App[None]):
    CSS = "Screen > * { height: 1fr; }"

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


async def timed(pilot: Pilot[None], act: Callable[[], object], done: Callable[[], bool]) -> float:
    """Seconds from `act()` until its effect is on the (headless) screen."""
    start = time.perf_counter()
    act()
    while not done():
        await asyncio.sleep(0)
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()
    return time.perf_counter() - start


def key(pilot: Pilot[None], name: str) -> Callable[[], None]:
    def press() -> None:
        event = events.Key(name, name if len(name) == 1 else None)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)

    return press


Results = dict[str, float]


async def bench_article_list(rows: list[ArticleSummary], runs: int) -> Results:
    widget = ArticleList()
    async with Host(widget).run_test(size=(120, 40)) as pilot:
        widget.focus()
        await pilot.pause()
        fills = []
        for _ in range(runs):
            widget.set_summaries([])
            fills.append(await timed(pilot, lambda: widget.set_summaries(rows), lambda: True))
        appends = [
            await timed(pilot, lambda batch=batch: widget.upsert(batch), lambda: True)
            for batch in _batches(len(rows), runs)
        ]
        return {
            "fill + first paint": statistics.median(fills),
            "append 500 (indexer batch)": statistics.median(appends),
            **await _cursor_and_scroll(pilot, widget, lambda: widget.cursor_row, runs),
            **await _ready_to_filter(pilot, widget),
            **await _filter_and_sort(
                pilot,
                widget.filter,
                widget.sort_by,
                runs,
                shown=lambda: widget.counting or widget._filter_job is None,
                counted=lambda: widget._filter_job is None,
            ),
        }


async def bench_option_list(rows: list[ArticleSummary], runs: int) -> Results:
    listing = ArticleListing(rows)
    widget = OptionList()
    prompts = {row.id: _prompt(row) for row in rows}

    def refill() -> None:
        widget.clear_options()
        widget.add_options([prompts[row.id] for row in listing.visible])

    def filter_rows(query: str) -> None:
        listing.query = query
        refill()

    def sort_rows(sort_key: SortKey) -> None:
        listing.sort_key = sort_key
        refill()

    async with Host(widget).run_test(size=(120, 40)) as pilot:
        widget.focus()
        await pilot.pause()
        fills = []
        for _ in range(runs):
            widget.clear_options()
            fills.append(await timed(pilot, refill, lambda: True))
        appends = [
            await timed(pilot, lambda batch=batch: widget.add_options(map(_prompt, batch)), _true)
            for batch in _batches(len(rows), runs)
        ]
        widget.highlighted = 0
        return {
            "fill + first paint": statistics.median(fills),
            "append 500 (indexer batch)": statistics.median(appends),
            **await _cursor_and_scroll(pilot, widget, lambda: widget.highlighted, runs),
            **await _filter_and_sort(pilot, filter_rows, sort_rows, runs),
        }


def _batches(count: int, runs: int) -> list[list[ArticleSummary]]:
    """New articles as the cold index finds them, 500 at a time (ids after the library's)."""
    fresh = synthetic(count + 500 * runs, seed=2)[count:]
    return [fresh[start : start + 500] for start in range(0, len(fresh), 500)]


def _true() -> bool:
    return True


def _prompt(row: ArticleSummary) -> str:
    minutes = f"{row.minutes} min" if row.words else ""
    return f"{row.title[:60]:60}  {row.source:20}  {format_date(row.date):10}  {minutes:>7}"


async def _cursor_and_scroll(
    pilot: Pilot[None], widget: Widget, cursor: Callable[[], object], runs: int
) -> Results:
    results: dict[str, list[float]] = {"cursor move (down)": [], "page down": [], "wheel (3)": []}
    for _ in range(runs * 4):
        before = cursor()
        down = key(pilot, "down")
        moved = lambda before=before: cursor() != before  # noqa: E731
        results["cursor move (down)"].append(await timed(pilot, down, moved))
    for _ in range(runs * 2):
        before = cursor()
        page = key(pilot, "pagedown")
        moved = lambda before=before: cursor() != before  # noqa: E731
        results["page down"].append(await timed(pilot, page, moved))
    for _ in range(runs * 2):
        wheel = lambda: widget.scroll_relative(y=3, animate=False)  # noqa: E731
        results["wheel (3)"].append(await timed(pilot, wheel, lambda: True))
    return {name: statistics.median(times) for name, times in results.items()}


async def _filter_and_sort(
    pilot: Pilot[None],
    filter_rows: Callable[[str], object],
    sort_rows: Callable[[SortKey], object],
    runs: int,
    shown: Callable[[], bool] = _true,
    counted: Callable[[], bool] = _true,
) -> Results:
    """Each keystroke: the loop's own time, until its rows are on screen, until fully counted."""
    typed: dict[str, list[float]] = {query: [] for query in QUERIES}
    blocked: dict[str, list[float]] = {query: [] for query in QUERIES}
    complete: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _ in range(runs):
        for query in QUERIES:

            def call(q: str = query) -> None:
                start = time.perf_counter()
                filter_rows(q)
                blocked[q].append(time.perf_counter() - start)

            start = time.perf_counter()
            typed[query].append(await timed(pilot, call, shown))
            while not counted():
                await asyncio.sleep(0)
            await pilot._wait_for_screen()
            pilot.app.screen._on_timer_update()
            complete[query].append(time.perf_counter() - start)
        await timed(pilot, lambda: filter_rows(""), counted)
    sorts: dict[str, list[float]] = {"sort switch (first use)": [], "sort switch (cached)": []}
    for _ in range(runs):
        sort_key = SortKey.TITLE
        await timed(pilot, lambda: sort_rows(SortKey.DATE), lambda: True)
        sorts["sort switch (cached)"].append(
            await timed(pilot, lambda k=sort_key: sort_rows(k), lambda: True)
        )
    first = await timed(pilot, lambda: sort_rows(SortKey.PATH), lambda: True)
    sorts["sort switch (first use)"].append(first)
    return {
        **{f"filter {query!r}: loop busy": statistics.median(t) for query, t in blocked.items()},
        **{f"filter {query!r}: rows shown": statistics.median(t) for query, t in typed.items()},
        **{f"filter {query!r}: all counted": statistics.median(t) for query, t in complete.items()},
        **{name: statistics.median(times) for name, times in sorts.items()},
    }


async def _ready_to_filter(pilot: Pilot[None], widget: ArticleList) -> Results:
    """After the rows change the list readies itself for filtering in a worker; wait for it."""
    start = time.perf_counter()
    while not widget.filtering_ready:
        await asyncio.sleep(0.005)
    return {"ready to filter (worker)": time.perf_counter() - start}


def core_only(rows: list[ArticleSummary], runs: int) -> Results:
    """The model alone, to show how much of each UI figure is sorting and filtering."""
    fills, typed = [], {query: [] for query in QUERIES}
    for _ in range(runs):
        start = time.perf_counter()
        listing = ArticleListing(rows)
        len(listing.visible)
        fills.append(time.perf_counter() - start)
        for query in QUERIES:
            start = time.perf_counter()
            listing.query = query
            typed[query].append(time.perf_counter() - start)
    return {
        "ArticleListing build + date sort": statistics.median(fills),
        **{f"ArticleListing.query = {q!r}": statistics.median(t) for q, t in typed.items()},
    }


def report(ours: Results, baseline: Results | None, core: Results) -> None:
    print(f"{'operation':32} {'ArticleList':>12} {'OptionList':>12} {'ratio':>8}")
    for name, seconds in ours.items():
        line = f"{name:32} {seconds * 1000:10.1f}ms"
        if baseline and name in baseline:
            line += f" {baseline[name] * 1000:10.1f}ms {baseline[name] / seconds:7.0f}x"
        print(line)
    print()
    for name, seconds in core.items():
        print(f"{name:44} {seconds * 1000:10.1f}ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-runs", type=int, default=2, help="0 skips the OptionList")
    args = parser.parse_args()
    rows = synthetic(args.rows)
    ours = asyncio.run(bench_article_list(rows, args.runs))
    baseline = None
    if args.baseline_runs:
        baseline = asyncio.run(bench_option_list(rows, args.baseline_runs))
    print(f"{args.rows:,} articles; medians of {args.runs} runs ({args.baseline_runs} baseline)")
    report(ours, baseline, core_only(rows, args.runs))


if __name__ == "__main__":
    main()
